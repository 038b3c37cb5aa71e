"""Leads of one workspace, their stage log, assessments and grade changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.custom_fields import field_matches
from leadflow.adapters.db.parties import account_from_row, contact_from_row
from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import (
    accounts,
    assessments,
    contacts,
    grade_changes,
    leads,
    stage_changes,
)
from leadflow.adapters.db.text_case import lower_any
from leadflow.domain.errors import LeadNotFound, StaleLead
from leadflow.domain.lead import Lead, LeadDetails, LeadFilter, StageChange
from leadflow.domain.qualification import Assessment, Status
from leadflow.domain.stages import Actor, Stage

_LEAD_COLUMNS = (
    "contact_id",
    "account_id",
    "campaign_id",
    "owner_id",
    "source",
    "grade",
    "version",
    "created_at",
    "stage_entered_at",
    "extras",
    "provenance",
    "custom_fields",
    "deal_value",
)

# Built once: compiled once per set of columns (see parties.py).
_ADD_LEAD = insert(leads)
_LOG_CHANGE = insert(stage_changes)


def lead_from_row(row: Any) -> Lead:
    return Lead(
        workspace_id=row.workspace_id,
        id=row.id,
        stage=Stage(row.stage),
        **{name: getattr(row, name) for name in _LEAD_COLUMNS if name != "custom_fields"},
        custom_fields=row.custom_fields or {},
    )


def change_from_row(row: Any) -> StageChange:
    return StageChange(
        lead_id=row.lead_id,
        source=Stage(row.source) if row.source else None,
        target=Stage(row.target),
        at=row.at,
        actor=Actor(row.actor),
        by_user_id=row.by_user_id,
        reason=row.reason,
        note=row.note,
        automatic=row.automatic,
    )


class LeadRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def _scope(self) -> ColumnElement[bool]:
        return leads.c.workspace_id == self.workspace_id

    def add(self, lead: Lead, now: datetime) -> int:
        values = {name: getattr(lead, name) for name in _LEAD_COLUMNS}
        result = self.connection.execute(
            _ADD_LEAD,
            {"workspace_id": self.workspace_id, "stage": lead.stage.value, "updated_at": now,
             **values},
        )  # fmt: skip
        lead.id = inserted_id(result)
        return lead.id

    def get(self, lead_id: int) -> Lead:
        row = self.connection.execute(
            select(leads).where(self._scope(), leads.c.id == lead_id)
        ).first()
        if row is None:
            raise LeadNotFound(lead_id)
        return lead_from_row(row)

    def by_contact(self, contact_id: int) -> Lead | None:
        row = self.connection.execute(
            select(leads).where(self._scope(), leads.c.contact_id == contact_id)
        ).first()
        return lead_from_row(row) if row is not None else None

    def save(self, lead: Lead, *, read_version: int, now: datetime) -> None:
        """Write a changed lead unless someone else changed it since it was read."""
        values = {name: getattr(lead, name) for name in _LEAD_COLUMNS}
        changed = self.connection.execute(
            update(leads)
            .where(self._scope(), leads.c.id == lead.id, leads.c.version == read_version)
            .values(stage=lead.stage.value, updated_at=now, **values)
        ).rowcount
        if changed != 1:
            current = self.connection.execute(
                select(leads.c.version).where(self._scope(), leads.c.id == lead.id)
            ).scalar()
            raise StaleLead(lead.id, read_version, current)

    def log(self, change: StageChange) -> None:
        self.connection.execute(
            _LOG_CHANGE,
            {
                "workspace_id": self.workspace_id,
                "lead_id": change.lead_id,
                "source": change.source.value if change.source else None,
                "target": change.target.value,
                "at": change.at,
                "actor": change.actor.value,
                "by_user_id": change.by_user_id,
                "reason": change.reason,
                "note": change.note,
                "automatic": change.automatic,
            },
        )

    def history(self, lead_id: int) -> list[StageChange]:
        rows = self.connection.execute(
            select(stage_changes)
            .where(stage_changes.c.workspace_id == self.workspace_id)
            .where(stage_changes.c.lead_id == lead_id)
            .order_by(stage_changes.c.at, stage_changes.c.id)
        )
        return [change_from_row(row) for row in rows]

    def add_assessment(self, lead_id: int, assessment: Assessment) -> None:
        self.connection.execute(
            insert(assessments).values(
                workspace_id=self.workspace_id,
                lead_id=lead_id,
                criterion=assessment.criterion,
                status=assessment.status.value,
                value=assessment.value,
                note=assessment.note,
                by_user_id=assessment.by_user_id,
                at=assessment.at,
            )
        )

    def assessments(self, lead_id: int) -> list[Assessment]:
        rows = self.connection.execute(
            select(assessments)
            .where(assessments.c.workspace_id == self.workspace_id)
            .where(assessments.c.lead_id == lead_id)
            .order_by(assessments.c.at, assessments.c.id)
        )
        return [
            Assessment(r.criterion, Status(r.status), r.at, r.value, r.note, r.by_user_id)
            for r in rows
        ]

    def log_grade(
        self, lead_id: int, old: str | None, new: str | None, by_user_id: int | None, at: datetime
    ) -> None:
        self.connection.execute(
            insert(grade_changes).values(
                workspace_id=self.workspace_id,
                lead_id=lead_id,
                old_grade=old,
                new_grade=new,
                by_user_id=by_user_id,
                at=at,
            )
        )

    def details(self, lead_id: int) -> LeadDetails:
        row = self.connection.execute(
            _details_by_id(), {"workspace": self.workspace_id, "lead": lead_id}
        ).first()
        if row is None:
            raise LeadNotFound(lead_id)
        return _details_from_row(row)

    def details_of(self, lead_ids: list[int]) -> dict[int, LeadDetails]:
        """Many leads with their contacts and accounts, by id, in one statement."""
        rows = self.connection.execute(
            self._details_query().where(leads.c.id.in_(bindparam("ids", expanding=True))),
            {"ids": lead_ids},
        )
        found = [_details_from_row(row) for row in rows]
        return {details.lead.id: details for details in found if details.lead.id is not None}

    def search(
        self, where: LeadFilter, *, limit: int, offset: int
    ) -> tuple[list[LeadDetails], int]:
        """One page of leads matching the filter, newest first, and the total count."""
        conditions = _conditions(where)
        total = self.connection.execute(
            select(func.count())
            .select_from(leads.join(contacts, contacts.c.id == leads.c.contact_id))
            .outerjoin(accounts, accounts.c.id == leads.c.account_id)
            .where(self._scope(), *conditions)
        ).scalar_one()
        rows = self.connection.execute(
            self._details_query()
            .where(*conditions)
            .order_by(leads.c.created_at.desc(), leads.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_details_from_row(row) for row in rows], int(total)

    def each(self, where: LeadFilter, *, batch: int = 500) -> Iterator[LeadDetails]:
        """Every lead matching the filter, oldest id first, read in batches by id."""
        after = 0
        while True:
            rows = self.connection.execute(
                self._details_query()
                .where(*_conditions(where), leads.c.id > after)
                .order_by(leads.c.id)
                .limit(batch)
            ).all()
            yield from (_details_from_row(row) for row in rows)
            if len(rows) < batch:
                return
            after = rows[-1]._mapping["l_id"]

    def _details_query(self) -> Select[Any]:
        lead_cols = [c.label(f"l_{c.name}") for c in leads.c]
        contact_cols = [c.label(f"c_{c.name}") for c in contacts.c]
        account_cols = [c.label(f"a_{c.name}") for c in accounts.c]
        return (
            select(*lead_cols, *contact_cols, *account_cols)
            .select_from(leads.join(contacts, contacts.c.id == leads.c.contact_id))
            .outerjoin(accounts, accounts.c.id == leads.c.account_id)
            .where(self._scope())
        )


@lru_cache(maxsize=1)
def _details_by_id() -> Select[Any]:
    lead_cols = [c.label(f"l_{c.name}") for c in leads.c]
    contact_cols = [c.label(f"c_{c.name}") for c in contacts.c]
    account_cols = [c.label(f"a_{c.name}") for c in accounts.c]
    return (
        select(*lead_cols, *contact_cols, *account_cols)
        .select_from(leads.join(contacts, contacts.c.id == leads.c.contact_id))
        .outerjoin(accounts, accounts.c.id == leads.c.account_id)
        .where(leads.c.workspace_id == bindparam("workspace"), leads.c.id == bindparam("lead"))
    )


class _Prefixed:
    """Row attribute access with a column-label prefix stripped."""

    def __init__(self, row: Any, prefix: str) -> None:
        self._mapping = row._mapping
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        return self._mapping[f"{self._prefix}{name}"]


def _details_from_row(row: Any) -> LeadDetails:
    account = None
    if row._mapping["a_id"] is not None:
        account = account_from_row(_Prefixed(row, "a_"))
    return LeadDetails(
        lead_from_row(_Prefixed(row, "l_")), contact_from_row(_Prefixed(row, "c_")), account
    )


def lead_filter_conditions(where: LeadFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions on the leads table itself (search aside)."""
    conditions: list[ColumnElement[bool]] = []
    if where.stage is not None:
        conditions.append(leads.c.stage == where.stage.value)
    if where.grade is not None:
        conditions.append(leads.c.grade == where.grade)
    if where.owner_id is not None:
        conditions.append(leads.c.owner_id == where.owner_id)
    if where.campaign_id is not None:
        conditions.append(leads.c.campaign_id == where.campaign_id)
    if where.source is not None:
        conditions.append(leads.c.source == where.source)
    if where.created_from is not None:
        conditions.append(leads.c.created_at >= where.created_from)
    if where.created_to is not None:
        conditions.append(leads.c.created_at <= where.created_to)
    conditions.extend(field_matches(condition) for condition in where.fields)
    return conditions


def _conditions(where: LeadFilter) -> list[ColumnElement[bool]]:
    # A lead merged into another one is set aside: the merge log can bring it back.
    conditions = [leads.c.merged_into_id.is_(None), *lead_filter_conditions(where)]
    if where.search:
        escaped = where.search.lower().replace("\\", "\\\\").replace("%", "\\%")
        pattern = "%" + escaped.replace("_", "\\_") + "%"
        full_name = (
            func.coalesce(contacts.c.first_name, "") + " " + func.coalesce(contacts.c.last_name, "")
        )
        conditions.append(
            or_(
                lower_any(contacts.c.email).like(pattern, escape="\\"),
                lower_any(full_name).like(pattern, escape="\\"),
                and_(
                    accounts.c.id.is_not(None),
                    lower_any(accounts.c.name).like(pattern, escape="\\"),
                ),
            )
        )
    return conditions
