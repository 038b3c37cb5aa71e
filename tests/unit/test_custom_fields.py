"""Custom field values: what converts to each type, and what is refused with the field named."""

from __future__ import annotations

import pytest

from leadflow.domain.custom_fields import FieldDefinition, FieldType, check_values
from leadflow.domain.errors import InvalidInput


def _field(kind: FieldType, *choices: str) -> FieldDefinition:
    return FieldDefinition("f", kind, "Feld", "Field", choices)


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        (FieldType.NUMBER, "1.234,56", 1234.56),
        (FieldType.NUMBER, "12", 12),
        (FieldType.NUMBER, 7.5, 7.5),
        (FieldType.DATE, "31.12.2025", "2025-12-31"),
        (FieldType.DATE, "2026-03-02", "2026-03-02"),
        (FieldType.BOOLEAN, "Ja", True),
        (FieldType.BOOLEAN, "0", False),
        (FieldType.TEXT, "  Halle 3 ", "Halle 3"),
    ],
)
def test_a_value_converts_to_its_fields_type(kind: FieldType, raw: object, stored: object) -> None:
    assert _field(kind).convert(raw) == stored


def test_a_choice_is_stored_as_the_defined_spelling() -> None:
    assert _field(FieldType.CHOICE, "Small", "Large").convert("large") == "Large"


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (FieldType.NUMBER, "viel"),
        (FieldType.NUMBER, True),
        (FieldType.DATE, "31.02.2026"),
        (FieldType.BOOLEAN, "vielleicht"),
        (FieldType.TEXT, ["a"]),
    ],
)
def test_a_value_that_does_not_fit_is_refused_naming_the_field(
    kind: FieldType, raw: object
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _field(kind).convert(raw)

    assert refused.value.field == "custom_fields.f"


def test_an_unknown_key_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput, match="colour"):
        check_values({}, {"colour": "red"})


def test_a_choice_field_needs_choices_and_a_key_needs_a_plain_name() -> None:
    with pytest.raises(InvalidInput):
        _field(FieldType.CHOICE)
    with pytest.raises(InvalidInput):
        FieldDefinition("no spaces", FieldType.TEXT, "a", "b")
