// leadflow's few lines of script. Every page works without them: a move button is a link to
// a form page with the same reason form.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialog);
    if (dialog && typeof dialog.showModal === "function") {
      event.preventDefault();
      const form = dialog.querySelector("form");
      form.action = opener.dataset.action;
      form.elements.expected_version.value = opener.dataset.version;
      dialog.querySelector("[data-lead-name]").textContent = opener.dataset.leadName;
      dialog.showModal();
    }
    return;
  }
  const closer = event.target.closest("[data-close]");
  if (closer) {
    closer.closest("dialog").close();
    return;
  }
  const copier = event.target.closest("[data-copy]");
  if (copier && navigator.clipboard) {
    navigator.clipboard.writeText(document.getElementById(copier.dataset.copy).value);
    copier.setAttribute("data-copied", "");
  }
});
