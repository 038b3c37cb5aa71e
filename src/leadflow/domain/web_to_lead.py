"""A submitted lead form, read by the field names of Salesforce Web-to-Lead, so an existing
Salesforce form works when only its action URL changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

# Web-to-Lead name -> leadflow field. `message` is what leadflow's own form calls the text.
FIELD_NAMES = {
    "first_name": "first_name", "last_name": "last_name", "email": "email",
    "company": "company", "title": "job_title", "phone": "phone", "mobile": "mobile",
    "street": "street", "city": "city", "state": "state", "zip": "postal_code",
    "country": "country", "url": "website", "description": "description",
    "message": "description", "lead_source": "lead_source", "industry": "industry",
    "rating": "rating", "revenue": "revenue", "employees": "employees",
    "Campaign_ID": "campaign_ref", "emailOptOut": "email_opt_out", "doNotCall": "do_not_call",
}  # fmt: skip
IGNORED = frozenset({"oid", "encoding", "debug", "debugEmail", "submit", "lang", "retURL"})
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
TOKEN_FIELD = "_lf_ts"
HONEYPOT_FIELD = "homepage"
PAGE_FIELD = "page"
OWN_FORM_FIELD = "_lf_form"
"""Sent only by leadflow's own form; every other form is a foreign one."""
CONSENT_PREFIX = "consent_"
CONSENT_TEXT_PREFIX = "consent_text_"
"""`consent_text_<box>` beside `consent_<box>`: the exact text the visitor saw on a foreign page."""
MAX_VALUE = 5000
POSTED_NAMES = {mine: theirs for theirs, mine in FIELD_NAMES.items() if theirs != "message"}
"""leadflow field -> the Web-to-Lead name a form posts it under (errors name the posted field)."""


@dataclass(frozen=True)
class Submission:
    """The fields a person filled in, and what the form carried besides them."""

    values: dict[str, str] = field(default_factory=dict)
    utm: dict[str, str] = field(default_factory=dict)
    consents: frozenset[str] = frozenset()
    consent_texts: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    return_url: str | None = None
    honeypot: str = ""
    token: str | None = None
    page: str | None = None
    own_form: bool = False

    @property
    def foreign(self) -> bool:
        """Posted by a form on another site (a Web-to-Lead form), not by leadflow's own."""
        return not self.own_form


def read_submission(form: Mapping[str, str]) -> Submission:
    """Sort the posted fields: known fields, UTM, consent boxes, our own; the rest are notes."""
    values: dict[str, str] = {}
    utm: dict[str, str] = {}
    consents: set[str] = set()
    consent_texts: dict[str, str] = {}
    notes: dict[str, str] = {}
    own = (TOKEN_FIELD, HONEYPOT_FIELD, PAGE_FIELD, OWN_FORM_FIELD)
    for name, raw in form.items():
        value = raw.strip()[:MAX_VALUE]
        if name in FIELD_NAMES:
            if value:
                values[FIELD_NAMES[name]] = value
        elif name in UTM_FIELDS:
            if value:
                utm[name] = value[:200]
        elif name.startswith(CONSENT_TEXT_PREFIX):
            if value:
                consent_texts[name[len(CONSENT_TEXT_PREFIX) :]] = value
        elif name.startswith(CONSENT_PREFIX):
            if value and value.lower() not in ("0", "false", "off", "no"):
                consents.add(name[len(CONSENT_PREFIX) :])
        elif name not in IGNORED and name not in own and value:
            notes[name[:100]] = value
    return Submission(
        values=values,
        utm=utm,
        consents=frozenset(consents),
        consent_texts=consent_texts,
        notes=notes,
        return_url=safe_return_url(form.get("retURL")),
        honeypot=(form.get(HONEYPOT_FIELD) or "").strip(),
        token=form.get(TOKEN_FIELD) or None,
        page=safe_return_url(form.get(PAGE_FIELD)),
        own_form=bool(form.get(OWN_FORM_FIELD)),
    )


def single_values(posted: Iterable[tuple[str, str]]) -> dict[str, str]:
    """One value per field name; a name posted several times (a Web-to-Lead multi-select
    picklist) keeps all its values, joined by `;` as Salesforce stores them."""
    values: dict[str, list[str]] = {}
    for name, value in posted:
        values.setdefault(name, []).append(value)
    return {name: ";".join(found) for name, found in values.items()}


def safe_return_url(url: str | None) -> str | None:
    """An absolute http(s) address without credentials, or None (never javascript: etc.)."""
    if not url:
        return None
    candidate = url.strip()
    if len(candidate) > 2000 or any(ord(char) < 33 for char in candidate):
        return None
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    return candidate


ERROR_STATUS, ERROR_FIELDS, ERROR_PREFIX = "lf_status", "lf_errors", "lf_error_"
"""The query parameters a foreign form's page gets back on a validation error:
`lf_status=invalid`, `lf_errors=<posted names, comma-separated>` and `lf_error_<name>=<message>`."""


def posted_name(name: str) -> str:
    """The name a Web-to-Lead form posts a leadflow field under (`postal_code` -> `zip`)."""
    return POSTED_NAMES.get(name, name)


def url_with_errors(url: str, errors: Mapping[str, str]) -> str:
    """The return address with the errors as query parameters (no values the person typed)."""
    parts = urlsplit(url)
    names = [posted_name(name) for name in errors]
    params = [(ERROR_STATUS, "invalid"), (ERROR_FIELDS, ",".join(names))]
    params += [(ERROR_PREFIX + posted_name(name), text) for name, text in errors.items()]
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
