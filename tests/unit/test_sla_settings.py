from __future__ import annotations

from datetime import date, time

import pytest

from leadflow.domain.errors import InvalidInput
from leadflow.domain.sla_settings import DEFAULT_HOURS, SlaSettings, parse_sla_settings


def test_an_empty_document_gives_the_defaults() -> None:
    assert parse_sla_settings("") == SlaSettings()
    assert SlaSettings().hours == DEFAULT_HOURS


def test_every_setting_is_read() -> None:
    settings = parse_sla_settings(
        """
        accept_within_hours = 4
        recycle_after_hours = 24.5
        due_soon_hours = 1
        auto_recycle = true
        bundesland = "by"
        time_zone = "Europe/Vienna"
        extra_holidays = [2026-12-24, "2026-12-31"]
        escalate_to = [7, 9]
        [hours]
        mon = ["07:30", "16:00"]
        sat = ["09:00", "12:00"]
        """
    )

    assert (settings.policy.accept_within_hours, settings.policy.recycle_after_hours) == (4, 24.5)
    assert (settings.bundesland, settings.time_zone, settings.auto_recycle) == (
        "BY",
        "Europe/Vienna",
        True,
    )
    assert settings.hours == {0: (time(7, 30), time(16)), 5: (time(9), time(12))}
    assert settings.extra_holidays == {date(2026, 12, 24), date(2026, 12, 31)}
    assert settings.escalate_to == (7, 9)


@pytest.mark.parametrize(
    ("toml", "field"),
    [
        ("accept_within = 8", "accept_within"),
        ('accept_within_hours = "acht"', "accept_within_hours"),
        ("accept_within_hours = 8\nrecycle_after_hours = 4", "recycle_after_hours"),
        ('[hours]\nmonday = ["08:00", "17:00"]', "hours.monday"),
        ('[hours]\nmon = ["8 Uhr", "17:00"]', "hours.mon"),
        ('[hours]\nmon = ["17:00", "08:00"]', "hours"),
        ('bundesland = "Bayern"', "bundesland"),
        ("extra_holidays = [2026-12-24T10:00:00]", "extra_holidays"),
        ('escalate_to = ["chef@firma.de"]', "escalate_to"),
        ('time_zone = "Mars/Olympus"', "time_zone"),
        ("auto_recycle = 1", "auto_recycle"),
    ],
)
def test_a_wrong_setting_is_refused_naming_it(toml: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_sla_settings(toml)

    assert refused.value.field == field
