"""Legal bases, consent records with double opt-in, withdrawals and phone permission.

Capture (form, import, API) calls these with the lead it just stored. Everything is appended:
nothing here changes or deletes an earlier record.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.privacy import PrivacyRepository, consent_by_token_hash
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.consent import (
    ConsentEvent,
    ConsentRecord,
    check_confirmation,
    check_grant,
    doi_token_hash,
    needs_double_opt_in,
    new_doi_token,
)
from leadflow.domain.errors import InvalidInput, NotFound
from leadflow.domain.principal import Principal
from leadflow.domain.privacy import (
    BasisEntry,
    Channel,
    LegalBasis,
    PhonePermission,
    PhonePermissionEntry,
    Purpose,
    check_basis,
    check_phone_permission,
    current_bases,
)
from leadflow.domain.stages import Actor

CONFIRM_PATH = "/p/confirm/"
MAX_SOURCE_LENGTH = 32
_WRITERS = (Actor.MARKETING, Actor.SALES, Actor.IMPORT, Actor.RESEARCH, Actor.AUTOMATIC)

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class RecordedConsent:
    """A stored grant, and the double-opt-in token to send to the person (e-mail only)."""

    record: ConsentRecord
    doi_token: str | None

    @property
    def confirm_path(self) -> str | None:
        return CONFIRM_PATH + self.doi_token if self.doi_token else None


def set_legal_basis(
    uow: UnitOfWork,
    lead_id: int,
    purpose: Purpose | str,
    basis: LegalBasis | str,
    *,
    reason: str | None = None,
    source: str = "api",
    by: Principal | None = None,
    now: datetime,
) -> BasisEntry:
    """Record the legal basis of a lead for one purpose (a new history entry)."""
    _require_writer(by)
    purpose, basis = as_enum(Purpose, purpose, "purpose"), as_enum(LegalBasis, basis, "basis")
    uow.leads.get(lead_id)
    entry = BasisEntry(
        purpose,
        basis,
        now,
        check_basis(purpose, basis, reason),
        _source(source),
        by.user_id if by else None,
    )
    entry_id = _privacy(uow).add_basis(lead_id, entry)
    return BasisEntry(**{**entry.__dict__, "id": entry_id})


def legal_bases(
    uow: UnitOfWork, lead_id: int
) -> tuple[dict[Purpose, BasisEntry], list[BasisEntry]]:
    """The current basis per purpose, and the whole history."""
    uow.leads.get(lead_id)
    history = _privacy(uow).bases(lead_id)
    return current_bases(history), history


def record_consent(
    uow: UnitOfWork,
    *,
    lead_id: int,
    purpose: Purpose | str,
    channel: Channel | str,
    text_version: str,
    text: str,
    source_url: str | None,
    ip: str | None,
    user_agent: str | None,
    at: datetime,
    source: str = "form",
    by: Principal | None = None,
) -> RecordedConsent:
    """Store a consent exactly as given; e-mail consent waits for its double opt-in.

    The lead's legal basis for the purpose becomes `consent` (a new basis entry)."""
    _require_writer(by)
    purpose, channel = as_enum(Purpose, purpose, "purpose"), as_enum(Channel, channel, "channel")
    version = check_grant(purpose, channel, text_version, text)
    contact = uow.people.contact_of_lead(lead_id)
    assert contact.id is not None
    privacy = _privacy(uow)
    token = new_doi_token() if needs_double_opt_in(channel) else None
    record = ConsentRecord(
        contact_id=contact.id,
        event=ConsentEvent.GRANTED,
        purpose=purpose,
        channel=channel,
        at=at,
        text_version=version,
        source_url=_clean(source_url),
        ip=check_ip(ip),
        user_agent=_clean(user_agent),
        source=_source(source),
        doi_requested_at=at if token else None,
        by_user_id=by.user_id if by else None,
    )
    record_id = privacy.add_consent(
        record,
        text_id=privacy.text_id(version, text, at),
        doi_token_hash=doi_token_hash(token) if token else None,
    )
    current = current_bases(privacy.bases(lead_id)).get(purpose)
    if current is None or current.basis is not LegalBasis.CONSENT:
        privacy.add_basis(
            lead_id,
            BasisEntry(
                purpose, LegalBasis.CONSENT, at, f"consent record {record_id}", record.source
            ),
        )
    stored = privacy.consent(record_id)
    assert stored is not None
    return RecordedConsent(stored, token)


def confirm_double_opt_in(
    db: Database,
    token: str,
    at: datetime,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> ConsentRecord:
    """Append the confirmation of the grant this token belongs to; a second click changes
    nothing."""
    with db.transaction() as connection:
        found = consent_by_token_hash(connection, doi_token_hash(token.strip()))
        if found is None:
            raise NotFound("confirmation link", "given")
        workspace_id, consent_id = found
        privacy = PrivacyRepository(connection, workspace_id)
        record = privacy.consent(consent_id)
        assert record is not None
        if record.confirmed_at is None:
            check_confirmation(record, at)
            privacy.confirm(consent_id, at, check_ip(ip), _clean(user_agent))
            record = privacy.consent(consent_id)
            assert record is not None
    return record


def withdraw_consent(
    uow: UnitOfWork,
    *,
    lead_id: int,
    purpose: Purpose | str,
    channel: Channel | str,
    at: datetime,
    source: str = "api",
    by: Principal | None = None,
) -> ConsentRecord:
    """Append a withdrawal: every earlier grant of this purpose and channel ends."""
    _require_writer(by)
    contact = uow.people.contact_of_lead(lead_id)
    assert contact.id is not None
    return append_withdrawal(
        uow,
        contact.id,
        as_enum(Purpose, purpose, "purpose"),
        as_enum(Channel, channel, "channel"),
        at=at,
        source=source,
        by=by,
    )


def append_withdrawal(
    uow: UnitOfWork,
    contact_id: int,
    purpose: Purpose,
    channel: Channel,
    *,
    at: datetime,
    source: str,
    by: Principal | None,
) -> ConsentRecord:
    privacy = _privacy(uow)
    record = ConsentRecord(
        contact_id,
        ConsentEvent.WITHDRAWN,
        purpose,
        channel,
        at,
        source=_source(source),
        by_user_id=by.user_id if by else None,
    )
    stored = privacy.consent(privacy.add_consent(record, text_id=None, doi_token_hash=None))
    assert stored is not None
    return stored


def consents(uow: UnitOfWork, lead_id: int) -> list[ConsentRecord]:
    """The consent records of the lead's person, oldest first."""
    contact = uow.people.contact_of_lead(lead_id)
    assert contact.id is not None
    return _privacy(uow).consents(contact.id)


def set_phone_permission(
    uow: UnitOfWork,
    lead_id: int,
    permission: PhonePermission | str,
    *,
    reason: str | None = None,
    source: str = "api",
    by: Principal | None = None,
    now: datetime,
) -> PhonePermissionEntry:
    """Record the person's phone permission: express, presumed (with a reason) or none."""
    _require_writer(by)
    permission = as_enum(PhonePermission, permission, "permission")
    contact = uow.people.contact_of_lead(lead_id)
    assert contact.id is not None
    entry = PhonePermissionEntry(
        permission,
        now,
        check_phone_permission(permission, reason),
        _source(source),
        by.user_id if by else None,
    )
    entry_id = _privacy(uow).add_phone_permission(contact.id, entry)
    return PhonePermissionEntry(**{**entry.__dict__, "id": entry_id})


def as_enum(kind: type[E], value: E | str, field: str) -> E:
    """The enum member for a value, or an error that lists the allowed values."""
    try:
        return kind(value)
    except ValueError as error:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidInput(
            f"unknown {field} '{value}': use one of {allowed}", field=field
        ) from error


def _require_writer(by: Principal | None) -> None:
    if by is not None:
        by.require(*_WRITERS)


def _privacy(uow: UnitOfWork) -> PrivacyRepository:
    return uow.privacy


def _source(source: str) -> str:
    cleaned = source.strip()
    if not cleaned or len(cleaned) > MAX_SOURCE_LENGTH:
        raise InvalidInput(
            f"source must have 1 to {MAX_SOURCE_LENGTH} characters (form, import, api, ...)",
            field="source",
        )
    return cleaned


def _clean(value: str | None) -> str | None:
    return value if value else None


def check_ip(ip: str | None) -> str | None:
    """The address as given, when it is an IPv4 or IPv6 address."""
    if not ip:
        return None
    try:
        ipaddress.ip_address(ip)
    except ValueError as error:
        raise InvalidInput(f"'{ip[:60]}' is not an IP address", field="ip") from error
    return ip
