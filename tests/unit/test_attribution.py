"""First-touch, last-touch and linear attribution of conversions to campaigns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from leadflow.domain.attribution import OUTCOMES, Model, Touch, attribute
from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


FAIR, WEBINAR, ADS = 1, 2, 3


def test_each_model_credits_the_campaigns_that_touched_the_lead_before_it_converted() -> None:
    entries = [
        LogEntry(7, None, Stage.PROSPECT, day(0)),
        LogEntry(7, Stage.PROSPECT, Stage.MQL, day(5)),
        LogEntry(7, Stage.MQL, Stage.SAL, day(6)),
        LogEntry(7, Stage.SAL, Stage.SQL, day(20)),
    ]
    touches = [
        Touch(7, FAIR, day(0)),
        Touch(7, WEBINAR, day(4)),
        Touch(7, ADS, day(10)),  # after the MQL, before the SQL
        Touch(7, FAIR, day(30)),  # after everything: counts for nothing
    ]

    credits = attribute(entries, touches)

    assert credits[FAIR][Model.FIRST_TOUCH] == {Stage.MQL: 1.0, Stage.SQL: 1.0, Stage.WON: 0.0}
    assert credits[WEBINAR][Model.LAST_TOUCH][Stage.MQL] == 1.0
    assert credits[ADS][Model.LAST_TOUCH][Stage.SQL] == 1.0
    assert credits[FAIR][Model.LINEAR][Stage.MQL] == 0.5
    assert credits[WEBINAR][Model.LINEAR][Stage.MQL] == 0.5
    assert credits[ADS][Model.LINEAR][Stage.SQL] == 1 / 3


def test_a_conversion_without_a_touch_goes_to_no_campaign() -> None:
    credits = attribute([LogEntry(1, None, Stage.MQL, day(1))], [Touch(1, FAIR, day(3))])

    assert credits[None][Model.FIRST_TOUCH][Stage.MQL] == 1.0
    assert FAIR not in credits


def test_only_conversions_in_the_period_count_and_a_recycled_lead_converts_once() -> None:
    entries = [
        LogEntry(1, None, Stage.MQL, day(1)),
        LogEntry(1, Stage.MQL, Stage.NURTURE, day(2), "not_now"),
        LogEntry(1, Stage.NURTURE, Stage.MQL, day(40)),
    ]
    touches = [Touch(1, FAIR, day(0)), Touch(1, ADS, day(39))]

    january = attribute(entries, touches, end=day(20))
    everything = attribute(entries, touches)

    assert january[FAIR][Model.LAST_TOUCH][Stage.MQL] == 1.0
    assert everything[FAIR][Model.LAST_TOUCH][Stage.MQL] == 1.0  # the first MQL entry counts
    assert ADS not in everything


histories = st.lists(
    st.tuples(
        st.integers(1, 6),
        st.sampled_from([Stage.PROSPECT, Stage.MQL, Stage.SQL, Stage.WON, Stage.NURTURE]),
        st.floats(0, 60),
    ),
    max_size=30,
)
touch_lists = st.lists(
    st.tuples(st.integers(1, 6), st.sampled_from([None, FAIR, WEBINAR, ADS]), st.floats(0, 60)),
    max_size=30,
)


@given(histories, touch_lists)
def test_every_model_hands_out_exactly_one_credit_per_conversion(
    history: list[tuple[int, Stage, float]], touched: list[tuple[int, int | None, float]]
) -> None:
    entries = [LogEntry(lead, None, stage, day(at)) for lead, stage, at in history]
    touches = [Touch(lead, campaign, day(at)) for lead, campaign, at in touched]
    conversions = {
        stage: len({lead for lead, target, _ in history if target is stage}) for stage in OUTCOMES
    }

    credits = attribute(entries, touches)

    for model in Model:
        for stage in OUTCOMES:
            total = sum(per_model[model][stage] for per_model in credits.values())
            assert abs(total - conversions[stage]) < 1e-9
