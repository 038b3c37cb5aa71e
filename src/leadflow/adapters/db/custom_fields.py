"""A workspace's custom field definitions, its leads' values of them, and the list filter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import custom_fields, leads
from leadflow.domain.custom_fields import FieldCondition, FieldDefinition, FieldType, FieldValue
from leadflow.domain.errors import Conflict, NotFound

BATCH = 500


def definition_from_row(row: Any) -> FieldDefinition:
    return FieldDefinition(
        key=row.key,
        type=FieldType(row.type),
        label_de=row.label_de,
        label_en=row.label_en,
        choices=tuple(row.choices or ()),
    )


@dataclass(frozen=True)
class StoredValues:
    """One lead's extras and custom field values, as read for a change of both."""

    lead_id: int
    version: int
    extras: dict[str, str]
    custom_fields: dict[str, FieldValue]


class CustomFieldRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def all(self) -> list[FieldDefinition]:
        rows = self.connection.execute(
            select(custom_fields)
            .where(custom_fields.c.workspace_id == self.workspace_id)
            .order_by(custom_fields.c.key)
        )
        return [definition_from_row(row) for row in rows]

    def by_key(self) -> dict[str, FieldDefinition]:
        return {definition.key: definition for definition in self.all()}

    def get(self, key: str) -> FieldDefinition:
        row = self.connection.execute(
            select(custom_fields).where(
                custom_fields.c.workspace_id == self.workspace_id, custom_fields.c.key == key
            )
        ).first()
        if row is None:
            raise NotFound("custom field", key)
        return definition_from_row(row)

    def add(self, definition: FieldDefinition, now: datetime) -> None:
        if definition.key in self.by_key():
            raise Conflict(f"field {definition.key}: a custom field with this key exists")
        self.connection.execute(
            insert(custom_fields).values(
                workspace_id=self.workspace_id,
                key=definition.key,
                type=definition.type.value,
                label_de=definition.label_de,
                label_en=definition.label_en,
                choices=list(definition.choices) or None,
                created_at=now,
            )
        )

    def remove(self, key: str) -> None:
        self.get(key)
        self.connection.execute(
            delete(custom_fields).where(
                custom_fields.c.workspace_id == self.workspace_id, custom_fields.c.key == key
            )
        )

    def stored_values(self) -> Iterator[StoredValues]:
        """Every lead of the workspace that has extras or custom field values, by id."""
        after = 0
        while True:
            rows = self.connection.execute(
                select(leads.c.id, leads.c.version, leads.c.extras, leads.c.custom_fields)
                .where(leads.c.workspace_id == self.workspace_id, leads.c.id > after)
                .order_by(leads.c.id)
                .limit(BATCH)
            ).all()
            for row in rows:
                if row.extras or row.custom_fields:
                    yield StoredValues(
                        row.id, row.version, dict(row.extras or {}), dict(row.custom_fields or {})
                    )
            if len(rows) < BATCH:
                return
            after = rows[-1].id

    def write_values(self, stored: StoredValues, now: datetime) -> None:
        """Store a lead's changed extras and values as a new version of the lead."""
        self.connection.execute(
            update(leads)
            .where(leads.c.workspace_id == self.workspace_id, leads.c.id == stored.lead_id)
            .values(
                extras=stored.extras,
                custom_fields=stored.custom_fields,
                version=leads.c.version + 1,
                updated_at=now,
            )
        )


def field_matches(condition: FieldCondition) -> ColumnElement[bool]:
    """The lead's stored value of the field equals the condition's typed value."""
    value = leads.c.custom_fields[condition.definition.key]
    match: ColumnElement[bool]
    if condition.definition.type is FieldType.NUMBER:
        match = value.as_float() == float(condition.value)
    elif condition.definition.type is FieldType.BOOLEAN:
        match = value.as_boolean() == bool(condition.value)
    else:
        match = value.as_string() == str(condition.value)
    return match
