"""The lead list: filters, search, sorting and keyset paging that stays fast at any depth.

A page is found from a cursor (the sort values and id of the row it continues from), not from an
offset, so page 2,000 costs what page 1 costs. The total is counted up to a cap: beyond it the
list says "more than N" instead of scanning every match on every page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    false,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.selectable import CTE, ScalarSelect

from leadflow.adapters.db.lead_summaries import LeadSummary, live, summaries, summary_from_row
from leadflow.adapters.db.leads import lead_filter_conditions
from leadflow.adapters.db.tables import accounts, contacts, leads, sla_clocks
from leadflow.adapters.db.text_case import lower_any
from leadflow.domain.engagement import CellRange
from leadflow.domain.errors import InvalidInput
from leadflow.domain.lead import LeadFilter

COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000
"""A search counts its matches one by one, so it stops earlier."""
MAX_SEARCH_WORDS = 5


@dataclass(frozen=True)
class SortKey:
    expression: ColumnElement[Any]
    descending: bool
    read: Callable[[LeadSummary], Any]
    """The key's value in a fetched row, the same value the expression gives in SQL."""
    is_time: bool = False


SORTS: dict[str, tuple[SortKey, ...]] = {
    "newest": (SortKey(leads.c.created_at, True, lambda r: r.created_at, is_time=True),),
    "oldest": (SortKey(leads.c.created_at, False, lambda r: r.created_at, is_time=True),),
    "moved": (SortKey(leads.c.stage_entered_at, True, lambda r: r.stage_entered_at, is_time=True),),
    "name": (
        SortKey(func.coalesce(contacts.c.last_name, ""), False, lambda r: r.last_name or ""),
        SortKey(func.coalesce(contacts.c.first_name, ""), False, lambda r: r.first_name or ""),
    ),
    "company": (SortKey(func.coalesce(accounts.c.name, ""), False, lambda r: r.company or ""),),
    "grade": (SortKey(func.coalesce(leads.c.grade, "Z"), False, lambda r: r.grade or "Z"),),
}


@dataclass(frozen=True)
class ListFilter:
    """The core lead filter plus the score ranges and the overdue hand-over."""

    base: LeadFilter = field(default_factory=LeadFilter)
    fit_min: int | None = None
    fit_max: int | None = None
    engagement_min: float | None = None
    engagement_max: float | None = None
    overdue_at: datetime | None = None
    """When set: only leads whose hand-over clock ran out before this time."""
    cell: CellRange | None = None
    """When set: only the leads of one cell of the grade x engagement matrix."""


@dataclass(frozen=True)
class ListingPage:
    rows: list[LeadSummary]
    next_cursor: str | None
    previous_cursor: str | None
    total: int
    total_capped: bool


class LeadListing:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def page(
        self,
        where: ListFilter,
        *,
        sort: str = "newest",
        after: str | None = None,
        before: str | None = None,
        limit: int = 50,
        count_cap: int = COUNT_CAP,
    ) -> ListingPage:
        """One page after (or before) a cursor; without one, the first page."""
        keys = SORTS.get(sort)
        if keys is None:
            known = ", ".join(SORTS)
            raise InvalidInput(f"unknown sort '{sort}': use one of {known}", field="sort")
        found = filter_conditions(self.workspace_id, where, self.connection.dialect.name)
        conditions = found.conditions
        if found.matched:
            count_cap = min(count_cap, SEARCH_COUNT_CAP)
        backwards = before is not None and after is None
        cursor = _decode(before if backwards else after, keys)
        query = summaries(self.workspace_id, *conditions).add_columns(
            self._capped_count(found, count_cap).label("total")
        )
        if cursor is not None:
            query = query.where(_beyond(keys, cursor, backwards))
        order = [_ordered(key.expression, key.descending != backwards) for key in keys]
        order.append(_ordered(leads.c.id, keys[0].descending != backwards))
        fetched = self.connection.execute(query.order_by(*order).limit(limit + 1)).all()
        rows = [summary_from_row(row) for row in fetched]
        more = len(rows) > limit
        rows = rows[:limit]
        if backwards:
            rows.reverse()
        if fetched:
            total = int(fetched[0].total)
        elif cursor is None:
            total = 0
        else:
            total = int(
                self.connection.execute(select(self._capped_count(found, count_cap))).scalar_one()
            )
        has_next = (more and not backwards) or (backwards and bool(rows))
        has_previous = (more and backwards) or (cursor is not None and not backwards)
        return ListingPage(
            rows=rows,
            next_cursor=_encode(keys, rows[-1]) if has_next and rows else None,
            previous_cursor=_encode(keys, rows[0]) if has_previous and rows else None,
            total=min(total, count_cap),
            total_capped=total > count_cap,
        )

    def sources(self) -> list[str]:
        """The sources the workspace's leads came from, each once: the list's source filter."""
        return [
            source
            for (source,) in self.connection.execute(
                select(leads.c.source)
                .where(leads.c.workspace_id == self.workspace_id, leads.c.source.is_not(None))
                .group_by(leads.c.source)
            )
        ]

    def _capped_count(self, found: Conditions, cap: int) -> ScalarSelect[int]:
        counted: Select[tuple[int]]
        if found.matched:
            # A search counts its matches one by one, not by walking every lead of the workspace.
            first = found.matched[0]
            lead = select(leads.c.id).where(
                leads.c.id == first.c.id, live(self.workspace_id), *found.conditions
            )
            counted = select(first.c.id).where(lead.exists())
        else:
            counted = select(leads.c.id).where(live(self.workspace_id), *found.conditions)
        capped = counted.limit(cap + 1).subquery()
        return select(func.count()).select_from(capped).scalar_subquery()


@dataclass(frozen=True)
class Conditions:
    conditions: list[ColumnElement[bool]]
    matched: list[CTE]
    """The leads matching each search word, already part of `conditions`."""


def filter_conditions(workspace_id: int, where: ListFilter, dialect: str = "sqlite") -> Conditions:
    """SQL conditions on the leads table alone; the search looks at names, e-mail addresses and
    companies, and every word of it must match one of them."""
    matched = [
        _matching_leads(workspace_id, word, dialect).cte(f"matched_leads_{number}")
        for number, word in enumerate((where.base.search or "").split()[:MAX_SEARCH_WORDS])
    ]
    # The leads matching a word are collected first (a pass over a covering index of contacts
    # and of accounts), so the page query only tests membership while it walks its sort index.
    conditions = lead_filter_conditions(where.base)
    conditions += [leads.c.id.in_(select(cte.c.id)) for cte in matched]
    if where.fit_min is not None:
        conditions.append(leads.c.fit_score >= where.fit_min)
    if where.fit_max is not None:
        conditions.append(leads.c.fit_score <= where.fit_max)
    if where.engagement_min is not None:
        conditions.append(leads.c.engagement_score >= where.engagement_min)
    if where.engagement_max is not None:
        conditions.append(leads.c.engagement_score <= where.engagement_max)
    if where.cell is not None:
        conditions += _cell_conditions(where.cell)
    if where.overdue_at is not None:
        overdue = select(sla_clocks.c.lead_id).where(
            sla_clocks.c.workspace_id == workspace_id,
            sla_clocks.c.stopped_at.is_(None),
            sla_clocks.c.due_at < where.overdue_at,
        )
        conditions.append(leads.c.id.in_(overdue))
    return Conditions(conditions, matched)


def _matching_leads(workspace_id: int, word: str, dialect: str) -> CompoundSelect[tuple[int]]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"

    def contains(column: ColumnElement[Any]) -> ColumnElement[bool]:
        if dialect != "sqlite":
            return column.ilike(pattern, escape="\\")
        if word.isascii():
            # SQLite's LIKE folds ASCII letters itself; a function per row would only cost time.
            return column.like(pattern, escape="\\")
        # Other letters ("MÜLLER") only match once both sides are lower-cased in Python.
        return lower_any(column).like(pattern.lower(), escape="\\")

    matching_contacts = select(contacts.c.id).where(
        contacts.c.workspace_id == workspace_id,
        or_(
            contains(contacts.c.email),
            contains(contacts.c.last_name),
            contains(contacts.c.first_name),
        ),
    )
    matching_accounts = select(accounts.c.id).where(
        accounts.c.workspace_id == workspace_id, contains(accounts.c.name)
    )
    in_workspace = leads.c.workspace_id == workspace_id
    return union(
        select(leads.c.id).where(in_workspace, leads.c.contact_id.in_(matching_contacts)),
        select(leads.c.id).where(in_workspace, leads.c.account_id.in_(matching_accounts)),
    )


def _ordered(expression: ColumnElement[Any], descending: bool) -> ColumnElement[Any]:
    return expression.desc() if descending else expression.asc()


def _beyond(
    keys: tuple[SortKey, ...], cursor: tuple[list[Any], int], backwards: bool
) -> ColumnElement[bool]:
    """Rows strictly after the cursor in the sort order (before it when going backwards)."""
    values, lead_id = cursor
    columns = [key.expression for key in keys] + [leads.c.id]
    descending = [key.descending for key in keys] + [keys[0].descending]
    bounds = [*values, lead_id]
    alternatives: list[ColumnElement[bool]] = []
    for index, column in enumerate(columns):
        later = descending[index] != backwards
        step = column < bounds[index] if later else column > bounds[index]
        equal = [columns[j] == bounds[j] for j in range(index)]
        alternatives.append(and_(*equal, step))
    return or_(false(), *alternatives)


def _encode(keys: tuple[SortKey, ...], row: LeadSummary) -> str:
    values = [key.read(row).isoformat() if key.is_time else key.read(row) for key in keys]
    raw = json.dumps([*values, row.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None, keys: tuple[SortKey, ...]) -> tuple[list[Any], int] | None:
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(keys) + 1:
            raise ValueError("wrong length")
        values = [
            datetime.fromisoformat(value) if key.is_time else str(value)
            for key, value in zip(keys, raw[:-1], strict=True)
        ]
        return values, int(raw[-1])
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as error:
        message = "the page link is damaged: start again from page 1"
        raise InvalidInput(message, field="page") from error


def _cell_conditions(cell: CellRange) -> list[ColumnElement[bool]]:
    """A lead without a grade counts as C and one without engagement as 0, as matrix_cell has it."""
    grade = leads.c.grade == cell.grade
    if cell.grade == "C":
        grade = or_(grade, leads.c.grade.is_(None))
    engagement = func.coalesce(leads.c.engagement_score, 0.0)
    conditions: list[ColumnElement[bool]] = [grade]
    if cell.engagement_from is not None:
        conditions.append(engagement >= cell.engagement_from)
    if cell.engagement_below is not None:
        conditions.append(engagement < cell.engagement_below)
    return conditions
