"""Which closed leads teach the models what: outcomes per target and the workspace settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow.domain.errors import InvalidInput
from leadflow.domain.predictive_history import PredictiveSettings, Target, outcome
from leadflow.domain.stages import Stage

NOW = datetime(2026, 3, 2, tzinfo=UTC)
DEFAULTS = PredictiveSettings()


def _outcome(
    target: Target, stage: Stage, reached: set[Stage] | None = None, days_in_stage: int = 1
) -> bool | None:
    return outcome(
        target,
        stage=stage,
        reached=reached or {stage},
        stage_entered_at=NOW - timedelta(days=days_in_stage),
        now=NOW,
        settings=DEFAULTS,
    )


def test_a_lead_that_reached_sql_is_a_success_for_sql_even_when_later_lost() -> None:
    assert _outcome(Target.SQL, Stage.LOST, {Stage.MQL, Stage.SQL, Stage.LOST}) is True


def test_a_lost_lead_is_a_failure_for_won() -> None:
    assert _outcome(Target.WON, Stage.LOST, {Stage.MQL, Stage.SQL, Stage.LOST}) is False


def test_a_won_lead_counts_as_having_reached_sql_even_without_sql_in_its_log() -> None:
    assert _outcome(Target.SQL, Stage.WON, {Stage.WON}) is True
    assert _outcome(Target.WON, Stage.WON, {Stage.WON}) is True


def test_a_disqualified_lead_is_a_failure_for_both_targets() -> None:
    assert _outcome(Target.SQL, Stage.DISQUALIFIED) is False
    assert _outcome(Target.WON, Stage.DISQUALIFIED) is False


def test_a_lead_in_nurture_counts_as_lost_only_after_the_set_age() -> None:
    assert _outcome(Target.SQL, Stage.NURTURE, days_in_stage=89) is None
    assert _outcome(Target.SQL, Stage.NURTURE, days_in_stage=90) is False


def test_open_leads_teach_nothing_yet() -> None:
    assert _outcome(Target.SQL, Stage.MQL) is None
    assert _outcome(Target.WON, Stage.SQL, {Stage.MQL, Stage.SQL}) is None


def test_settings_come_from_the_workspace_config_or_default() -> None:
    stored = {"predictive": {"nurture_days": 120, "exclude": ["Budget band"]}}

    assert PredictiveSettings.from_config(stored) == PredictiveSettings(120, ("Budget band",))
    assert PredictiveSettings.from_config({}) == PredictiveSettings(90, ())
    assert PredictiveSettings.from_config(stored).to_config() == {
        **stored["predictive"],
        "pool": False,
    }
    shared = {"predictive": {"nurture_days": 30, "exclude": [], "pool": True}}
    assert PredictiveSettings.from_config(shared).pool is True


@pytest.mark.parametrize("days", [0, -5, 4000])
def test_a_nurture_age_outside_one_day_to_ten_years_is_refused(days: int) -> None:
    with pytest.raises(InvalidInput, match="nurture age"):
        PredictiveSettings(nurture_days=days)
