// leadflow lead forms: fill the hidden UTM and page fields from the address of the page the
// visitor is on, and give forms that post to leadflow from another site their time-trap token.
(function () {
  "use strict";
  var UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
  var embedded = window.top !== window.self;
  var pageUrl = embedded && document.referrer ? document.referrer : window.location.href;

  function params(url) {
    try { return new URL(url).searchParams; } catch (e) { return new URLSearchParams(""); }
  }

  function hidden(form, name) {
    var field = form.elements.namedItem(name);
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      form.appendChild(field);
    }
    return field;
  }

  function leadflowKey(form) {
    var match = /\/f\/([A-Za-z0-9_-]+)(\?|$)/.exec(form.getAttribute("action") || "");
    return match ? match[1] : null;
  }

  // A consent box (consent_<key>) on a page's own form is recorded with the words next to it,
  // unless the page sends them itself in consent_text_<key>.
  function keepConsentTexts(form) {
    var boxes = form.querySelectorAll('input[type="checkbox"][name^="consent_"]');
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.name.indexOf("consent_text_") === 0) { return; }
      var name = "consent_text_" + box.name.slice("consent_".length);
      if (form.elements.namedItem(name)) { return; }
      var label = box.closest("label") ||
        (box.id ? form.querySelector('label[for="' + box.id + '"]') : null);
      var text = label ? label.textContent.replace(/\s+/g, " ").trim() : "";
      if (text) { hidden(form, name).value = text.slice(0, 5000); }
    });
  }

  function prepare(form) {
    var key = leadflowKey(form);
    if (!key) { return; }
    var own = params(window.location.href);
    var outer = params(pageUrl);
    UTM.forEach(function (name) {
      var value = own.get(name) || outer.get(name);
      var field = hidden(form, name);
      if (value && !field.value) { field.value = value.slice(0, 200); }
    });
    var page = hidden(form, "page");
    if (!page.value) { page.value = pageUrl; }
    keepConsentTexts(form);
    if (!form.elements.namedItem("_lf_ts")) {
      var base = new URL(form.getAttribute("action"), window.location.href);
      fetch(base.origin + "/f/" + key + "/token", { credentials: "omit" })
        .then(function (answer) { return answer.json(); })
        .then(function (body) { hidden(form, "_lf_ts").value = body.token; })
        .catch(function () { /* without a token the form still posts */ });
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form"), prepare);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
