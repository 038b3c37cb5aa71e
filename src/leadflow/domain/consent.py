"""Consent records: append-only proof of what a person agreed to, when, where and with which text.

A grant for e-mail waits for its double opt-in: a confirmation is appended, never written into the
grant. A withdrawal is appended as its own record and ends every earlier grant of its purpose and
channel.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from leadflow.domain.errors import InvalidInput
from leadflow.domain.privacy import Channel, Purpose, check_channel

DOI_VALIDITY = timedelta(days=30)
MAX_TEXT_LENGTH = 20_000


class ConsentEvent(StrEnum):
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class ConsentState(StrEnum):
    NONE = "none"
    PENDING = "pending"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ConsentRecord:
    contact_id: int
    event: ConsentEvent
    purpose: Purpose
    channel: Channel
    at: datetime
    text_version: str | None = None
    text_hash: str | None = None
    text: str | None = None
    source_url: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    source: str | None = None
    doi_requested_at: datetime | None = None
    confirmed_at: datetime | None = None
    confirmation_ip: str | None = None
    confirmation_user_agent: str | None = None
    by_user_id: int | None = None
    id: int | None = None

    @property
    def is_effective(self) -> bool:
        """A grant counts once its double opt-in is confirmed, or at once when it needs none."""
        return self.doi_requested_at is None or self.confirmed_at is not None


@dataclass(frozen=True)
class ConsentStatus:
    state: ConsentState
    since: datetime | None = None


def text_hash(text: str) -> str:
    """SHA-256 of the exact text shown (UTF-8), as hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_grant(purpose: Purpose, channel: Channel, text_version: str, text: str) -> str:
    """The cleaned version label; refuses a grant without the exact text the person saw."""
    check_channel(purpose, channel)
    version = text_version.strip()
    if not version:
        raise InvalidInput("a consent needs the version of the text shown", field="text_version")
    if not text.strip():
        raise InvalidInput("a consent needs the exact text shown", field="text")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput(
            f"the consent text has {len(text)} characters; at most {MAX_TEXT_LENGTH}", field="text"
        )
    return version


def needs_double_opt_in(channel: Channel) -> bool:
    return channel is Channel.EMAIL


def new_doi_token() -> str:
    """A fresh double-opt-in token, sent once to the person; only its hash is stored."""
    return secrets.token_urlsafe(32)


def doi_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_confirmation(record: ConsentRecord, at: datetime) -> None:
    if record.doi_requested_at is None:
        raise InvalidInput("this consent needs no double opt-in", field="token")
    if at - record.doi_requested_at > DOI_VALIDITY:
        raise InvalidInput(
            f"the confirmation link expired {DOI_VALIDITY.days} days after it was sent; "
            "please sign up again",
            field="token",
        )


def consent_status(
    records: Iterable[ConsentRecord], purpose: Purpose, channel: Channel
) -> ConsentStatus:
    """Where consent for one purpose and channel stands after all its records."""
    relevant = sorted(
        (r for r in records if r.purpose is purpose and r.channel is channel),
        key=lambda r: (r.at, r.id or 0),
    )
    withdrawn_at: datetime | None = None
    grants: list[ConsentRecord] = []
    for record in relevant:
        if record.event is ConsentEvent.WITHDRAWN:
            withdrawn_at = record.at
            grants = []
        else:
            grants.append(record)
    effective = [g for g in grants if g.is_effective]
    if effective:
        first = effective[0]
        return ConsentStatus(ConsentState.ACTIVE, first.confirmed_at or first.at)
    if grants:
        return ConsentStatus(ConsentState.PENDING, grants[-1].at)
    if withdrawn_at is not None:
        return ConsentStatus(ConsentState.WITHDRAWN, withdrawn_at)
    return ConsentStatus(ConsentState.NONE)


def active_grants(records: Iterable[ConsentRecord]) -> set[tuple[Purpose, Channel]]:
    """The purposes and channels with a grant not yet withdrawn (pending ones included)."""
    records = list(records)
    keys = {(r.purpose, r.channel) for r in records}
    return {
        key
        for key in keys
        if consent_status(records, *key).state in (ConsentState.ACTIVE, ConsentState.PENDING)
    }
