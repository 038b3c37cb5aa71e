"""What the pages say after an action, and how they explain a refusal, in the reader's language."""

from __future__ import annotations

from leadflow.domain.errors import (
    Conflict,
    DomainError,
    GateNotPassed,
    InvalidInput,
    InvalidTransition,
    LastAdmin,
    NotFound,
    PermissionDenied,
    ReasonRequired,
    StaleLead,
)
from leadflow.web.i18n import N_, Catalog
from leadflow.web.ui.labels import Labels

NOTICES = {
    "moved": N_("The lead was moved."),
    "qualified": N_("The qualification was saved."),
    "unchanged": N_("Nothing was changed."),
    "activity": N_("The activity was recorded."),
    "task": N_("The task was added."),
    "legal_basis": N_("The legal basis was recorded."),
    "campaign": N_("The campaign was created."),
    "campaign_saved": N_("The campaign was saved."),
    "lead": N_("The lead was entered."),
    "merged": N_("The duplicate was merged into this lead."),
    "edited": N_("The lead was saved."),
    "task_done": N_("The task is done."),
    "task_reopened": N_("The task is open again."),
    "task_saved": N_("The task was saved."),
    "rules_saved": N_("The rules were checked and saved."),
    "unmerged": N_("The merge was undone."),
    "lead_merged": N_(
        "This person was known already: what you entered was merged into their lead."
    ),
    "workspace": N_("You switched the workspace."),
    "language": N_("The language was changed."),
    "signed_out": N_("You are signed out."),
    "imported": N_("The import is done."),
    "released": N_("The held-back submission was entered into the funnel."),
    "quarantine_deleted": N_("The held-back submission was deleted."),
    "user_added": N_("The user was added."),
    "role_changed": N_("The role was changed."),
    "user_removed": N_("The user was removed from the workspace."),
    "token_revoked": N_("The token was revoked."),
}

REFUSALS = {
    "merge_unknown": N_("No lead with this number in this workspace."),
    "merge_refused": N_(
        "These leads cannot be merged: it is the same lead, or one of them was merged already."
    ),
    "unmerge_refused": N_(
        "This merge cannot be undone: it was undone already, or a later merge must be undone first."
    ),
    "gate": N_(
        "Not moved to SQL: the qualification gate is not passed yet. Record the qualification "
        "first."
    ),
}
"""Refusals a page shows after a redirect (`?refused=`), instead of an error page."""

FIELDS = {
    "reason": N_("Reason"),
    "name": N_("Name"),
    "channel": N_("Channel"),
    "starts_on": N_("Start"),
    "ends_on": N_("End"),
    "actual_cost": N_("Actual cost"),
    "planned_cost": N_("Planned cost"),
    "at": N_("Time"),
    "due_on": N_("Due on"),
    "title": N_("Title"),
    "assessments": N_("Qualification"),
    "page": N_("Page"),
    "sort": N_("Sort"),
    "file": N_("File"),
    "preset": N_("Preset"),
    "identity": N_("E-mail, last name or phone"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "campaign_id": N_("Campaign"),
    "owner_id": N_("Owner"),
    "stage": N_("Stage"),
    "source": N_("Source"),
    "country": N_("Country"),
    "password": N_("Initial password"),
    "role": N_("Role"),
}


def notice(catalog: Catalog, code: str | None) -> str | None:
    text = NOTICES.get(code or "")
    return catalog.gettext(text) if text else None


def refusal(catalog: Catalog, code: str | None) -> str | None:
    text = REFUSALS.get(code or "")
    return catalog.gettext(text) if text else None


def explain(error: DomainError, catalog: Catalog) -> str:
    """A refusal in words the reader understands; the domain's own text is for logs and the API."""
    _ = catalog.gettext
    labels = Labels(catalog)
    if isinstance(error, NotFound):
        return _("This record does not exist or belongs to another workspace.")
    if isinstance(error, PermissionDenied):
        return _("Your role may not do this.")
    if isinstance(error, InvalidTransition):
        allowed = ", ".join(labels.stage(stage) for stage in error.allowed) or "–"
        return _("This move is not possible from the current stage. Possible: %(allowed)s") % {
            "allowed": allowed
        }
    if isinstance(error, StaleLead):
        return _("Someone else changed this lead in the meantime. Reload it and try again.")
    if isinstance(error, ReasonRequired):
        reasons = ", ".join(labels.reason(code) for code in error.allowed_reasons)
        return _("Choose a reason: %(reasons)s") % {"reasons": reasons}
    if isinstance(error, GateNotPassed):
        return _("The qualification gate is not passed yet: record the qualification first.")
    if isinstance(error, LastAdmin):
        return _(
            "This is the workspace's last administrator: make another member an administrator "
            "first."
        )
    if isinstance(error, Conflict):
        return _("This collides with an existing record, for example a name that is taken.")
    if isinstance(error, InvalidInput):
        field = FIELDS.get(error.field or "")
        if field:
            return _("Please check the field “%(field)s”.") % {"field": _(field)}
        return _("Please check your input.")
    return _("The action could not be carried out.")
