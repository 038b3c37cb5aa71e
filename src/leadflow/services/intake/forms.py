"""The public lead form: its settings, and a submission turned into a lead (an MQL when the form
asks for contact) with its touch and consent records.

A submission that looks automated (honeypot, time trap, missing or foreign token, rate limit) is
answered like a person's and kept in the quarantine with its reasons, never dropped: marketing
releases it into the funnel or deletes it. The rate limit counts people (e-mail or phone), so
colleagues behind one company address all get in; only extreme volumes per address or form are
held back, and those too go to the quarantine.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.public_forms import campaign_of_form, set_form_settings
from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work
from leadflow.adapters.importing.normalize import country_code, normalize_email, normalize_phone
from leadflow.domain.campaign import Campaign
from leadflow.domain.errors import InvalidInput
from leadflow.domain.form_config import FormConfig, form_config_from
from leadflow.domain.notification_mail import FORM_QUARANTINED
from leadflow.domain.principal import Principal
from leadflow.domain.privacy import provenance
from leadflow.domain.quarantine import (
    QuarantineEntry,
    QuarantineReason,
    TickedConsent,
    ticked_consents,
    trap_reasons,
)
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.domain.web_to_lead import Submission
from leadflow.services.intake.form_consents import record_form_consents
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.intake.leads import create_lead
from leadflow.services.notifications.inbox import notify_role

log = logging.getLogger("leadflow.forms")

PER_PERSON = (5, timedelta(minutes=10))
"""The same e-mail address or phone number on one form."""
PER_ADDRESS = (100, timedelta(minutes=10))
"""One IP address on one form: only a flood, never a company network or a trade-fair Wi-Fi."""
PER_FORM = (120, timedelta(minutes=1))
STORED, QUARANTINED, INVALID = "stored", "quarantined", "invalid"


@dataclass(frozen=True)
class PublicForm:
    campaign: Campaign
    config: FormConfig

    @property
    def workspace_id(self) -> int:
        return self.campaign.workspace_id


@dataclass(frozen=True)
class FormKeys:
    """Keys derived from the installation's secret: one signs time traps, one hides IPs."""

    trap: bytes
    clients: bytes

    @classmethod
    def derive(cls, secret: bytes) -> FormKeys:
        def key(purpose: bytes) -> bytes:
            return hmac.new(secret, purpose, hashlib.sha256).digest()

        return cls(key(b"leadflow form time trap v1"), key(b"leadflow form clients v1"))

    def client(self, ip: str | None) -> str:
        return hmac.new(self.clients, (ip or "").encode(), hashlib.sha256).hexdigest()[:40]

    def person(self, submission: Submission) -> str | None:
        """A keyed hash of who the submission names (e-mail, else phone digits), or None."""
        email = (submission.values.get("email") or "").strip().lower()
        phone = "".join(c for c in submission.values.get("phone") or "" if c.isdigit())
        who = f"email:{email}" if email else f"phone:{phone}" if phone else None
        if who is None:
            return None
        return hmac.new(self.clients, who.encode(), hashlib.sha256).hexdigest()[:40]


@dataclass(frozen=True)
class Visitor:
    ip: str | None
    user_agent: str | None
    language: str


@dataclass(frozen=True)
class Outcome:
    status: str
    lead_id: int | None = None
    merged: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    confirmations: int = 0
    reasons: tuple[QuarantineReason, ...] = ()


def public_form(db: Database, form_key: str) -> PublicForm:
    """The form behind a key (404 for an unknown one)."""
    with db.reading() as connection:
        campaign, settings = campaign_of_form(connection, form_key)
    return PublicForm(campaign, form_config_from(settings, stored=True))


def set_form_config(
    uow: UnitOfWork, *, by: Principal, campaign_id: int, settings: dict[str, Any]
) -> FormConfig:
    """Check and store a campaign's form settings."""
    by.require(Actor.MARKETING)
    config = form_config_from(settings)
    set_form_settings(uow.connection, uow.workspace_id, campaign_id, config.as_data())
    return config


def form_config(uow: UnitOfWork, *, campaign_id: int) -> FormConfig:
    """A campaign's form settings (the defaults until someone changes them)."""
    return campaign_form_config(uow, uow.campaigns.get(campaign_id))


def campaign_form_config(uow: UnitOfWork, campaign: Campaign) -> FormConfig:
    """A campaign's form settings, read in the unit of work."""
    _, settings = campaign_of_form(uow.connection, campaign.form_key or "")
    return form_config_from(settings, stored=True)


def missing_fields(form: PublicForm, submission: Submission) -> dict[str, str]:
    """Required fields left empty, for a person's own leadflow form (not a foreign one)."""
    if submission.foreign:
        return {}
    own_names = {"title": "job_title", "zip": "postal_code", "url": "website"}
    missing = {
        name: "required"
        for name in form.config.required
        if not submission.values.get(own_names.get(name, name))
    }
    for box in form.config.consents:
        if box.required and box.key not in submission.consents:
            missing[f"consent_{box.key}"] = "required"
    return missing


def typed_mistakes(submission: Submission) -> dict[str, str]:
    """A mistyped e-mail address or phone number. An import or the API keep the rest of such an
    entry and drop the value with a warning; a person at a form is asked to correct it."""
    values, mistakes = submission.values, {}
    if email := values.get("email"):
        try:
            normalize_email(email)
        except ValueError as error:
            mistakes["email"] = str(error)
    region = country_code(values.get("country") or "") or None
    for name in ("phone", "mobile"):
        if number := values.get(name):
            try:
                normalize_phone(number, region=region)
            except ValueError as error:
                mistakes[name] = str(error)
    return mistakes


def submit(
    db: Database,
    form: PublicForm,
    submission: Submission,
    visitor: Visitor,
    *,
    posted: Sequence[tuple[str, str]],
    keys: FormKeys,
    now: datetime,
    base_url: str,
    privacy: Any = None,
) -> Outcome:
    """Store a person's submission as a lead; one that looks automated goes to the quarantine
    with everything `posted`, exactly as sent."""
    trapped = trap_reasons(form.config, form.campaign.form_key or "", submission, keys.trap, now)
    if not trapped:
        missing = missing_fields(form, submission) | typed_mistakes(submission)
        if missing:
            return Outcome(INVALID, errors=missing)
    consents = ticked_consents(form.config, submission, visitor.language)
    client, person = keys.client(visitor.ip), keys.person(submission)

    def store(uow: UnitOfWork) -> Outcome:
        reasons = trapped + _over_the_limit(uow, form, client, person, now)
        uow.form_hits.add(_campaign_id(form), client, now, person)
        if reasons:
            return _quarantine(uow, form, submission, visitor, posted, consents, reasons, now)
        return enter_submission(
            uow, form, submission, visitor, consents, submitted_at=now, now=now,
            base_url=base_url, privacy=privacy,
        )  # fmt: skip

    try:
        return in_unit_of_work(db, form.workspace_id, store)
    except InvalidInput as error:
        return Outcome(INVALID, errors={error.field or "form": str(error)})


def _campaign_id(form: PublicForm) -> int:
    assert form.campaign.id is not None
    return form.campaign.id


def _over_the_limit(
    uow: UnitOfWork, form: PublicForm, client: str, person: str | None, now: datetime
) -> tuple[QuarantineReason, ...]:
    hits = uow.form_hits
    campaign_id = _campaign_id(form)
    reasons = []
    (per_person, person_window), (per_address, address_window) = PER_PERSON, PER_ADDRESS
    per_form, form_window = PER_FORM
    if person and hits.count(campaign_id, now - person_window, person_key=person) >= per_person:
        reasons.append(QuarantineReason.RATE_LIMIT_PERSON)
    if hits.count(campaign_id, now - address_window, client) >= per_address:
        reasons.append(QuarantineReason.RATE_LIMIT_ADDRESS)
    if hits.count(campaign_id, now - form_window) >= per_form:
        reasons.append(QuarantineReason.RATE_LIMIT_FORM)
    return tuple(reasons)


def _quarantine(
    uow: UnitOfWork,
    form: PublicForm,
    submission: Submission,
    visitor: Visitor,
    posted: Sequence[tuple[str, str]],
    consents: tuple[TickedConsent, ...],
    reasons: tuple[QuarantineReason, ...],
    now: datetime,
) -> Outcome:
    entry = QuarantineEntry(
        workspace_id=form.workspace_id, campaign_id=_campaign_id(form), received_at=now,
        reasons=reasons, fields=list(posted), consents=consents, page=submission.page,
        ip=visitor.ip, user_agent=visitor.user_agent, language=visitor.language,
    )  # fmt: skip
    entry_id = uow.quarantine.add(entry)
    notify_role(
        uow, Role.MARKETING, FORM_QUARANTINED, lead_id=None,
        params={"reason": ", ".join(reasons), "campaign_id": entry.campaign_id},
        cause=f"quarantine:{entry.campaign_id}:{now:%Y-%m-%d}", now=now,
    )  # fmt: skip
    log.warning(
        "form quarantine: workspace %s campaign %s entry %s held back (%s)",
        form.workspace_id, entry.campaign_id, entry_id, ", ".join(reasons),
    )  # fmt: skip
    return Outcome(QUARANTINED, reasons=reasons)


def enter_submission(
    uow: UnitOfWork,
    form: PublicForm,
    submission: Submission,
    visitor: Visitor,
    consents: tuple[TickedConsent, ...],
    *,
    submitted_at: datetime,
    now: datetime,
    base_url: str,
    privacy: Any,
) -> Outcome:
    """The one way a form submission enters the funnel (also on release from the quarantine):
    the lead with its stage, hand-over clock and routing, the touch, and the consent records
    as of the moment the person sent the form."""
    values = submission.values
    asks = form.config.asks_for_contact
    actor = Actor.AUTOMATIC if asks else Actor.MARKETING
    data = LeadInput(
        email=values.get("email"),
        first_name=values.get("first_name"),
        last_name=values.get("last_name"),
        phone=values.get("phone") or values.get("mobile"),
        job_title=values.get("job_title"),
        company=values.get("company"),
        industry=values.get("industry"),
        employees=_whole(values.get("employees")),
        country=values.get("country"),
        postal_code=values.get("postal_code"),
        city=values.get("city"),
        source=values.get("lead_source") or "web form",
        campaign_id=form.campaign.id,
        stage=Stage.MQL if asks else Stage.PROSPECT,
        note=values.get("description"),
        extras=_extras(submission),
        provenance=provenance("form", form_key=form.campaign.form_key, url=submission.page),
    )
    by = Principal.process(form.workspace_id, actor)
    created = create_lead(uow, data, by=by, now=now)
    lead_id = created.details.lead.id
    assert lead_id is not None
    _touch(uow, lead_id, form, submitted_at, now)
    confirmations = record_form_consents(
        uow, lead_id, consents, visitor, page=submission.page, submitted_at=submitted_at,
        now=now, base_url=base_url, privacy=privacy, email=created.details.contact.email,
        phone=created.details.contact.phone,
    )  # fmt: skip
    return Outcome(STORED, lead_id, created.merged, confirmations=confirmations)


def _touch(
    uow: UnitOfWork, lead_id: int, form: PublicForm, submitted_at: datetime, now: datetime
) -> None:
    from leadflow.domain.engagement import TouchType
    from leadflow.services.intake.touches import record_touch

    record_touch(
        uow, lead_id, TouchType.FORM_SUBMITTED, submitted_at,
        by=Principal.process(form.workspace_id, Actor.AUTOMATIC), now=now,
        campaign_id=form.campaign.id, asks_for_contact=form.config.asks_for_contact,
        origin="form",
    )  # fmt: skip


def _whole(text: str | None) -> int | None:
    digits = (text or "").replace(".", "").replace(",", "").strip()
    return int(digits) if digits.isdigit() and len(digits) < 10 else None


def _extras(submission: Submission) -> dict[str, str]:
    kept: dict[str, str] = {
        name: submission.values[name]
        for name in ("mobile", "street", "state", "website", "rating", "revenue",
                     "campaign_ref", "email_opt_out", "do_not_call", "employees")
        if name in submission.values
    }  # fmt: skip
    kept.update(submission.utm)
    kept.update({f"note: {name}": value for name, value in submission.notes.items()})
    if submission.page:
        kept["page"] = submission.page
    return kept
