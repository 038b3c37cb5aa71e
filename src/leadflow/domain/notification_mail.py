"""What a notification says, in German and English: the line in the app and the e-mail (subject,
plain text and simple HTML). Pure: the caller gives the parameters and the links."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"

LEAD_ASSIGNED = "lead_assigned"
SLA_DUE_SOON = "sla_due_soon"
SLA_OVERDUE = "sla_overdue"
TASK_DUE = "task_due"
FORM_QUARANTINED = "form_quarantined"
LEAD_REJECTED = "lead_rejected"
CONFIRM_CONSENT = "confirm_consent"
"""The double opt-in e-mail to a person; not a notification of a user."""

KINDS = (LEAD_ASSIGNED, SLA_DUE_SOON, SLA_OVERDUE, TASK_DUE, FORM_QUARANTINED, LEAD_REJECTED)

_LINES: dict[str, dict[str, str]] = {
    LEAD_ASSIGNED: {
        "en": "Lead {lead} has been assigned to you.",
        "de": "Ihnen wurde der Lead {lead} zugewiesen.",
    },
    SLA_DUE_SOON: {
        "en": "Lead {lead} needs your decision by {due_at} UTC.",
        "de": "Lead {lead} braucht Ihre Entscheidung bis {due_at} UTC.",
    },
    SLA_OVERDUE: {
        "en": "Lead {lead} was due for acceptance or rejection at {due_at} UTC: escalated.",
        "de": "Lead {lead} hätte bis {due_at} UTC angenommen oder abgelehnt werden sollen: "
        "eskaliert.",
    },
    TASK_DUE: {
        "en": "Task “{title}” on lead {lead} is due today ({due_on}).",
        "de": "Die Aufgabe „{title}“ zu Lead {lead} ist heute fällig ({due_on}).",
    },
    FORM_QUARANTINED: {
        "en": "A form submission was put in quarantine ({reason}).",
        "de": "Eine Formulareingabe wurde in die Quarantäne gelegt ({reason}).",
    },
    LEAD_REJECTED: {
        "en": "Sales rejected lead {lead} (moved to {stage}): {reason}.",
        "de": "Der Vertrieb hat Lead {lead} abgelehnt (nach {stage}): {reason}.",
    },
}

_SUBJECTS: dict[str, dict[str, str]] = {
    LEAD_ASSIGNED: {"en": "New lead for you: {lead}", "de": "Neuer Lead für Sie: {lead}"},
    SLA_DUE_SOON: {
        "en": "Decision due soon on lead {lead}",
        "de": "Entscheidung zu Lead {lead} bald fällig",
    },
    SLA_OVERDUE: {
        "en": "Escalation: lead {lead} is overdue",
        "de": "Eskalation: Lead {lead} ist überfällig",
    },
    TASK_DUE: {"en": "Task due today: {title}", "de": "Aufgabe heute fällig: {title}"},
    FORM_QUARANTINED: {
        "en": "A form submission is in quarantine",
        "de": "Eine Formulareingabe ist in der Quarantäne",
    },
    LEAD_REJECTED: {
        "en": "Sales rejected lead {lead}",
        "de": "Der Vertrieb hat Lead {lead} abgelehnt",
    },
    CONFIRM_CONSENT: {
        "en": "Please confirm your e-mail address",
        "de": "Bitte bestätigen Sie Ihre E-Mail-Adresse",
    },
}

_OPEN = {"en": "Open in leadflow", "de": "In leadflow öffnen"}
_FOOTER = {
    "en": "You receive this e-mail because you work in leadflow.",
    "de": "Sie erhalten diese E-Mail, weil Sie in leadflow arbeiten.",
}
_CONFIRM = {
    "en": (
        "Thank you for your interest. Please confirm that you want to receive e-mails from us "
        "by opening this link and pressing “Confirm”:"
    ),
    "de": (
        "Vielen Dank für Ihr Interesse. Bitte bestätigen Sie, dass Sie E-Mails von uns "
        "erhalten möchten: Öffnen Sie diesen Link und klicken Sie auf „Bestätigen“."
    ),
}
_CONFIRM_BUTTON = {"en": "Confirm", "de": "Bestätigen"}
_CONFIRM_IGNORE = {
    "en": "If you did not ask for this, ignore this e-mail: nothing will be sent to you.",
    "de": "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Sie erhalten "
    "dann nichts von uns.",
}


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def locale_or_default(locale: str | None, default: str = DEFAULT_LOCALE) -> str:
    if locale in LOCALES:
        return str(locale)
    return default if default in LOCALES else DEFAULT_LOCALE


def _values(params: Mapping[str, object]) -> dict[str, str]:
    values = {key: "" if value is None else str(value) for key, value in params.items()}
    values.setdefault("lead", f"#{values['lead_id']}" if values.get("lead_id") else "")
    for key in ("due_at", "due_on", "title", "reason", "stage"):
        values.setdefault(key, "")
    return values


def line(kind: str, locale: str, params: Mapping[str, object]) -> str:
    """The one-line text of a notification in the user's language."""
    texts = _LINES.get(kind)
    if texts is None:
        return kind
    return texts[locale_or_default(locale)].format(**_values(params))


def notification_mail(
    kind: str, locale: str, params: Mapping[str, object], link: str | None
) -> Mail:
    """The e-mail telling a user of a notification, with a link into the app."""
    locale = locale_or_default(locale)
    values = _values(params)
    subject = _SUBJECTS[kind][locale].format(**values)
    said = line(kind, locale, params)
    text = [said, ""]
    body = [f"<p>{html.escape(said)}</p>"]
    if link:
        text += [f"{_OPEN[locale]}: {link}", ""]
        body.append(f'<p><a href="{html.escape(link)}">{html.escape(_OPEN[locale])}</a></p>')
    text += ["-- ", _FOOTER[locale]]
    body.append(f'<p style="color:#666">{html.escape(_FOOTER[locale])}</p>')
    return Mail(subject, "\n".join(text) + "\n", _html(locale, subject, body))


def confirmation_mail(locale: str, confirm_url: str) -> Mail:
    """The double opt-in e-mail: one link that confirms the person's consent."""
    locale = locale_or_default(locale)
    subject = _SUBJECTS[CONFIRM_CONSENT][locale]
    text = f"{_CONFIRM[locale]}\n\n{confirm_url}\n\n{_CONFIRM_IGNORE[locale]}\n"
    body = [
        f"<p>{html.escape(_CONFIRM[locale])}</p>",
        f'<p><a href="{html.escape(confirm_url)}">{html.escape(_CONFIRM_BUTTON[locale])}</a></p>',
        f"<p>{html.escape(confirm_url)}</p>",
        f'<p style="color:#666">{html.escape(_CONFIRM_IGNORE[locale])}</p>',
    ]
    return Mail(subject, text, _html(locale, subject, body))


def _html(locale: str, subject: str, body: list[str]) -> str:
    return (
        f'<!doctype html>\n<html lang="{locale}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
