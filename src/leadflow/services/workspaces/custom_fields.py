"""Custom fields: admins define typed fields, extras are promoted to them, leads carry values."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.custom_fields import (
    FieldCondition,
    FieldDefinition,
    FieldValue,
    apply_values,
    check_values,
)
from leadflow.domain.errors import InvalidInput
from leadflow.domain.lead import LeadDetails
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor


@dataclass(frozen=True)
class Unconverted:
    """An extra value that did not fit the field's type: it stays an extra."""

    lead_id: int
    value: str
    reason: str


@dataclass(frozen=True)
class Promotion:
    """What defining a field did to the extras of the same (or the named) key."""

    definition: FieldDefinition
    from_extra: str
    converted: int = 0
    kept: list[Unconverted] = field(default_factory=list)


def list_fields(uow: UnitOfWork) -> list[FieldDefinition]:
    """The workspace's custom fields by key."""
    return uow.fields.all()


def define_field(
    uow: UnitOfWork,
    definition: FieldDefinition,
    *,
    by: Principal,
    now: datetime,
    from_extra: str | None = None,
) -> Promotion:
    """Add a custom field (admins only) and promote every lead's extra of the same key (or of
    `from_extra`) to it; a value that does not convert stays an extra and is reported."""
    by.require()
    uow.fields.add(definition, now)
    extra_key = from_extra or definition.key
    converted, kept = 0, []
    for stored in uow.fields.stored_values():
        raw = stored.extras.get(extra_key)
        if raw is None or definition.key in stored.custom_fields:
            continue
        try:
            value = definition.convert(raw)
        except InvalidInput as error:
            kept.append(Unconverted(stored.lead_id, raw, str(error)))
            continue
        extras = {key: text for key, text in stored.extras.items() if key != extra_key}
        values = {**stored.custom_fields, definition.key: value}
        uow.fields.write_values(replace(stored, extras=extras, custom_fields=values), now)
        converted += 1
    return Promotion(definition, extra_key, converted, kept)


def remove_field(uow: UnitOfWork, key: str, *, by: Principal, now: datetime) -> int:
    """Remove a custom field (admins only); its values go back to the leads' extras as text,
    so nothing is lost. Returns how many leads had a value."""
    by.require()
    uow.fields.remove(key)
    demoted = 0
    for stored in uow.fields.stored_values():
        if key not in stored.custom_fields:
            continue
        values = dict(stored.custom_fields)
        text = _as_text(values.pop(key))
        extra_key = key if key not in stored.extras else f"{key}_field"
        extras = {**stored.extras, extra_key: text}
        uow.fields.write_values(replace(stored, extras=extras, custom_fields=values), now)
        demoted += 1
    return demoted


def set_values(
    uow: UnitOfWork,
    lead_id: int,
    values: dict[str, object],
    *,
    by: Principal,
    now: datetime,
    expected_version: int | None = None,
) -> LeadDetails:
    """Set or clear (None) a lead's custom field values, each checked against its type."""
    by.require(Actor.MARKETING, Actor.SALES)
    lead = uow.leads.get(lead_id)
    lead.check_version(expected_version)
    checked = check_values(uow.fields.by_key(), values)
    read_version = lead.version
    lead.custom_fields = apply_values(lead.custom_fields, checked)
    lead.version += 1
    uow.leads.save(lead, read_version=read_version, now=now)
    return uow.leads.details(lead_id)


def checked_values(uow: UnitOfWork, values: dict[str, object]) -> dict[str, FieldValue]:
    """A new lead's values, checked against the workspace's fields."""
    if not values:
        return {}
    return apply_values({}, check_values(uow.fields.by_key(), values))


def fill_empty(
    uow: UnitOfWork, lead_id: int, values: dict[str, FieldValue], *, now: datetime
) -> None:
    """A matched lead takes the values it has none of yet; values it has stay."""
    lead = uow.leads.get(lead_id)
    missing = {key: value for key, value in values.items() if key not in lead.custom_fields}
    if not missing:
        return
    read_version = lead.version
    lead.custom_fields = {**lead.custom_fields, **missing}
    lead.version += 1
    uow.leads.save(lead, read_version=read_version, now=now)


def conditions(uow: UnitOfWork, asked: list[tuple[str, str]]) -> tuple[FieldCondition, ...]:
    """List filters from (key, value) pairs, each value typed by its field; InvalidInput names
    a key the workspace has no field for, or a value that does not fit."""
    definitions = uow.fields.by_key()
    found = []
    for key, value in asked:
        definition = definitions.get(key)
        if definition is None:
            raise InvalidInput(f"field {key}: no such custom field", field=f"field.{key}")
        found.append(FieldCondition(definition, definition.convert(value)))
    return tuple(found)


def _as_text(value: FieldValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
