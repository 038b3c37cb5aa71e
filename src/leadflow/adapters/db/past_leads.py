"""Checked lead candidates written in bulk into a scratch workspace, for evaluating a file.

Accounts are shared by domain or company key and contacts by e-mail, as a lead import would;
each chunk is a handful of multi-row inserts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import accounts, contacts, leads, stage_changes, workspaces
from leadflow.adapters.importing import LeadCandidate
from leadflow.domain.stages import Actor, Stage


@dataclass(frozen=True)
class PastLead:
    """A candidate as it is stored: its extras include the cells leadflow has no column for."""

    candidate: LeadCandidate
    extras: Mapping[str, str]


class PastLeadWriter:
    """Adds past leads to one workspace; remembers accounts and e-mails across chunks."""

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self._accounts: dict[str, int] = {}
        self._emails: set[str] = set()

    def add(self, connection: Connection, chunk: Sequence[PastLead], now: datetime) -> int:
        """Store a chunk; a lead whose e-mail was seen already is skipped. Returns how many."""
        fresh: list[PastLead] = []
        for lead in chunk:
            email = lead.candidate.email
            if email is not None and email in self._emails:
                continue
            if email is not None:
                self._emails.add(email)
            fresh.append(lead)
        account_ids = self._add_accounts(connection, [lead.candidate for lead in fresh], now)
        contact_ids = _insert(
            connection,
            contacts,
            [
                self._contact(lead.candidate, account_id, now)
                for lead, account_id in zip(fresh, account_ids, strict=True)
            ],
        )
        lead_rows = [
            self._lead(lead, contact_id, account_id, now)
            for lead, contact_id, account_id in zip(fresh, contact_ids, account_ids, strict=True)
        ]
        lead_ids = _insert(connection, leads, lead_rows)
        changes = [
            change
            for lead, lead_id in zip(fresh, lead_ids, strict=True)
            for change in self._stage_log(lead.candidate, lead_id, now)
        ]
        if changes:
            connection.execute(insert(stage_changes), changes)
        return len(fresh)

    def _add_accounts(
        self, connection: Connection, candidates: Sequence[LeadCandidate], now: datetime
    ) -> list[int | None]:
        new: dict[str, dict[str, Any]] = {}
        keys: list[str | None] = []
        for candidate in candidates:
            key = candidate.domain or candidate.company_key
            keys.append(key)
            if key is None or key in self._accounts or key in new:
                continue
            new[key] = {
                "workspace_id": self.workspace_id,
                "name": candidate.company or candidate.domain,
                "name_key": candidate.company_key or candidate.domain,
                "domain": candidate.domain,
                "industry": candidate.industry,
                "employees": candidate.employees,
                "country": candidate.country_code,
                "postal_code": candidate.postal_code,
                "city": candidate.city,
                "created_at": candidate.created_at or now,
            }
        self._accounts.update(
            zip(new, _insert(connection, accounts, list(new.values())), strict=True)
        )
        return [self._accounts[key] if key is not None else None for key in keys]

    def _contact(
        self, candidate: LeadCandidate, account_id: int | None, now: datetime
    ) -> dict[str, Any]:
        return {
            "workspace_id": self.workspace_id,
            "account_id": account_id,
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "email": candidate.email,
            "phone": candidate.phone or candidate.mobile,
            "job_title": candidate.job_title,
            "department": candidate.department,
            "created_at": candidate.created_at or now,
        }

    def _lead(
        self, lead: PastLead, contact_id: int, account_id: int | None, now: datetime
    ) -> dict[str, Any]:
        candidate = lead.candidate
        created = candidate.created_at or now
        history = candidate.stage_history
        return {
            "workspace_id": self.workspace_id,
            "contact_id": contact_id,
            "account_id": account_id,
            "stage": (candidate.stage or Stage.PROSPECT).value,
            "source": candidate.lead_source,
            "grade": candidate.grade,
            "version": 1,
            "created_at": created,
            "stage_entered_at": history[-1][1] if history else created,
            "updated_at": now,
            "extras": dict(lead.extras),
        }

    def _stage_log(
        self, candidate: LeadCandidate, lead_id: int, now: datetime
    ) -> list[dict[str, Any]]:
        created = candidate.created_at or now
        steps = list(candidate.stage_history) or [(candidate.stage or Stage.PROSPECT, created)]
        if candidate.stage is not None and steps[-1][0] is not candidate.stage:
            steps.append((candidate.stage, steps[-1][1]))
        log = []
        source: Stage | None = None
        for stage, at in steps:
            log.append(
                {
                    "workspace_id": self.workspace_id,
                    "lead_id": lead_id,
                    "source": source.value if source else None,
                    "target": stage.value,
                    "at": at,
                    "actor": Actor.IMPORT.value,
                    "automatic": False,
                }
            )
            source = stage
        return log


def drop_workspace(connection: Connection, workspace_id: int) -> None:
    """Remove a scratch workspace and everything in it.

    Leads go first, in one statement per table: left to the cascade from contacts, each
    contact would look for its lead without an index on leads.contact_id.
    """
    for table in (stage_changes, leads, contacts, accounts):
        connection.execute(delete(table).where(table.c.workspace_id == workspace_id))
    connection.execute(delete(workspaces).where(workspaces.c.id == workspace_id))


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row.id for row in connection.execute(statement, rows)]
