"""Objection and the suppression list: once a person objects, marketing to them stays stopped.

A later import, form entry or API call may store the person again (a lead can be kept for other
lawful reasons), but every marketing check consults the suppression list, so marketing stays
blocked. Entries keep only keyed hashes, and they survive erasure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.people import People, e164
from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work
from leadflow.domain.audit import AuditAction
from leadflow.domain.consent import active_grants
from leadflow.domain.errors import NotFound
from leadflow.domain.party import Contact
from leadflow.domain.principal import Principal
from leadflow.domain.privacy import PhonePermission, PhonePermissionEntry
from leadflow.domain.stages import Actor
from leadflow.domain.suppression import (
    PrivacyKeys,
    Suppression,
    SuppressionReason,
    email_key,
    objection_token,
    phone_key,
    read_objection_token,
)
from leadflow.services.privacy.consent import append_withdrawal
from leadflow.services.workspaces import audit

OBJECTION_PATH = "/p/objection/"


def suppression_hashes(
    keys: PrivacyKeys, *, email: str | None = None, phone: str | None = None
) -> tuple[str | None, str | None]:
    """The keyed hashes of a normalised address and of a number (E.164, German by default)."""
    number = e164(phone)
    return (
        email_key(keys, email) if email and email.strip() else None,
        phone_key(keys, number) if number else None,
    )


def is_suppressed(
    uow: UnitOfWork, keys: PrivacyKeys, *, email: str | None = None, phone: str | None = None
) -> Suppression | None:
    """The suppression entry that blocks marketing to this address or number, if any."""
    email_hash, phone_hash = suppression_hashes(keys, email=email, phone=phone)
    return uow.privacy.suppression(email_hash, phone_hash)


def suppress(
    uow: UnitOfWork,
    keys: PrivacyKeys,
    *,
    email: str | None,
    phone: str | None,
    reason: SuppressionReason,
    at: datetime,
) -> Suppression | None:
    """Add an entry for this address and number unless one covers both already."""
    email_hash, phone_hash = suppression_hashes(keys, email=email, phone=phone)
    if email_hash is None and phone_hash is None:
        return None
    privacy = uow.privacy
    existing = privacy.suppressions_matching([h for h in (email_hash, phone_hash) if h])
    covered = {h for s in existing for h in (s.email_hash, s.phone_hash) if h}
    if {h for h in (email_hash, phone_hash) if h} <= covered:
        return existing[0]
    entry = Suppression(reason, at, email_hash, phone_hash)
    return Suppression(**{**entry.__dict__, "id": privacy.add_suppression(entry)})


def object_for_lead(
    uow: UnitOfWork,
    keys: PrivacyKeys,
    lead_id: int,
    *,
    at: datetime,
    source: str,
    by: Principal | None = None,
) -> Suppression | None:
    """Stop all marketing to the lead's person (see object_to_marketing)."""
    contact = uow.people.contact_of_lead(lead_id)
    assert contact.id is not None
    return object_to_marketing(uow, keys, contact.id, at=at, source=source, by=by)


def object_to_marketing(
    uow: UnitOfWork,
    keys: PrivacyKeys,
    contact_id: int,
    *,
    at: datetime,
    source: str,
    by: Principal | None = None,
) -> Suppression | None:
    """Stop all marketing to a person: withdraw every consent, set phone permission to none
    and write a suppression entry (Art. 21(3) GDPR)."""
    if by is not None:
        by.require(Actor.MARKETING, Actor.SALES)
    people = uow.people
    contact = people.contact(contact_id)
    privacy = uow.privacy
    for purpose, channel in sorted(active_grants(privacy.consents(contact_id))):
        append_withdrawal(uow, contact_id, purpose, channel, at=at, source=source, by=by)
    privacy.add_phone_permission(
        contact_id,
        PhonePermissionEntry(
            PhonePermission.NONE, at, "objection", source, by.user_id if by else None
        ),
    )
    entry = suppress(
        uow,
        keys,
        email=contact.email,
        phone=contact.phone,
        reason=SuppressionReason.OBJECTION,
        at=at,
    )
    audit.record(
        uow.connection,
        by,
        AuditAction.OBJECTION_RECORDED,
        f"contact:{contact_id}",
        workspace_id=uow.workspace_id,
        at=at,
        source=source,
    )
    return entry


@dataclass(frozen=True)
class LinkObjection:
    workspace_id: int
    contact_id: int
    suppression: Suppression | None


def object_by_link(db: Database, keys: PrivacyKeys, token: str, *, at: datetime) -> LinkObjection:
    """The objection link's action: no login, and only for the person the token names."""
    workspace_id, contact_id = person_of_link(db, keys, token)
    entry = in_unit_of_work(
        db,
        workspace_id,
        lambda uow: object_to_marketing(uow, keys, contact_id, at=at, source="objection_link"),
    )
    return LinkObjection(workspace_id, contact_id, entry)


def person_of_link(db: Database, keys: PrivacyKeys, token: str) -> tuple[int, int]:
    """The workspace and contact a genuine link names; NotFound for a forged or stale one
    (its person erased: the link secret went with them)."""
    with db.reading() as connection:

        def secret_of(workspace_id: int, contact_id: int) -> str | None:
            return People(connection, workspace_id).link_secrets([contact_id]).get(contact_id)

        named = read_objection_token(keys, token, secret_of)
    if named is None:
        raise NotFound("objection link", "given")
    return named


def objection_urls(
    uow: UnitOfWork, keys: PrivacyKeys, base_url: str, contacts: list[Contact]
) -> dict[int, str]:
    """Each stored contact's one-click objection link, for the footer of every marketing
    e-mail, by contact id."""
    ids = [contact.id for contact in contacts if contact.id is not None]
    urls: dict[int, str] = {}
    for contact_id, secret in uow.people.link_secrets(ids).items():
        token = objection_token(keys, uow.workspace_id, contact_id, secret)
        urls[contact_id] = f"{base_url.rstrip('/')}{OBJECTION_PATH}{token}"
    return urls


def objection_url(uow: UnitOfWork, keys: PrivacyKeys, base_url: str, contact: Contact) -> str:
    """The person's one-click objection link."""
    assert contact.id is not None
    urls = objection_urls(uow, keys, base_url, [contact])
    if contact.id not in urls:
        raise NotFound("person", contact.id)
    return urls[contact.id]


def lead_objection_url(uow: UnitOfWork, keys: PrivacyKeys, base_url: str, lead_id: int) -> str:
    """The one-click objection link of the lead's person."""
    contact = uow.people.contact_of_lead(lead_id)
    return objection_url(uow, keys, base_url, contact)
