from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from leadflow.adapters.importing.values import (
    clean,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_integer,
    parse_number,
    parse_size,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("1234", Decimal("1234")),
        ("12,5 %", Decimal("12.5")),
        ("1.234.567", Decimal("1234567")),
        ("2.500.000,00 EUR", Decimal("2500000.00")),
        ("€ 1.500", Decimal("1500")),
        ("-3,5", Decimal("-3.5")),
        ("0,5", Decimal("0.5")),
        ("1.5E7", Decimal("15000000")),
    ],
)
def test_numbers_are_read_in_german_and_english_notation(text: str, expected: Decimal) -> None:
    assert parse_number(text) == expected


def test_a_single_group_of_three_is_a_thousands_group_for_german_files_only() -> None:
    german = parse_number("1.234", decimal_comma=True)

    english = parse_number("1.234", decimal_comma=False)

    assert (german, english) == (Decimal("1234"), Decimal("1.234"))


@pytest.mark.parametrize("text", ["", "   ", "Select", "select", "NULL", "-"])
def test_empty_cells_and_placeholders_mean_no_value(text: str) -> None:
    assert clean(text) is None
    assert parse_number(text) is None
    assert parse_datetime(text) is None
    assert parse_bool(text) is None


def test_a_number_that_is_not_one_says_what_was_expected() -> None:
    with pytest.raises(ValueError, match=r"'1\.2\.3,4' is not a number; expected e\.g\. 1234"):
        parse_number("1.2.3,4")


def test_a_whole_number_refuses_a_fraction() -> None:
    assert parse_integer("1.250") == 1250
    with pytest.raises(ValueError, match="not a whole number"):
        parse_integer("12,5")


@pytest.mark.parametrize(
    ("text", "expected"), [("250", 250), ("50-199", 50), ("1.000 - 4.999", 1000), ("1000+", 1000)]
)
def test_a_head_count_may_be_a_range_and_keeps_its_lower_bound(text: str, expected: int) -> None:
    assert parse_size(text) == expected


def test_a_head_count_that_is_not_one_says_what_was_expected() -> None:
    with pytest.raises(ValueError, match="expected a number of employees such as 250, 50-199"):
        parse_size("viele")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.12.2025", datetime(2025, 12, 31, tzinfo=UTC)),
        ("1.5.23", datetime(2023, 5, 1, tzinfo=UTC)),
        ("01.05.2023, 10:30", datetime(2023, 5, 1, 10, 30, tzinfo=UTC)),
        ("2023-05-01", datetime(2023, 5, 1, tzinfo=UTC)),
        ("2023-05-01T10:00:00Z", datetime(2023, 5, 1, 10, tzinfo=UTC)),
        ("2023-05-01T10:00:00.000+0000", datetime(2023, 5, 1, 10, tzinfo=UTC)),
        ("2023-05-01 10:00", datetime(2023, 5, 1, 10, tzinfo=UTC)),
        ("2023-05-01 10:00:00", datetime(2023, 5, 1, 10, tzinfo=UTC)),
        ("2018.02.01", datetime(2018, 2, 1, tzinfo=UTC)),
        ("2018.02.01 10:15", datetime(2018, 2, 1, 10, 15, tzinfo=UTC)),
        ("01/02/2018", datetime(2018, 2, 1, tzinfo=UTC)),
        ("01-02-2018", datetime(2018, 2, 1, tzinfo=UTC)),
        ("2018/02/01", datetime(2018, 2, 1, tzinfo=UTC)),
        ("01.02.18", datetime(2018, 2, 1, tzinfo=UTC)),
        ("2018-02-01T10:00:00+01:00", datetime(2018, 2, 1, 9, tzinfo=UTC)),
    ],
)
def test_dates_are_read_in_german_iso_salesforce_and_hubspot_forms(
    text: str, expected: datetime
) -> None:
    assert parse_datetime(text) == expected


def test_a_time_without_offset_is_read_in_the_given_time_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")

    parsed = parse_datetime("01.07.2024 12:00", tz=berlin)

    assert parsed == datetime(2024, 7, 1, 10, 0, tzinfo=UTC)


def test_an_offset_in_the_value_wins_over_the_given_time_zone() -> None:
    parsed = parse_datetime("2023-05-01T10:00:00.000+0200", tz=UTC)

    assert parsed == datetime(2023, 5, 1, 8, 0, tzinfo=UTC)


def test_a_calendar_date_drops_the_time() -> None:
    assert parse_date("31.12.2025 23:59") == date(2025, 12, 31)


@pytest.mark.parametrize("text", ["31.02.2025", "5/13/2023", "gestern"])
def test_a_date_that_is_not_one_lists_the_accepted_formats(text: str) -> None:
    with pytest.raises(ValueError, match=f"'{text}' is not a date; expected DD.MM.YYYY"):
        parse_datetime(text)


@pytest.mark.parametrize("text", ["true", "TRUE", "1", "ja", "Yes", "x", "X"])
def test_yes_values_are_true(text: str) -> None:
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["false", "0", "nein", "No"])
def test_no_values_are_false(text: str) -> None:
    assert parse_bool(text) is False


def test_a_yes_no_value_that_is_neither_says_what_was_expected() -> None:
    with pytest.raises(ValueError, match="'vielleicht' is not a yes/no value; expected true/false"):
        parse_bool("vielleicht")


def test_a_date_format_wins_over_guessing_and_iso_dates_still_read() -> None:
    assert parse_datetime("02/01/2018", date_format="%m/%d/%Y") == datetime(2018, 2, 1, tzinfo=UTC)
    assert parse_datetime("2018-02-01", date_format="%m/%d/%Y") == datetime(2018, 2, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="'31/12/2018' is not a date in the format %m/%d/%Y"):
        parse_datetime("31/12/2018", date_format="%m/%d/%Y")


def test_a_date_that_reads_only_as_month_first_names_the_date_format_to_set() -> None:
    with pytest.raises(ValueError, match='date_format = "%m/%d/%Y"'):
        parse_datetime("12/31/2018")
