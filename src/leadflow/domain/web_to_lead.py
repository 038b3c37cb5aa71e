"""A submitted lead form, read by the field names of Salesforce Web-to-Lead, so an existing
Salesforce form works when only its action URL changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

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
CONSENT_PREFIX = "consent_"
MAX_VALUE = 5000


@dataclass(frozen=True)
class Submission:
    """The fields a person filled in, and what the form carried besides them."""

    values: dict[str, str] = field(default_factory=dict)
    utm: dict[str, str] = field(default_factory=dict)
    consents: frozenset[str] = frozenset()
    notes: dict[str, str] = field(default_factory=dict)
    return_url: str | None = None
    honeypot: str = ""
    token: str | None = None
    page: str | None = None

    @property
    def from_leadflow_form(self) -> bool:
        return self.token is not None


def read_submission(form: Mapping[str, str]) -> Submission:
    """Sort the posted fields: known fields, UTM, consent boxes, our own; the rest are notes."""
    values: dict[str, str] = {}
    utm: dict[str, str] = {}
    consents: set[str] = set()
    notes: dict[str, str] = {}
    own = (TOKEN_FIELD, HONEYPOT_FIELD, PAGE_FIELD)
    for name, raw in form.items():
        value = raw.strip()[:MAX_VALUE]
        if name in FIELD_NAMES:
            if value:
                values[FIELD_NAMES[name]] = value
        elif name in UTM_FIELDS:
            if value:
                utm[name] = value[:200]
        elif name.startswith(CONSENT_PREFIX):
            if value and value.lower() not in ("0", "false", "off", "no"):
                consents.add(name[len(CONSENT_PREFIX) :])
        elif name not in IGNORED and name not in own and value:
            notes[name[:100]] = value
    return Submission(
        values=values,
        utm=utm,
        consents=frozenset(consents),
        notes=notes,
        return_url=safe_return_url(form.get("retURL")),
        honeypot=(form.get(HONEYPOT_FIELD) or "").strip(),
        token=form.get(TOKEN_FIELD) or None,
        page=safe_return_url(form.get(PAGE_FIELD)),
    )


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
