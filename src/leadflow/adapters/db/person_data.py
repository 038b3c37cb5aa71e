"""Everything stored about one person, found through the schema itself.

A row belongs to a person when it hangs off their contact row through ON DELETE CASCADE foreign
keys (leads, stage log, activities, consent records, touches, ... and whatever tables are added
later). Rows elsewhere that merely mention the person (outbox payloads, import rejects, cached
API answers) are found by their e-mail address, name or phone number and redacted in place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, ColumnElement, String, Table, Text, cast, delete, func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import contacts, metadata

ERASED = "[erased]"
# Tables whose every row describes one person (a rejected import row, the cached answer to one
# lead request): a row that mentions the person is deleted whole, not redacted.
ONE_PERSON_PER_ROW = frozenset({"import_rejects", "idempotency_keys"})


@dataclass(frozen=True)
class Link:
    """A cascading foreign key from a child column to a parent column."""

    column: str
    parent: str
    parent_column: str


def owned_tables(root: Table = contacts) -> list[tuple[Table, list[Link]]]:
    """Tables whose rows belong to a root row through cascading foreign keys, parents first."""
    owned = {root.name}
    found: list[tuple[Table, list[Link]]] = []
    for table in metadata.sorted_tables:
        if table.name in owned:
            continue
        links = [
            Link(fk.parent.name, fk.column.table.name, fk.column.name)
            for fk in table.foreign_keys
            if fk.ondelete and fk.ondelete.upper() == "CASCADE" and fk.column.table.name in owned
        ]
        if links:
            owned.add(table.name)
            found.append((table, links))
    return found


@dataclass
class PersonRows:
    """The rows of a person, table by table, and how to find them again."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    conditions: dict[str, ColumnElement[bool]] = field(default_factory=dict)

    def values(self, table: str, column: str) -> list[Any]:
        return [row[column] for row in self.rows.get(table, []) if row[column] is not None]

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items() if rows}


def collect(connection: Connection, workspace_id: int, contact_ids: Sequence[int]) -> PersonRows:
    """The rows of these contacts in one workspace, in every table that belongs to them."""
    found = PersonRows()
    root = (contacts.c.workspace_id == workspace_id) & contacts.c.id.in_(list(contact_ids))
    _select(connection, found, contacts, root)
    for table, links in owned_tables():
        matches = [
            table.c[link.column].in_(found.values(link.parent, link.parent_column))
            for link in links
            if found.values(link.parent, link.parent_column)
        ]
        if not matches:
            continue
        condition = or_(*matches)
        if "workspace_id" in table.c:
            condition = condition & (table.c.workspace_id == workspace_id)
        _select(connection, found, table, condition)
    return found


def _select(
    connection: Connection, found: PersonRows, table: Table, condition: ColumnElement[bool]
) -> None:
    rows = [dict(row._mapping) for row in connection.execute(select(table).where(condition))]
    found.rows[table.name] = rows
    found.conditions[table.name] = condition


def delete_rows(connection: Connection, found: PersonRows) -> dict[str, int]:
    """Delete what `collect` found, children before parents."""
    deleted: dict[str, int] = {}
    for table in reversed(metadata.sorted_tables):
        condition = found.conditions.get(table.name)
        if condition is None or not found.rows.get(table.name):
            continue
        deleted[table.name] = connection.execute(delete(table).where(condition)).rowcount
    return deleted


@dataclass(frozen=True)
class Needles:
    """What identifies a person in free text: `strong` finds rows, `weak` is only redacted in
    rows already found (a first name alone would hit other people)."""

    strong: tuple[str, ...]
    weak: tuple[str, ...] = ()

    def patterns(self) -> list[str]:
        variants: set[str] = set()
        for needle in self.strong:
            variants.add(needle.lower())
            variants.add(json.dumps(needle)[1:-1].lower())
        return sorted(v for v in variants if v)

    def redact(self, text: str) -> str:
        for needle in sorted({*self.strong, *self.weak}, key=len, reverse=True):
            if needle:
                text = re.sub(re.escape(needle), ERASED, text, flags=re.IGNORECASE)
        return text


def text_columns(table: Table) -> list[str]:
    return [
        column.name
        for column in table.columns
        if isinstance(column.type, String | Text | JSON) and not column.primary_key
    ]


def mentions(
    connection: Connection, workspace_id: int, needles: Needles, *, skip: Iterable[str] = ()
) -> dict[str, list[dict[str, Any]]]:
    """Rows of the workspace that mention the person in a text or JSON column."""
    patterns = needles.patterns()
    skipped = set(skip)
    found: dict[str, list[dict[str, Any]]] = {}
    for table in metadata.sorted_tables:
        columns = text_columns(table)
        if table.name in skipped or "workspace_id" not in table.c or not columns or not patterns:
            continue
        matches = [
            func.lower(cast(table.c[name], Text)).like(f"%{_escape(p)}%", escape="\\")
            for name in columns
            for p in patterns
        ]
        rows = connection.execute(
            select(table).where(table.c.workspace_id == workspace_id, or_(*matches))
        )
        hits = [dict(row._mapping) for row in rows]
        if hits:
            found[table.name] = hits
    return found


def redact_rows(
    connection: Connection, rows_by_table: dict[str, list[dict[str, Any]]], needles: Needles
) -> tuple[dict[str, int], dict[str, int]]:
    """Replace the person's identifiers in these rows by `[erased]`, or delete rows of tables
    that hold one person per row; returns (redacted, deleted) counts per table."""
    redacted: dict[str, int] = {}
    deleted: dict[str, int] = {}
    for name, rows in rows_by_table.items():
        table = metadata.tables[name]
        keys = [column.name for column in table.primary_key.columns]
        for row in rows:
            where = [table.c[key] == row[key] for key in keys]
            if name in ONE_PERSON_PER_ROW:
                connection.execute(delete(table).where(*where))
                deleted[name] = deleted.get(name, 0) + 1
                continue
            values = {
                column: _redacted(row[column], needles)
                for column in text_columns(table)
                if row[column] is not None
            }
            values = {k: v for k, v in values.items() if v != row[k]}
            if values:
                connection.execute(sql_update(table).where(*where).values(**values))
                redacted[name] = redacted.get(name, 0) + 1
    return redacted, deleted


def _redacted(value: Any, needles: Needles) -> Any:
    if isinstance(value, str):
        return needles.redact(value)
    if isinstance(value, list):
        return [_redacted(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: _redacted(item, needles) for key, item in value.items()}
    return value


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
