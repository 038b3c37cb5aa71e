"""The public lead form: its settings, and a submission turned into a lead (an MQL when the form
asks for contact) with its touch and consent records, unless it came from a bot.

A bot (honeypot filled, time trap failed) and a sender over the rate limit are answered like a
person, and nothing of theirs is stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.public_forms import FormHits, campaign_of_form, set_form_settings
from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work, reading
from leadflow.domain import time_trap
from leadflow.domain.campaign import Campaign
from leadflow.domain.errors import InvalidInput
from leadflow.domain.form_config import FormConfig, form_config_from
from leadflow.domain.principal import Principal
from leadflow.domain.privacy import provenance
from leadflow.domain.stages import Actor, Stage
from leadflow.domain.web_to_lead import Submission
from leadflow.services.form_consents import record_form_consents
from leadflow.services.leads import LeadInput, create_lead

PER_CLIENT = (5, timedelta(minutes=10))
PER_FORM = (120, timedelta(minutes=1))
STORED, IGNORED, INVALID = "stored", "ignored", "invalid"


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


def public_form(db: Database, form_key: str) -> PublicForm:
    """The form behind a key (404 for an unknown one)."""
    with db.reading() as connection:
        campaign, settings = campaign_of_form(connection, form_key)
    return PublicForm(campaign, form_config_from(settings))


def set_form_config(
    db: Database, *, by: Principal, campaign_id: int, settings: dict[str, Any]
) -> FormConfig:
    """Check and store a campaign's form settings."""
    by.require(Actor.MARKETING)
    config = form_config_from(settings)
    in_unit_of_work(
        db,
        by.workspace_id,
        lambda uow: set_form_settings(
            uow.connection, by.workspace_id, campaign_id, config.as_data()
        ),
    )
    return config


def form_config(db: Database, *, by: Principal, campaign_id: int) -> FormConfig:
    """A campaign's form settings (the defaults until someone changes them)."""
    with reading(db, by.workspace_id) as uow:
        form_key = uow.campaigns.get(campaign_id).form_key
        _, settings = campaign_of_form(uow.connection, form_key or "")
    return form_config_from(settings)


def looks_like_a_bot(
    form: PublicForm, submission: Submission, keys: FormKeys, now: datetime
) -> bool:
    """The honeypot is filled, or the time trap is missing (where required), foreign or fresh."""
    if submission.honeypot:
        return True
    if submission.token is None:
        return not form.config.accept_foreign_forms
    key = form.campaign.form_key or ""
    return not time_trap.passes(
        keys.trap, key, submission.token, now, min_seconds=form.config.min_seconds
    )


def missing_fields(form: PublicForm, submission: Submission) -> dict[str, str]:
    """Required fields left empty, for a person's own leadflow form (not a foreign one)."""
    if not submission.from_leadflow_form:
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


def submit(
    db: Database,
    form: PublicForm,
    submission: Submission,
    visitor: Visitor,
    *,
    keys: FormKeys,
    now: datetime,
    base_url: str,
    privacy: Any = None,
) -> Outcome:
    """Store a person's submission as a lead; a bot's or a flood's is dropped unseen."""
    if looks_like_a_bot(form, submission, keys, now):
        return Outcome(IGNORED)
    missing = missing_fields(form, submission)
    if missing:
        return Outcome(INVALID, errors=missing)
    client = keys.client(visitor.ip)

    def store(uow: UnitOfWork) -> Outcome:
        if _over_the_limit(uow, form, client, now):
            return Outcome(IGNORED)
        outcome = _store(uow, form, submission, visitor, now, base_url, privacy)
        FormHits(uow.connection, form.workspace_id).add(_campaign_id(form), client, now)
        return outcome

    try:
        return in_unit_of_work(db, form.workspace_id, store)
    except InvalidInput as error:
        return Outcome(INVALID, errors={error.field or "form": str(error)})


def _campaign_id(form: PublicForm) -> int:
    assert form.campaign.id is not None
    return form.campaign.id


def _over_the_limit(uow: UnitOfWork, form: PublicForm, client: str, now: datetime) -> bool:
    hits = FormHits(uow.connection, form.workspace_id)
    campaign_id = _campaign_id(form)
    (per_client, client_window), (per_form, form_window) = PER_CLIENT, PER_FORM
    return (
        hits.count(campaign_id, now - client_window, client) >= per_client
        or hits.count(campaign_id, now - form_window) >= per_form
    )


def _store(
    uow: UnitOfWork,
    form: PublicForm,
    submission: Submission,
    visitor: Visitor,
    now: datetime,
    base_url: str,
    privacy: Any,
) -> Outcome:
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
    _touch(uow, lead_id, form, now)
    confirmations = record_form_consents(
        uow, lead_id, form.config, submission, visitor, now=now, base_url=base_url,
        privacy=privacy, email=created.details.contact.email,
        phone=created.details.contact.phone,
    )  # fmt: skip
    return Outcome(STORED, lead_id, created.merged, confirmations=confirmations)


def _touch(uow: UnitOfWork, lead_id: int, form: PublicForm, now: datetime) -> None:
    from leadflow.domain.engagement import TouchType
    from leadflow.services.touches import record_touch

    record_touch(
        uow, lead_id, TouchType.FORM_SUBMITTED, now,
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
