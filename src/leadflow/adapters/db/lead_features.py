"""Stored leads as the predictive models read them: the fields known before sales contact.

One query per batch reads the leads with their contact, account and campaign (through the
driver, see driver_io), and lead_engagement counts their touches before sales contact. Records
come back as columns (ColumnarRecords) so that a million leads need no dictionary each.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, ColumnElement, FromClause, Table, Text, and_, cast, or_, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.driver_io import fetch_columns, result_values, unindexed
from leadflow.adapters.db.lead_engagement import TOUCHES, touches_before_sales
from leadflow.adapters.db.tables import accounts, campaigns, contacts, leads, stage_changes
from leadflow.adapters.ml.columns import ColumnarRecords
from leadflow.domain.factor_text import EXTRAS_PREFIX
from leadflow.domain.freemail import is_free_mail
from leadflow.domain.predictive import Value, seniority
from leadflow.domain.predictive_history import (
    CLOSED_WITHOUT,
    OPEN_STAGES,
    REACHES,
    Target,
)
from leadflow.domain.stages import Stage

COLUMN_FIELDS: dict[str, Column[Any]] = {
    "lead.source": leads.c.source,
    "lead.campaign": campaigns.c.name,
    "campaign.channel": campaigns.c.channel,
    "lead.fit_score": leads.c.fit_score,
    "account.industry": accounts.c.industry,
    "account.employees": accounts.c.employees,
    "account.country": accounts.c.country,
    "contact.department": contacts.c.department,
    "contact.buying_role": contacts.c.buying_role,
}
# The tables a lead points to, by the lead's column that points there.
REFERENCES: dict[Table, Column[Any]] = {
    accounts: leads.c.account_id,
    campaigns: leads.c.campaign_id,
}
SENIORITY = "contact.seniority"
FREE_MAIL = "contact.email_free_mail"
ALL_FIELDS = None
STAGES = {stage.value: stage for stage in Stage}


@dataclass(frozen=True)
class StoredLeads:
    """A batch of leads: ids, stages and times, and their pre-contact fields as records."""

    ids: list[int]
    stages: list[Stage]
    created_at: list[datetime]
    stage_entered_at: list[datetime]
    records: ColumnarRecords


def read_leads(
    connection: Connection,
    workspace_id: int,
    *,
    fields: Collection[str] | None = ALL_FIELDS,
    where: Sequence[ColumnElement[bool]] = (),
    after_id: int = 0,
    up_to_id: int | None = None,
    times: bool = True,
    referenced: ReferencedRows | None = None,
) -> StoredLeads:
    """Leads of one workspace (not merged ones) in id order, with the given fields (or all).

    Only leads with an id in (after_id, up_to_id] are read; without `times` the created_at
    and stage_entered_at lists stay empty. With `referenced`, the fields of accounts and
    campaigns come from the rows kept there instead of a join.
    """
    wanted = set(fields) if fields is not None else None
    columns = _columns(wanted, by_reference=referenced is not None)
    # Within a closed id window, reading the window of the table in id order beats any index.
    scoped = unindexed if up_to_id is not None else _as_is
    base = [leads.c.id, leads.c.stage] + ([leads.c.created_at, leads.c.stage_entered_at] * times)
    query = (
        select(*base, *(column.label(f"f{i}") for i, column in enumerate(columns.values())))
        .select_from(_joined(columns.values()))
        .where(
            scoped(leads.c.workspace_id) == workspace_id,
            leads.c.merged_into_id.is_(None),
            leads.c.id > after_id,
            *([leads.c.id <= up_to_id] if up_to_id is not None else []),
            *where,
        )
        .order_by(leads.c.id)
    )
    fetched = fetch_columns(connection, query, len(base) + len(columns))
    ids: list[int] = fetched[0]
    created, entered = (
        [result_values(connection.dialect, column, values) for column, values in
         zip(base[2:], fetched[2:4], strict=True)]
        if times else ([], [])
    )  # fmt: skip
    raw = dict(zip(columns, fetched[len(base) :], strict=True))
    data: dict[str, Sequence[Value]] = {
        name: values for name, values in raw.items() if not name.startswith("_")
    }
    if "_job_title" in raw:
        data[SENIORITY] = _seniorities(raw["_seniority"], raw["_job_title"])
    if "_email" in raw:
        data[FREE_MAIL] = _free_mail(raw["_email"])
    if "_extras" in raw:
        data.update(_all_extras(raw["_extras"]))
    if referenced is not None:
        for table in REFERENCES:
            if _reference(table) in raw:
                names = _table_fields(wanted, table)
                data.update(
                    referenced.fields(
                        connection, workspace_id, table, names, raw[_reference(table)]
                    )
                )
    if ids and (wanted is None or TOUCHES in wanted):
        data[TOUCHES] = touches_before_sales(connection, workspace_id, ids)
    stages = [STAGES[stage] for stage in fetched[1]]
    return StoredLeads(ids, stages, created, entered, ColumnarRecords(data, len(ids)))


def _joined(columns: Iterable[ColumnElement[Any]]) -> FromClause:
    """Leads with only the tables that the selected columns come from."""
    # Every selected expression that is not a plain column is made of the lead's extras.
    tables = {column.table for column in columns if isinstance(column, Column)}
    joined: FromClause = leads
    if contacts in tables:
        joined = joined.join(contacts, contacts.c.id == leads.c.contact_id)
    if accounts in tables:
        joined = joined.outerjoin(accounts, accounts.c.id == leads.c.account_id)
    if campaigns in tables:
        joined = joined.outerjoin(
            campaigns,
            and_(
                campaigns.c.id == leads.c.campaign_id,
                campaigns.c.workspace_id == leads.c.workspace_id,
            ),
        )
    return joined


class ReferencedRows:
    """The accounts and campaigns of a workspace, each read once and kept, so that the batches
    of a scoring run read their leads without joining those tables."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, tuple[str, ...]], dict[int, tuple[Value, ...]]] = {}

    def fields(
        self,
        connection: Connection,
        workspace_id: int,
        table: Table,
        names: Sequence[str],
        ids: Sequence[int | None],
    ) -> dict[str, list[Value]]:
        """The named fields of the rows with these ids (None where a lead points nowhere)."""
        rows = self._rows.get((table.name, tuple(names)))
        if rows is None:
            query = select(table.c.id, *(COLUMN_FIELDS[name] for name in names)).where(
                table.c.workspace_id == workspace_id
            )
            fetched = fetch_columns(connection, query, 1 + len(names))
            rows = dict(zip(fetched[0], zip(*fetched[1:], strict=True), strict=True))
            self._rows[(table.name, tuple(names))] = rows
        nowhere: tuple[Value, ...] = (None,) * len(names)
        picked = [rows.get(id_, nowhere) if id_ is not None else nowhere for id_ in ids]
        return {name: [row[index] for row in picked] for index, name in enumerate(names)}


def _reference(table: Table) -> str:
    return f"_ref.{table.name}"


def _table_fields(wanted: set[str] | None, table: Table) -> list[str]:
    return [
        name
        for name, column in COLUMN_FIELDS.items()
        if column.table is table and _wants(wanted, name)
    ]


def _columns(
    wanted: set[str] | None, *, by_reference: bool = False
) -> dict[str, ColumnElement[Any]]:
    """The columns to select for the wanted fields; those named _x feed derived fields.

    By reference, a lead's account and campaign are selected as ids, not joined.
    """
    referenced = set(REFERENCES) if by_reference else set()
    columns: dict[str, ColumnElement[Any]] = {
        name: column
        for name, column in COLUMN_FIELDS.items()
        if _wants(wanted, name) and column.table not in referenced
    }
    for table in referenced:
        if _table_fields(wanted, table):
            columns[_reference(table)] = REFERENCES[table]
    if _wants(wanted, SENIORITY):
        columns["_seniority"] = contacts.c.seniority
        columns["_job_title"] = contacts.c.job_title
    if _wants(wanted, FREE_MAIL):
        columns["_email"] = contacts.c.email
    extras_keys = _extras_keys(wanted)
    if extras_keys is None:
        columns["_extras"] = cast(leads.c.extras, Text)
    else:
        for key in extras_keys:
            columns[EXTRAS_PREFIX + key] = leads.c.extras[key].as_string()
    return columns


def open_leads() -> ColumnElement[bool]:
    """Leads still on their way: worth a predictive score."""
    return leads.c.stage.in_([stage.value for stage in OPEN_STAGES])


def lead_with_id(lead_id: int) -> ColumnElement[bool]:
    return leads.c.id == lead_id


def closed_leads(workspace_id: int, nurture_before: datetime) -> ColumnElement[bool]:
    """Leads whose outcome is known for a target: closed, long in nurture, or past sql."""
    reached = select(stage_changes.c.lead_id).where(
        stage_changes.c.workspace_id == workspace_id,
        stage_changes.c.target.in_([stage.value for stage in REACHES[Target.SQL]]),
    )
    return or_(
        leads.c.stage.in_([stage.value for stage in (*CLOSED_WITHOUT, Stage.WON)]),
        and_(leads.c.stage == Stage.NURTURE.value, leads.c.stage_entered_at <= nurture_before),
        leads.c.id.in_(reached),
    )


def open_lead_ids(connection: Connection, workspace_id: int) -> list[int]:
    """The ids of the workspace's open leads, in order (from the stage index alone)."""
    query = (
        select(leads.c.id)
        .where(leads.c.workspace_id == workspace_id, open_leads())
        .order_by(leads.c.id)
    )
    return fetch_columns(connection, query, 1)[0]


def reached_stages(
    connection: Connection, workspace_id: int, lead_ids: Collection[int], stages: Collection[Stage]
) -> dict[int, set[Stage]]:
    """For each lead that ever entered one of the stages (per its stage log), those stages."""
    reached: dict[int, set[Stage]] = {}
    rows = connection.execute(
        select(stage_changes.c.lead_id, stage_changes.c.target)
        .where(
            stage_changes.c.workspace_id == workspace_id,
            stage_changes.c.target.in_([stage.value for stage in stages]),
        )
        .distinct()
    )
    wanted = set(lead_ids)
    for lead_id, target in rows:
        if lead_id in wanted:
            reached.setdefault(lead_id, set()).add(Stage(target))
    return reached


def _as_is(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return column


def _wants(wanted: set[str] | None, name: str) -> bool:
    return wanted is None or name in wanted


def _extras_keys(wanted: set[str] | None) -> list[str] | None:
    """The extras keys to read one by one, or None to read (and parse) all extras."""
    if wanted is None:
        return None
    keys = sorted(name.removeprefix(EXTRAS_PREFIX) for name in wanted if name.startswith("extras."))
    # A JSON path cannot quote every key; such rare keys are read with the whole document.
    return None if any('"' in key or "\\" in key for key in keys) else keys


def _seniorities(stored: list[Any], titles: list[Any]) -> list[Value]:
    return [
        level or (seniority(title).value if title else None)
        for level, title in zip(stored, titles, strict=True)
    ]


def _free_mail(emails: list[str | None]) -> list[Value]:
    """ "yes" or "no" per address (None without one), judged once per distinct domain."""
    return [_domain_kind(email[email.rfind("@") + 1 :]) if email else None for email in emails]


@lru_cache(maxsize=65536)
def _domain_kind(domain: str) -> str:
    return "yes" if is_free_mail("@" + domain.strip().lower()) else "no"


def _all_extras(documents: list[Any]) -> dict[str, list[Value]]:
    parsed = [json.loads(text) if text and text != "{}" else {} for text in documents]
    keys = dict.fromkeys(key for extras in parsed for key in extras)
    return {EXTRAS_PREFIX + key: [_plain(extras.get(key)) for extras in parsed] for key in keys}


def _plain(value: object) -> Value:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)
