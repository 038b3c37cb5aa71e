from pathlib import Path

import pytest

from leadflow.adapters.importing.mapping_file import (
    EXAMPLE,
    MappingFileError,
    load_mapping_file,
    parse_mapping_file,
)
from leadflow.domain.errors import InvalidInput


def test_a_mapping_file_is_read_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "crm.toml"
    path.write_text(EXAMPLE, encoding="utf-8")

    mapping = load_mapping_file(path)

    assert mapping.name == "crm.toml"
    assert mapping.preset == "generic"
    assert mapping.columns == {"Ansprechpartner Vorname": "first_name", "Interne Nummer": "ignore"}
    assert mapping.values == {"stage": {"Heißer Kontakt": "mql"}, "rating": {"1": "A"}}


def test_an_empty_value_means_no_stage() -> None:
    mapping = parse_mapping_file('[values.stage]\n"Archiv" = ""\n')

    assert mapping.values == {"stage": {"Archiv": None}}


def test_broken_toml_is_reported_with_the_file_name() -> None:
    with pytest.raises(MappingFileError, match="crm.toml: not valid TOML"):
        parse_mapping_file("[columns\n", name="crm.toml")


def test_an_unknown_field_is_reported_with_the_entry_and_the_choices() -> None:
    with pytest.raises(
        MappingFileError,
        match=r'crm\.toml: \[columns\] "Vorname" = "vorname": not a leadflow field; '
        r"expected one of salutation, first_name",
    ):
        parse_mapping_file('[columns]\n"Vorname" = "vorname"\n', name="crm.toml")


def test_an_unknown_stage_is_reported_with_the_entry() -> None:
    with pytest.raises(
        MappingFileError, match=r'\[values\.stage\] "Heiß" = "hot": expected one of'
    ):
        parse_mapping_file('[values.stage]\n"Heiß" = "hot"\n')


def test_values_can_be_mapped_only_for_stage_lead_status_and_rating() -> None:
    with pytest.raises(MappingFileError, match=r"\[values\.city\]: values can be mapped for stage"):
        parse_mapping_file('[values.city]\n"Stgt" = "Stuttgart"\n')


def test_an_unknown_preset_is_reported_as_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="preset 'pipedrive' is not one of salesforce"):
        parse_mapping_file('preset = "pipedrive"\n')


def test_an_unknown_section_is_reported() -> None:
    with pytest.raises(MappingFileError, match="unknown section spalten"):
        parse_mapping_file('[spalten]\n"a" = "email"\n')


def test_a_missing_file_is_reported_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(MappingFileError, match="fehlt.toml: cannot be read"):
        load_mapping_file(tmp_path / "fehlt.toml")


def test_a_mapping_file_names_a_date_format_and_allows_id_only_rows() -> None:
    mapping = parse_mapping_file('date_format = "%Y.%m.%d"\nallow_id_only = true\n')

    assert (mapping.date_format, mapping.allow_id_only) == ("%Y.%m.%d", True)


def test_a_date_format_without_day_month_and_year_is_refused() -> None:
    with pytest.raises(MappingFileError, match="date_format 'hello' is not a date format"):
        parse_mapping_file('date_format = "hello"')
