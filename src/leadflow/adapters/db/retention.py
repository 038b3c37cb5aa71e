"""Finding leads that a retention rule deletes: in one of its stages and without any activity
since the cut-off. Activity is any change of the lead, and any row with a time (`at` or
`created_at`) in a table that belongs to the lead or its person: stage log, activities, tasks,
touches, consent records, and tables added later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Table, exists, func, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import contacts, leads, metadata
from leadflow.domain.retention import Expired, RetentionRule
from leadflow.domain.stages import Stage

TIME_COLUMNS = ("at", "created_at")


def activity_sources() -> list[tuple[Table, str, str]]:
    """(table, column naming the lead or contact, time column) for every table that records
    something happening to a lead or its person."""
    found = []
    for table in metadata.sorted_tables:
        if table.name in ("leads", "contacts"):
            continue
        for fk in table.foreign_keys:
            if fk.column.table not in (leads, contacts) or fk.column.name != "id":
                continue
            for time_column in TIME_COLUMNS:
                if time_column in table.c:
                    found.append((table, fk.parent.name, time_column))
                    break
    return found


def expired_leads(
    connection: Connection, workspace_id: int, rule: RetentionRule, now: datetime
) -> list[Expired]:
    """The leads this rule deletes now, oldest activity first."""
    cutoff = rule.cutoff(now)
    quiet: list[ColumnElement[bool]] = []
    for table, link, time_column in activity_sources():
        owner = leads.c.id if _links_to(table, link, leads) else leads.c.contact_id
        quiet.append(~exists().where(table.c[link] == owner, table.c[time_column] >= cutoff))
    rows = connection.execute(
        select(leads.c.id, leads.c.contact_id, leads.c.stage, leads.c.updated_at).where(
            leads.c.workspace_id == workspace_id,
            leads.c.stage.in_([stage.value for stage in rule.stages]),
            leads.c.updated_at < cutoff,
            *quiet,
        )
    ).all()
    last = _last_activity(connection, [row.id for row in rows])
    found = [
        Expired(
            row.id,
            row.contact_id,
            Stage(row.stage),
            max(row.updated_at, last.get(row.id, row.updated_at)),
            rule.name,
        )
        for row in rows
    ]
    return sorted(found, key=lambda e: (e.last_activity, e.lead_id))


def _links_to(table: Table, column: str, target: Table) -> bool:
    return any(fk.column.table is target for fk in table.c[column].foreign_keys)


def _last_activity(connection: Connection, lead_ids: list[int]) -> dict[int, datetime]:
    last: dict[int, datetime] = {}
    if not lead_ids:
        return last
    for table, link, time_column in activity_sources():
        if not _links_to(table, link, leads):
            continue
        rows = connection.execute(
            select(table.c[link], func.max(table.c[time_column]))
            .where(table.c[link].in_(lead_ids))
            .group_by(table.c[link])
        )
        for lead_id, at in rows:
            if at is not None and (lead_id not in last or at > last[lead_id]):
                last[lead_id] = at
    return last
