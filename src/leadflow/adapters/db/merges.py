"""The merge log of one workspace and the row moves a merge makes (and its undo reverses)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.driver_io import unindexed
from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import (
    activities,
    contact_alternates,
    contacts,
    lead_merges,
    leads,
    stage_changes,
    tasks,
    touches,
)
from leadflow.domain.errors import NotFound

MOVABLE: dict[str, Table] = {"activities": activities, "tasks": tasks, "touches": touches}
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "job_title", "account_id")
# What an entry's merge may change, and its undo puts back.
ENTRY_CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "job_title", "department",
                        "external_id")  # fmt: skip
ENTRY_LEAD_FIELDS = ("source", "campaign_id", "owner_id", "stage", "stage_entered_at", "extras")
_BATCH = 900
ADDED: dict[str, Table] = {
    "alternates": contact_alternates,
    "stage_changes": stage_changes,
    "activities": activities,
}


class MergeRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def lead(self, lead_id: int) -> Any:
        row = self.connection.execute(
            select(
                leads.c.id, leads.c.contact_id, leads.c.merged_into_id, leads.c.account_id
            ).where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
        ).first()
        if row is None:
            raise NotFound("lead", lead_id)
        return row

    def contact(self, contact_id: int) -> dict[str, Any]:
        row = (
            self.connection.execute(
                select(*(contacts.c[name] for name in CONTACT_FIELDS)).where(
                    contacts.c.workspace_id == self.workspace_id, contacts.c.id == contact_id
                )
            )
            .mappings()
            .one()
        )
        return dict(row)

    def set_contact(self, contact_id: int, values: dict[str, Any]) -> None:
        if values:
            self.connection.execute(
                update(contacts)
                .where(contacts.c.workspace_id == self.workspace_id, contacts.c.id == contact_id)
                .values(**values)
            )

    def set_merged_into(self, lead_id: int, survivor_id: int | None, now: datetime) -> None:
        self.connection.execute(
            update(leads)
            .where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
            .values(merged_into_id=survivor_id, version=leads.c.version + 1, updated_at=now)
        )

    def touch(self, lead_id: int, now: datetime) -> None:
        self.connection.execute(
            update(leads)
            .where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
            .values(version=leads.c.version + 1, updated_at=now)
        )

    def move_records(self, source_id: int, target_id: int) -> dict[str, list[int]]:
        """Re-point the activities, tasks and touches of one lead to another; their ids."""
        moved: dict[str, list[int]] = {}
        for name, table in MOVABLE.items():
            scope = (table.c.workspace_id == self.workspace_id, table.c.lead_id == source_id)
            ids = list(self.connection.execute(select(table.c.id).where(*scope)).scalars())
            if ids:
                self.connection.execute(update(table).where(*scope).values(lead_id=target_id))
            moved[name] = ids
        return moved

    def move_back(self, moved: dict[str, list[int]], target_id: int) -> None:
        for name, ids in moved.items():
            table = MOVABLE[name]
            if ids:
                self.connection.execute(
                    update(table)
                    .where(table.c.workspace_id == self.workspace_id, table.c.id.in_(ids))
                    .values(lead_id=target_id)
                )

    def log(
        self,
        survivor_id: int,
        merged_id: int | None,
        reason: str,
        changes: dict[str, Any],
        by_user_id: int | None,
        at: datetime,
    ) -> int:
        result = self.connection.execute(
            insert(lead_merges).values(
                workspace_id=self.workspace_id,
                survivor_id=survivor_id,
                merged_id=merged_id,
                reason=reason,
                changes=changes,
                by_user_id=by_user_id,
                at=at,
            )
        )
        return inserted_id(result)

    def get(self, merge_id: int) -> Any:
        row = self.connection.execute(
            select(lead_merges).where(
                lead_merges.c.workspace_id == self.workspace_id, lead_merges.c.id == merge_id
            )
        ).first()
        if row is None:
            raise NotFound("merge", merge_id)
        return row

    def of_lead(self, lead_id: int) -> list[Any]:
        return list(
            self.connection.execute(
                select(lead_merges)
                .where(
                    lead_merges.c.workspace_id == self.workspace_id,
                    (lead_merges.c.survivor_id == lead_id) | (lead_merges.c.merged_id == lead_id),
                )
                .order_by(lead_merges.c.at, lead_merges.c.id)
            )
        )

    def mark_undone(self, merge_id: int, at: datetime) -> None:
        self.connection.execute(
            update(lead_merges)
            .where(lead_merges.c.workspace_id == self.workspace_id, lead_merges.c.id == merge_id)
            .values(undone_at=at)
        )

    def entry_contact(self, contact_id: int) -> dict[str, Any]:
        row = self.connection.execute(
            select(*(contacts.c[name] for name in ENTRY_CONTACT_FIELDS)).where(
                contacts.c.workspace_id == self.workspace_id, contacts.c.id == contact_id
            )
        ).one()
        return dict(row._mapping)

    def entry_lead(self, lead_id: int) -> dict[str, Any]:
        row = self.connection.execute(
            select(*(leads.c[name] for name in ENTRY_LEAD_FIELDS), leads.c.updated_at).where(
                leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id
            )
        ).one()
        return dict(row._mapping)

    def alternates(self, contact_id: int) -> set[tuple[str, str]]:
        # The workspace unindexed: otherwise SQLite walks the workspace's alternates through
        # the value index instead of reading the contact's few through its own key.
        rows = self.connection.execute(
            select(contact_alternates.c.kind, contact_alternates.c.value).where(
                unindexed(contact_alternates.c.workspace_id) == self.workspace_id,
                contact_alternates.c.contact_id == contact_id,
            )
        )
        return {(kind, value) for kind, value in rows}

    def entry_contacts(self, contact_ids: Collection[int]) -> dict[int, dict[str, Any]]:
        """entry_contact for many contacts at once, by id."""
        return {
            row[0]: {name: row._mapping[name] for name in ENTRY_CONTACT_FIELDS}
            for row in self._by_ids(
                contacts, contact_ids, contacts.c.id,
                *(contacts.c[name] for name in ENTRY_CONTACT_FIELDS),
            )
        }  # fmt: skip

    def entry_leads(self, lead_ids: Collection[int]) -> dict[int, dict[str, Any]]:
        """entry_lead for many leads at once, by id."""
        return {
            row[0]: {name: row._mapping[name] for name in (*ENTRY_LEAD_FIELDS, "updated_at")}
            for row in self._by_ids(
                leads, lead_ids, leads.c.id, *(leads.c[name] for name in ENTRY_LEAD_FIELDS),
                leads.c.updated_at,
            )
        }  # fmt: skip

    def alternates_of(self, contact_ids: Collection[int]) -> dict[int, set[tuple[str, str]]]:
        """alternates for many contacts at once, by contact id (only those that have some)."""
        found: dict[int, set[tuple[str, str]]] = {}
        ordered = sorted(set(contact_ids))
        for start in range(0, len(ordered), _BATCH):
            rows = self.connection.execute(
                select(
                    contact_alternates.c.contact_id,
                    contact_alternates.c.kind,
                    contact_alternates.c.value,
                ).where(
                    unindexed(contact_alternates.c.workspace_id) == self.workspace_id,
                    contact_alternates.c.contact_id.in_(ordered[start : start + _BATCH]),
                )
            )
            for contact_id, kind, value in rows:
                found.setdefault(contact_id, set()).add((kind, value))
        return found

    def _by_ids(self, table: Table, ids: Collection[int], *columns: Any) -> list[Any]:
        # The workspace unindexed: with many ids SQLite would otherwise walk the workspace's
        # rows through an index on workspace_id instead of fetching each by its key.
        found: list[Any] = []
        ordered = sorted(set(ids))
        for start in range(0, len(ordered), _BATCH):
            found += self.connection.execute(
                select(*columns).where(
                    unindexed(table.c.workspace_id) == self.workspace_id,
                    table.c.id.in_(ordered[start : start + _BATCH]),
                )
            ).all()
        return found

    def taken(self, kind: str, value: str) -> bool:
        """Whether a value is another contact's primary or alternate already."""
        column = contacts.c[kind]
        primary = self.connection.execute(
            select(contacts.c.id).where(
                contacts.c.workspace_id == self.workspace_id, column == value
            )
        ).first()
        other = self.connection.execute(
            select(contact_alternates.c.id).where(
                contact_alternates.c.workspace_id == self.workspace_id,
                contact_alternates.c.kind == kind,
                contact_alternates.c.value == value,
            )
        ).first()
        return primary is not None or other is not None

    def taken_values(self, kind: str, values: Collection[str]) -> set[str]:
        """Those of the values that a contact holds as its own or as an alternate (taken)."""
        column = contacts.c[kind]
        found: set[str] = set()
        ordered = sorted(set(values))
        for start in range(0, len(ordered), _BATCH):
            batch = ordered[start : start + _BATCH]
            found.update(
                value
                for (value,) in self.connection.execute(
                    select(column).where(
                        contacts.c.workspace_id == self.workspace_id, column.in_(batch)
                    )
                )
            )
            found.update(
                value
                for (value,) in self.connection.execute(
                    select(contact_alternates.c.value).where(
                        contact_alternates.c.workspace_id == self.workspace_id,
                        contact_alternates.c.kind == kind,
                        contact_alternates.c.value.in_(batch),
                    )
                )
            )
        return found

    def add_alternate(self, contact_id: int, kind: str, value: str, at: datetime) -> int:
        result = self.connection.execute(
            insert(contact_alternates).values(
                workspace_id=self.workspace_id,
                contact_id=contact_id,
                kind=kind,
                value=value,
                created_at=at,
            )  # fmt: skip
        )
        return inserted_id(result)

    def set_lead(self, lead_id: int, values: dict[str, Any], now: datetime) -> None:
        self.connection.execute(
            update(leads)
            .where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
            .values(**values, version=leads.c.version + 1, updated_at=now)
        )

    def add_stage_change(self, lead_id: int, values: dict[str, Any]) -> int:
        result = self.connection.execute(
            insert(stage_changes).values(workspace_id=self.workspace_id, lead_id=lead_id, **values)
        )
        return inserted_id(result)

    def add_note(self, lead_id: int, subject: str, body: str, at: datetime) -> int:
        result = self.connection.execute(
            insert(activities).values(
                workspace_id=self.workspace_id,
                lead_id=lead_id,
                kind="note",
                outcome="none",
                subject=subject,
                body=body,
                at=at,
            )  # fmt: skip
        )
        return inserted_id(result)

    def remove_added(self, added: dict[str, list[int]]) -> None:
        for name, ids in added.items():
            table = ADDED[name]
            if ids:
                self.connection.execute(
                    delete(table).where(
                        table.c.workspace_id == self.workspace_id, table.c.id.in_(ids)
                    )
                )
