"""Custom fields: typed fields a workspace defines for its leads, and how values become typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from leadflow.domain.errors import InvalidInput

FieldValue = str | int | float | bool
"""A stored value: text and choices as text, numbers as numbers, dates as ISO text."""

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,64}$")
MAX_TEXT = 1000
_TRUE = {"true", "1", "yes", "y", "ja", "j", "wahr", "x"}
_FALSE = {"false", "0", "no", "n", "nein", "falsch"}


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"


@dataclass(frozen=True)
class FieldDefinition:
    key: str
    type: FieldType
    label_de: str
    label_en: str
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not KEY_PATTERN.match(self.key):
            raise InvalidInput(
                f"field key {self.key!r}: use 1 to 64 letters, digits or underscores", field="key"
            )
        if self.type is FieldType.CHOICE and not self.choices:
            raise InvalidInput(f"field {self.key}: a choice field needs choices", field="choices")
        if self.type is not FieldType.CHOICE and self.choices:
            raise InvalidInput(
                f"field {self.key}: only a choice field has choices", field="choices"
            )

    def label(self, locale: str) -> str:
        return self.label_de if locale == "de" else self.label_en

    def convert(self, raw: object) -> FieldValue:
        """The typed value of raw input (JSON or text), or InvalidInput naming the field."""
        try:
            return _CONVERTERS[self.type](self, raw)
        except (ValueError, TypeError) as error:
            raise InvalidInput(
                f"field {self.key}: {raw!r} is not a valid {self.type.value} ({error})",
                field=f"custom_fields.{self.key}",
            ) from None


@dataclass(frozen=True)
class FieldCondition:
    """A list filter: the lead's value of this field equals the (typed) value."""

    definition: FieldDefinition
    value: FieldValue


def check_values(
    definitions: dict[str, FieldDefinition], values: dict[str, object]
) -> dict[str, FieldValue | None]:
    """Typed values by key; None clears a field. Unknown keys are refused by name."""
    checked: dict[str, FieldValue | None] = {}
    for key, raw in values.items():
        definition = definitions.get(key)
        if definition is None:
            raise InvalidInput(f"field {key}: no such custom field", field=f"custom_fields.{key}")
        checked[key] = None if raw is None else definition.convert(raw)
    return checked


def apply_values(
    current: dict[str, FieldValue], changes: dict[str, FieldValue | None]
) -> dict[str, FieldValue]:
    merged = {**current, **changes}
    return {key: value for key, value in merged.items() if value is not None}


def _text(definition: FieldDefinition, raw: object) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise TypeError("expected text")
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"longer than {MAX_TEXT} characters")
    return text


def _number(definition: FieldDefinition, raw: object) -> int | float:
    if isinstance(raw, bool):
        raise TypeError("expected a number")
    if isinstance(raw, int | float):
        return raw
    if not isinstance(raw, str):
        raise TypeError("expected a number")
    text = raw.strip().replace(" ", "")
    if "," in text:
        # German notation: "1.234,56" and "12,5".
        text = text.replace(".", "").replace(",", ".")
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    return int(number) if number.is_integer() and "." not in text else number


def _date(definition: FieldDefinition, raw: object) -> str:
    if not isinstance(raw, str):
        raise TypeError("expected a date as YYYY-MM-DD or DD.MM.YYYY")
    text = raw.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return date.fromisoformat(text).isoformat()


def _boolean(definition: FieldDefinition, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower() if isinstance(raw, str | int) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("expected true or false")


def _choice(definition: FieldDefinition, raw: object) -> str:
    text = _text(definition, raw)
    for choice in definition.choices:
        if choice.casefold() == text.casefold():
            return choice
    raise ValueError("expected one of " + ", ".join(definition.choices))


_CONVERTERS = {
    FieldType.TEXT: _text,
    FieldType.NUMBER: _number,
    FieldType.DATE: _date,
    FieldType.BOOLEAN: _boolean,
    FieldType.CHOICE: _choice,
}
