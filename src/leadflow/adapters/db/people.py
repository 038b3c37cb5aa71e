"""Finding the contact (the person) behind a lead, an e-mail address or a phone number."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.parties import contact_from_row
from leadflow.adapters.db.tables import contact_alternates, contacts, leads
from leadflow.adapters.importing.normalize import normalize_phone
from leadflow.domain.errors import NotFound
from leadflow.domain.party import Contact
from leadflow.domain.suppression import normalize_email


def e164(phone: str | None) -> str | None:
    """The number in E.164 (German numbers by default), or None when it is not a number."""
    if not phone or not phone.strip():
        return None
    try:
        return normalize_phone(phone)
    except ValueError:
        return None


class People:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def contact(self, contact_id: int) -> Contact:
        row = self.connection.execute(
            select(contacts).where(
                contacts.c.workspace_id == self.workspace_id, contacts.c.id == contact_id
            )
        ).first()
        if row is None:
            raise NotFound("person", contact_id)
        return contact_from_row(row)

    def link_secrets(self, contact_ids: list[int]) -> dict[int, str]:
        """The link secrets of these stored contacts, by id (erased ones are missing)."""
        rows = self.connection.execute(
            select(contacts.c.id, contacts.c.link_secret).where(
                contacts.c.workspace_id == self.workspace_id, contacts.c.id.in_(contact_ids)
            )
        )
        return {int(row.id): str(row.link_secret) for row in rows}

    def contact_of_lead(self, lead_id: int) -> Contact:
        contact_id = self.connection.execute(
            select(leads.c.contact_id).where(
                leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id
            )
        ).scalar()
        if contact_id is None:
            raise NotFound("lead", lead_id)
        return self.contact(int(contact_id))

    def lead_ids(self, contact_ids: list[int]) -> list[int]:
        rows = self.connection.execute(
            select(leads.c.id)
            .where(leads.c.workspace_id == self.workspace_id, leads.c.contact_id.in_(contact_ids))
            .order_by(leads.c.id)
        )
        return [int(lead_id) for lead_id in rows.scalars()]

    def with_merged(self, contact_ids: list[int]) -> list[int]:
        """These contacts and the contacts of every lead merged into or from their leads: one
        person, possibly stored twice before a duplicate was merged."""
        known = set(contact_ids)
        while True:
            lead_rows = self.connection.execute(
                select(leads.c.id, leads.c.merged_into_id).where(
                    leads.c.workspace_id == self.workspace_id, leads.c.contact_id.in_(known)
                )
            ).all()
            lead_ids = {row.id for row in lead_rows}
            linked = {row.merged_into_id for row in lead_rows if row.merged_into_id is not None}
            found = set(
                self.connection.execute(
                    select(leads.c.contact_id).where(
                        leads.c.workspace_id == self.workspace_id,
                        or_(leads.c.merged_into_id.in_(lead_ids), leads.c.id.in_(linked)),
                    )
                ).scalars()
            )
            if found <= known:
                return sorted(known)
            known |= found

    def matching(self, *, email: str | None = None, phone: str | None = None) -> list[Contact]:
        """The workspace's contacts with this e-mail address or this phone number."""
        found: dict[int, Contact] = {}
        if email and email.strip():
            rows = self.connection.execute(
                select(contacts).where(
                    contacts.c.workspace_id == self.workspace_id,
                    func.lower(contacts.c.email) == normalize_email(email),
                )
            )
            found.update((row.id, contact_from_row(row)) for row in rows)
        number = e164(phone)
        if number is not None:
            tail = number[-6:]
            rows = self.connection.execute(
                select(contacts).where(
                    contacts.c.workspace_id == self.workspace_id,
                    contacts.c.phone.is_not(None),
                )
            )
            found.update(
                (row.id, contact_from_row(row))
                for row in rows
                if tail in "".join(ch for ch in row.phone if ch.isdigit())
                and e164(row.phone) == number
            )
        keys = [("email", normalize_email(email)) if email and email.strip() else None,
                ("phone", number) if number is not None else None]  # fmt: skip
        for kind, value in filter(None, keys):
            # A second address or an earlier number of a contact (merge policy) finds it too.
            rows = self.connection.execute(
                select(contacts)
                .join(contact_alternates, contact_alternates.c.contact_id == contacts.c.id)
                .where(
                    contacts.c.workspace_id == self.workspace_id,
                    contact_alternates.c.kind == kind,
                    contact_alternates.c.value == value,
                )
            )
            found.update((row.id, contact_from_row(row)) for row in rows)
        return [found[key] for key in sorted(found)]
