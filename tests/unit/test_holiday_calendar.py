from __future__ import annotations

from datetime import date

import pytest

from leadflow.adapters.holiday_calendar import BUNDESLAENDER, german_holidays
from leadflow.domain.errors import InvalidInput

EPIPHANY = date(2026, 1, 6)
UNITY_DAY = date(2026, 10, 3)
REFORMATION_DAY = date(2026, 10, 31)


def test_nationwide_holidays_include_german_unity_day_but_not_regional_ones() -> None:
    days = german_holidays(None, [2026])

    assert UNITY_DAY in days
    assert EPIPHANY not in days


def test_bavaria_adds_epiphany_and_north_rhine_westphalia_does_not() -> None:
    assert EPIPHANY in german_holidays("BY", [2026])
    assert EPIPHANY not in german_holidays("NW", [2026])


def test_the_state_code_may_be_written_in_lower_case() -> None:
    assert REFORMATION_DAY in german_holidays("sn", [2026])


def test_holidays_cover_every_year_asked_for() -> None:
    days = german_holidays("BW", [2025, 2026])

    assert {date(2025, 1, 6), EPIPHANY} <= days


def test_all_sixteen_states_are_known() -> None:
    assert len(BUNDESLAENDER) == 16
    for code in BUNDESLAENDER:
        assert UNITY_DAY in german_holidays(code, [2026])


def test_an_unknown_state_code_is_rejected_with_the_valid_codes() -> None:
    with pytest.raises(InvalidInput) as raised:
        german_holidays("Bayern", [2026])

    assert "unknown Bundesland 'Bayern'" in str(raised.value)
    assert "BY" in str(raised.value)
    assert raised.value.field == "state"
