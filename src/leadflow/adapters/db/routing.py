"""Routing state of one workspace: capacities, absences, round-robin weights, assignments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Table, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.locks import lock_routing
from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import (
    absences,
    accounts,
    assignments,
    leads,
    round_robin_weights,
    routing_capacities,
)
from leadflow.domain.errors import LeadNotFound, NotFound
from leadflow.domain.routing import Absence, RoutingFacts


@dataclass(frozen=True)
class StoredAbsence:
    id: int
    absence: Absence
    note: str | None


@dataclass(frozen=True)
class StoredAssignment:
    id: int
    lead_id: int
    user_id: int | None
    team: str | None
    rule_number: int | None
    reason: str
    at: datetime


class RoutingRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def _in(self, table: Table) -> ColumnElement[bool]:
        return table.c.workspace_id == self.workspace_id

    def lock(self) -> None:
        """Serialise routing decisions in this workspace until the transaction ends."""
        lock_routing(self.connection, self.workspace_id)

    def facts(self, lead_id: int) -> RoutingFacts:
        row = self.connection.execute(
            select(
                leads.c.campaign_id,
                accounts.c.country,
                accounts.c.postal_code,
                accounts.c.industry,
                accounts.c.employees,
                accounts.c.owner_id,
            )
            .select_from(leads.outerjoin(accounts, accounts.c.id == leads.c.account_id))
            .where(self._in(leads), leads.c.id == lead_id)
        ).first()
        if row is None:
            raise LeadNotFound(lead_id)
        return RoutingFacts(
            country=row.country,
            postal_code=row.postal_code,
            industry=row.industry,
            employees=row.employees,
            campaign_id=row.campaign_id,
            account_owner_id=row.owner_id,
        )

    def capacities(self) -> dict[int, int]:
        rows = self.connection.execute(
            select(routing_capacities.c.user_id, routing_capacities.c.leads_per_30_days).where(
                self._in(routing_capacities)
            )
        )
        return {row.user_id: row.leads_per_30_days for row in rows}

    def set_capacity(self, user_id: int, leads_per_30_days: int | None) -> None:
        self.connection.execute(
            delete(routing_capacities).where(
                self._in(routing_capacities), routing_capacities.c.user_id == user_id
            )
        )
        if leads_per_30_days is not None:
            self.connection.execute(
                insert(routing_capacities).values(
                    workspace_id=self.workspace_id,
                    user_id=user_id,
                    leads_per_30_days=leads_per_30_days,
                )
            )

    def absences(self) -> list[StoredAbsence]:
        rows = self.connection.execute(
            select(absences).where(self._in(absences)).order_by(absences.c.first_day, absences.c.id)
        )
        return [
            StoredAbsence(r.id, Absence(r.user_id, r.first_day, r.last_day), r.note) for r in rows
        ]

    def add_absence(self, absence: Absence, note: str | None, now: datetime) -> int:
        result = self.connection.execute(
            insert(absences).values(
                workspace_id=self.workspace_id,
                user_id=absence.user_id,
                first_day=absence.first_day,
                last_day=absence.last_day,
                note=note,
                created_at=now,
            )
        )
        return inserted_id(result)

    def remove_absence(self, absence_id: int) -> None:
        removed = self.connection.execute(
            delete(absences).where(self._in(absences), absences.c.id == absence_id)
        ).rowcount
        if removed != 1:
            raise NotFound("absence", absence_id)

    def round_robin(self) -> dict[str, dict[int, int]]:
        rows = self.connection.execute(
            select(round_robin_weights).where(self._in(round_robin_weights))
        )
        weights: dict[str, dict[int, int]] = {}
        for row in rows:
            weights.setdefault(row.team, {})[row.user_id] = row.weight
        return weights

    def save_round_robin(self, team: str, weights: dict[int, int]) -> None:
        self.connection.execute(
            delete(round_robin_weights).where(
                self._in(round_robin_weights), round_robin_weights.c.team == team
            )
        )
        if weights:
            self.connection.execute(
                insert(round_robin_weights),
                [
                    {"workspace_id": self.workspace_id, "team": team, "user_id": u, "weight": w}
                    for u, w in weights.items()
                ],
            )

    def assigned_since(self, since: datetime) -> dict[int, int]:
        rows = self.connection.execute(
            select(assignments.c.user_id, func.count().label("n"))
            .where(
                self._in(assignments),
                assignments.c.at > since,
                assignments.c.user_id.is_not(None),
            )
            .group_by(assignments.c.user_id)
        )
        return {row.user_id: int(row.n) for row in rows}

    def add_assignment(
        self,
        lead_id: int,
        *,
        user_id: int | None,
        team: str | None,
        rule_number: int | None,
        reason: str,
        at: datetime,
    ) -> int:
        result = self.connection.execute(
            insert(assignments).values(
                workspace_id=self.workspace_id,
                lead_id=lead_id,
                user_id=user_id,
                team=team,
                rule_number=rule_number,
                reason=reason,
                at=at,
            )
        )
        return inserted_id(result)

    def assignments(self, lead_id: int) -> list[StoredAssignment]:
        rows = self.connection.execute(
            select(assignments)
            .where(self._in(assignments), assignments.c.lead_id == lead_id)
            .order_by(assignments.c.at, assignments.c.id)
        )
        return [
            StoredAssignment(r.id, r.lead_id, r.user_id, r.team, r.rule_number, r.reason, r.at)
            for r in rows
        ]

    def set_owner(self, lead_id: int, user_id: int | None) -> None:
        self.connection.execute(
            update(leads).where(self._in(leads), leads.c.id == lead_id).values(owner_id=user_id)
        )
