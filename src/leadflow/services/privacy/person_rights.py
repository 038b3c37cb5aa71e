"""The rights of a person (Art. 15, 17, 20 GDPR): everything about them, and erasure.

Both find the person by e-mail address or phone number within one workspace, together with
every duplicate that was merged into (or from) their lead. Admins only; both are audited.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.people import e164
from leadflow.adapters.db.person_data import (
    Needles,
    collect,
    delete_rows,
    mentions,
    owned_tables,
    redact_rows,
)
from leadflow.adapters.db.uow import UnitOfWork, unit_of_work
from leadflow.adapters.db.webhook_trail import deliveries_about
from leadflow.domain.audit import AuditAction
from leadflow.domain.errors import InvalidInput
from leadflow.domain.party import Contact
from leadflow.domain.principal import Principal
from leadflow.domain.suppression import PrivacyKeys, SuppressionReason
from leadflow.services.privacy.person_export import export_document
from leadflow.services.privacy.suppression import is_suppressed, suppress
from leadflow.services.webhooks.privacy_events import publish_person_erased
from leadflow.services.workspaces import audit


def find_person(
    uow: UnitOfWork, *, email: str | None = None, phone: str | None = None
) -> list[Contact]:
    """The contacts of one person in the workspace, merged duplicates included."""
    if not (email and email.strip()) and not (phone and phone.strip()):
        raise InvalidInput("name the person by e-mail address or phone number", field="email")
    if phone and phone.strip() and e164(phone) is None:
        raise InvalidInput(f"'{phone}' is not a phone number", field="phone")
    people = uow.people
    direct = [c.id for c in people.matching(email=email, phone=phone) if c.id is not None]
    return [people.contact(contact_id) for contact_id in people.with_merged(direct)]


def export_person(
    uow: UnitOfWork,
    keys: PrivacyKeys,
    *,
    by: Principal,
    email: str | None = None,
    phone: str | None = None,
    now: datetime,
) -> dict[str, Any]:
    """Everything stored about one person, with where it came from and which webhook
    receivers got it, as a JSON-ready document."""
    by.require()
    persons = find_person(uow, email=email, phone=phone)
    contact_ids = [c.id for c in persons if c.id is not None]
    found = collect(uow.connection, uow.workspace_id, contact_ids)
    needles = person_needles(persons, email=email, phone=phone, shared=shared_numbers(uow, persons))
    lead_ids = found.values("leads", "id")
    privacy = uow.privacy
    identifiers = [(email, phone), *((c.email, c.phone) for c in persons)]
    suppression = next(
        (
            entry
            for address, number in identifiers
            if (entry := is_suppressed(uow, keys, email=address, phone=number))
        ),
        None,
    )
    document = export_document(
        workspace=uow.directory.workspace_by_id(uow.workspace_id).slug,
        query={"email": email, "phone": phone},
        generated_at=now,
        records=found.rows,
        mentions=(
            mentions(uow.connection, uow.workspace_id, needles, skip=_owned_names())
            if persons
            else {}
        ),
        consents=[r for contact_id in contact_ids for r in privacy.consents(contact_id)],
        suppression=suppression,
        deliveries=deliveries_about(uow.connection, uow.workspace_id, lead_ids),
    )
    audit.record(
        uow.connection,
        by,
        AuditAction.PERSON_EXPORTED,
        _subject(contact_ids),
        workspace_id=uow.workspace_id,
        at=now,
        contacts=len(contact_ids),
        leads=len(lead_ids),
    )
    return document


@dataclass(frozen=True)
class ErasureReport:
    contacts: int
    lead_ids: list[int]
    deleted: dict[str, int] = field(default_factory=dict)
    redacted: dict[str, int] = field(default_factory=dict)
    suppressed: bool = False
    event_id: str | None = None
    scrubbed: bool = True
    """Whether the database kept no old copy of the erased values (see Database.scrub)."""

    def touched(self) -> set[str]:
        """The tables rows were deleted from or redacted in."""
        return {name for name, count in {**self.deleted, **self.redacted}.items() if count}


def erase_person(
    db: Database,
    keys: PrivacyKeys,
    *,
    by: Principal,
    email: str | None = None,
    phone: str | None = None,
    now: datetime,
) -> ErasureReport:
    """Delete every row about the person, redact their identifiers wherever else they appear,
    keep a suppression entry (keyed hashes only) and a non-personal audit entry, and tell the
    webhook receivers."""
    by.require()
    with unit_of_work(db, by.workspace_id) as uow:
        persons = find_person(uow, email=email, phone=phone)
        report = erase_contacts(uow, persons, reason="erasure", now=now, email=email, phone=phone)
        suppressed = False
        for address, number in [(email, phone), *((c.email, c.phone) for c in persons)]:
            entry = suppress(
                uow, keys, email=address, phone=number, reason=SuppressionReason.ERASURE, at=now
            )
            suppressed = suppressed or entry is not None
        audit.record(
            uow.connection,
            by,
            AuditAction.PERSON_ERASED,
            "erasure request",
            workspace_id=uow.workspace_id,
            at=now,
            contacts=report.contacts,
            leads=len(report.lead_ids),
            deleted=report.deleted,
            redacted=report.redacted,
        )
    scrubbed = db.scrub(report.touched())
    return ErasureReport(**{**report.__dict__, "suppressed": suppressed, "scrubbed": scrubbed})


def erase_contacts(
    uow: UnitOfWork,
    persons: list[Contact],
    *,
    reason: str,
    now: datetime,
    email: str | None = None,
    phone: str | None = None,
) -> ErasureReport:
    """Delete these contacts with everything that belongs to them, and redact mentions."""
    contact_ids = [c.id for c in persons if c.id is not None]
    if not contact_ids:
        return ErasureReport(0, [])
    found = collect(uow.connection, uow.workspace_id, contact_ids)
    lead_ids = found.values("leads", "id")
    needles = person_needles(persons, email=email, phone=phone, shared=shared_numbers(uow, persons))
    deleted = delete_rows(uow.connection, found)
    redacted, whole = redact_rows(
        uow.connection, mentions(uow.connection, uow.workspace_id, needles), needles
    )
    deleted.update(whole)
    event_id = publish_person_erased(uow, lead_ids=lead_ids, reason=reason, now=now)
    return ErasureReport(len(contact_ids), lead_ids, deleted, redacted, False, event_id)


def person_needles(
    persons: list[Contact],
    *,
    email: str | None = None,
    phone: str | None = None,
    shared: AbstractSet[str] = frozenset(),
) -> Needles:
    """The strings that identify these contacts in free text. A number another stored person
    also uses (a switchboard) is only redacted in rows found by the person's other identifiers."""
    strong: set[str] = set()
    weak: set[str] = set()
    for address in [email, *(c.email for c in persons)]:
        if address and address.strip():
            strong.add(address.strip().lower())
    for number in [phone, *(c.phone for c in persons)]:
        if not (number and number.strip()):
            continue
        normalised = e164(number)
        spellings = {number.strip()}
        if normalised:
            spellings |= {normalised, normalised[1:]}
            if normalised.startswith("+49"):
                spellings.add("0" + normalised[3:])
        (weak if normalised in shared else strong).update(spellings)
    for contact in persons:
        if contact.first_name and contact.last_name:
            strong.add(f"{contact.first_name} {contact.last_name}")
            strong.add(f"{contact.last_name}, {contact.first_name}")
        weak.update(name for name in (contact.first_name, contact.last_name) if name)
    return Needles(tuple(sorted(strong)), tuple(sorted(weak - strong)))


def shared_numbers(uow: UnitOfWork, persons: list[Contact]) -> set[str]:
    """The person's numbers that other stored contacts also have."""
    mine = {c.id for c in persons}
    people = uow.people
    shared: set[str] = set()
    for contact in persons:
        number = e164(contact.phone)
        if number and any(other.id not in mine for other in people.matching(phone=number)):
            shared.add(number)
    return shared


def _owned_names() -> set[str]:
    return {"contacts", *(table.name for table, _links in owned_tables())}


def _subject(contact_ids: list[int]) -> str:
    if not contact_ids:
        return "no match"
    return ("contact:" + ",".join(str(i) for i in contact_ids))[:100]
