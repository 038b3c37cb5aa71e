from __future__ import annotations

from leadflow.domain.mql_threshold import MqlThreshold, crosses_mql_threshold, decide_auto_mql
from leadflow.domain.stages import Stage

THRESHOLD = MqlThreshold(min_fit=40, min_engagement=30)


def test_a_lead_crosses_the_threshold_only_when_fit_and_engagement_both_reach_it() -> None:
    assert crosses_mql_threshold(THRESHOLD, 40, 30.0)
    assert not crosses_mql_threshold(THRESHOLD, 39, 90.0)
    assert not crosses_mql_threshold(THRESHOLD, 90, 29.9)


def test_a_prospect_over_the_threshold_moves_to_mql_with_the_figures_as_reason() -> None:
    decision = decide_auto_mql(Stage.PROSPECT, THRESHOLD, 42, 31.5)

    assert decision.move
    assert decision.reason == "fit 42 >= 40 and engagement 31.5 >= 30"


def test_a_nurture_lead_under_the_threshold_stays_and_the_reason_says_what_fell_short() -> None:
    decision = decide_auto_mql(Stage.NURTURE, THRESHOLD, 42, 12.5)

    assert not decision.move
    assert decision.reason == "fit 42 >= 40 and engagement 12.5 < 30"


def test_a_form_that_asks_for_contact_moves_a_prospect_regardless_of_scores() -> None:
    decision = decide_auto_mql(Stage.PROSPECT, THRESHOLD, 0, 0.0, form_asks_for_contact=True)

    assert decision.move
    assert decision.reason == "form asks for contact"


def test_a_new_lead_without_a_stage_may_enter_as_mql() -> None:
    assert decide_auto_mql(None, THRESHOLD, 50, 50.0).move


def test_a_lead_already_with_sales_never_moves_back_to_mql_automatically() -> None:
    decision = decide_auto_mql(Stage.SAL, THRESHOLD, 99, 99.0, form_asks_for_contact=True)

    assert not decision.move
    assert "sal" in decision.reason
