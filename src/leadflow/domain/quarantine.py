"""The form quarantine: a submission that looks automated is kept aside with its reasons instead
of entering the funnel, until marketing releases or deletes it, or it expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from leadflow.domain import time_trap
from leadflow.domain.form_config import FormConfig
from leadflow.domain.web_to_lead import Submission

DEFAULT_KEEP_DAYS = 30


class QuarantineReason(StrEnum):
    HONEYPOT = "honeypot"
    TIME_TRAP = "time_trap"
    MISSING_TOKEN = "missing_token"
    INVALID_TOKEN = "invalid_token"
    RATE_LIMIT_PERSON = "rate_limit_person"
    RATE_LIMIT_ADDRESS = "rate_limit_address"
    RATE_LIMIT_FORM = "rate_limit_form"
    FOREIGN_FORM = "foreign_form"


class ConsentTextSource(StrEnum):
    FORM = "form"
    """leadflow's own form showed the configured text."""
    PAGE = "page"
    """A foreign page sent the text it showed (`consent_text_<box>`)."""
    CONFIGURED = "configured"
    """A foreign page sent no text: the configured text is assumed."""


@dataclass(frozen=True)
class TickedConsent:
    """A consent box as the visitor ticked it, with the text they saw and where it came from."""

    key: str
    purpose: str
    channel: str
    version: str
    text: str
    text_source: ConsentTextSource

    @property
    def record_source(self) -> str:
        """The consent record's `source`: `form`, `form:page_text` or `form:configured_text`."""
        if self.text_source is ConsentTextSource.FORM:
            return "form"
        return f"form:{self.text_source.value}_text"


@dataclass(frozen=True)
class QuarantineEntry:
    """Everything a quarantined submission carried, exactly as posted."""

    workspace_id: int
    campaign_id: int
    received_at: datetime
    reasons: tuple[QuarantineReason, ...]
    fields: list[tuple[str, str]]
    consents: tuple[TickedConsent, ...] = ()
    page: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    language: str = "de"
    id: int | None = None


def trap_reasons(
    config: FormConfig,
    form_key: str,
    submission: Submission,
    trap_key: bytes,
    now: datetime,
) -> tuple[QuarantineReason, ...]:
    """The honeypot is filled, the time-trap token is missing or not ours, or came too soon;
    or a form on another site posted where the form takes only its own."""
    reasons: list[QuarantineReason] = []
    if submission.honeypot:
        reasons.append(QuarantineReason.HONEYPOT)
    if submission.foreign and not config.accept_foreign_forms:
        reasons.append(QuarantineReason.FOREIGN_FORM)
    if submission.token is None:
        reasons.append(QuarantineReason.MISSING_TOKEN)
    else:
        found = time_trap.verdict(
            trap_key, form_key, submission.token, now, min_seconds=config.min_seconds
        )
        if found == time_trap.INVALID:
            reasons.append(QuarantineReason.INVALID_TOKEN)
        elif found == time_trap.TOO_FAST:
            reasons.append(QuarantineReason.TIME_TRAP)
    return tuple(reasons)


def ticked_consents(
    config: FormConfig, submission: Submission, language: str
) -> tuple[TickedConsent, ...]:
    """The configured boxes the visitor ticked, each with the text they saw: leadflow's own form
    shows the configured text; a foreign page may send its own in `consent_text_<box>`."""
    ticked = []
    for box in config.consents:
        if box.key not in submission.consents:
            continue
        sent = submission.consent_texts.get(box.key)
        if submission.own_form:
            text, source = box.text(language), ConsentTextSource.FORM
        elif sent:
            text, source = sent, ConsentTextSource.PAGE
        else:
            text, source = box.text(language), ConsentTextSource.CONFIGURED
        ticked.append(TickedConsent(box.key, box.purpose, box.channel, box.version, text, source))
    return tuple(ticked)


def expired_before(now: datetime, keep_days: int) -> datetime:
    """Entries received before this moment are purged."""
    return now - timedelta(days=keep_days)
