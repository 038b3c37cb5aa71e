from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta

import pytest

from leadflow.domain.engagement import (
    DEFAULT_TOUCH_POINTS,
    EngagementSettings,
    Touch,
    TouchType,
    engagement_at,
    engagement_settings_from,
    matrix_cell,
)
from leadflow.domain.errors import InvalidInput

NOW = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
FORM_WORTH_40 = {TouchType.FORM_SUBMITTED: 40.0}


def days_ago(days: float, touch_type: TouchType = TouchType.FORM_SUBMITTED) -> Touch:
    return Touch(touch_type, NOW - timedelta(days=days), campaign_id=7)


def test_a_touch_of_today_counts_in_full() -> None:
    assert engagement_at([days_ago(0)], NOW, FORM_WORTH_40, 30) == pytest.approx(40)


def test_a_touch_one_half_life_old_counts_half() -> None:
    assert engagement_at([days_ago(30)], NOW, FORM_WORTH_40, 30) == pytest.approx(20)


def test_a_touch_two_half_lives_old_counts_a_quarter() -> None:
    assert engagement_at([days_ago(60)], NOW, FORM_WORTH_40, 30) == pytest.approx(10)


def test_a_shorter_half_life_forgets_faster() -> None:
    assert engagement_at([days_ago(30)], NOW, FORM_WORTH_40, 15) == pytest.approx(10)


def test_engagement_adds_the_decayed_points_of_all_touches() -> None:
    touches = [days_ago(0), days_ago(30), days_ago(0, TouchType.EMAIL_CLICKED)]

    total = engagement_at(touches, NOW, FORM_WORTH_40, 30)

    assert total == pytest.approx(40 + 20 + DEFAULT_TOUCH_POINTS[TouchType.EMAIL_CLICKED])


def test_engagement_at_a_past_date_ignores_the_touches_that_came_later() -> None:
    touches = [days_ago(40), days_ago(5), days_ago(1)]
    ten_days_ago = NOW - timedelta(days=10)

    then = engagement_at(touches, ten_days_ago, FORM_WORTH_40, 30)

    assert then == pytest.approx(20)
    assert engagement_at(touches, NOW, FORM_WORTH_40, 30) > then


def test_touch_types_without_a_workspace_value_use_the_default_points() -> None:
    touch = days_ago(0, TouchType.TRADE_FAIR_VISIT)

    assert engagement_at([touch], NOW, FORM_WORTH_40, 30) == DEFAULT_TOUCH_POINTS[touch.type]


def test_a_touch_without_time_zone_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        Touch(TouchType.PAGE_VISIT, datetime(2025, 11, 3, 9, 0))


def test_default_settings_have_a_half_life_of_30_days() -> None:
    settings = EngagementSettings()

    assert settings.half_life_days == 30
    assert settings.points == DEFAULT_TOUCH_POINTS


def test_settings_from_toml_override_only_what_they_name() -> None:
    text = "half_life_days = 14\nhot_from = 60\n\n[points]\nform_submitted = 50\n"

    settings = engagement_settings_from(tomllib.loads(text))

    assert settings.half_life_days == 14
    assert settings.hot_from == 60
    assert settings.warm_from == 20
    assert settings.points[TouchType.FORM_SUBMITTED] == 50
    assert settings.points[TouchType.DOWNLOAD] == DEFAULT_TOUCH_POINTS[TouchType.DOWNLOAD]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[points]\nfax_received = 5", "points.fax_received"),
        ("[points]\ndownload = -5", "points.download"),
        ("half_life_days = 0", "half_life_days"),
        ('half_life_days = "30"', "half_life_days"),
        ("hot_from = 10\nwarm_from = 20", "hot_from"),
        ("decay = 3", "decay"),
    ],
)
def test_bad_engagement_settings_are_rejected_naming_the_key(text: str, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        engagement_settings_from(tomllib.loads(text))

    assert raised.value.field == field


@pytest.mark.parametrize(
    ("grade", "engagement", "cell"),
    [
        ("A", 50.0, "A1"),
        ("A", 49.9, "A2"),
        ("B", 20.0, "B2"),
        ("B", 19.9, "B3"),
        ("c", 80.0, "C1"),
        (None, 80.0, "C1"),
        ("D", 0.0, "D3"),
    ],
)
def test_matrix_cell_combines_grade_and_engagement_band(
    grade: str | None, engagement: float, cell: str
) -> None:
    assert matrix_cell(grade, engagement, EngagementSettings()) == cell


def test_matrix_cell_follows_the_workspace_band_thresholds() -> None:
    settings = EngagementSettings(hot_from=80, warm_from=40)

    assert matrix_cell("A", 60, settings) == "A2"


def test_matrix_cell_rejects_an_unknown_grade() -> None:
    with pytest.raises(InvalidInput):
        matrix_cell("E", 10, EngagementSettings())
