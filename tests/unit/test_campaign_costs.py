"""Cost per MQL, SAL, SQL and won deal of a campaign."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from leadflow.domain.campaign import Campaign
from leadflow.domain.campaign_costs import campaign_costs
from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage

AT = datetime(2026, 2, 1, tzinfo=UTC)


def _campaign(campaign_id: int, cost: str) -> Campaign:
    return Campaign(
        1, f"C{campaign_id}", "webinar", date(2026, 1, 1), campaign_id, actual_cost=Decimal(cost)
    )


def test_cost_per_stage_divides_the_actual_cost_by_the_leads_that_reached_it() -> None:
    entries = [
        LogEntry(1, None, Stage.MQL, AT),
        LogEntry(1, Stage.MQL, Stage.SAL, AT),
        LogEntry(2, None, Stage.MQL, AT),
        LogEntry(3, None, Stage.MQL, AT),
        LogEntry(3, Stage.MQL, Stage.NURTURE, AT),
        LogEntry(3, Stage.NURTURE, Stage.MQL, AT),
        LogEntry(9, None, Stage.MQL, AT),
    ]
    campaign_of = {1: 10, 2: 10, 3: 10, 9: None}

    [row] = campaign_costs([_campaign(10, "1000.00")], entries, campaign_of)

    assert row.reached == {Stage.MQL: 3, Stage.SAL: 1, Stage.SQL: 0, Stage.WON: 0}
    assert row.cost_per(Stage.MQL) == Decimal("333.33")
    assert row.cost_per(Stage.SAL) == Decimal("1000.00")
    assert row.cost_per(Stage.WON) is None


def test_a_campaign_without_leads_has_no_cost_per_stage() -> None:
    [row] = campaign_costs([_campaign(11, "500")], [], {})

    assert row.reached[Stage.MQL] == 0
    assert row.cost_per(Stage.MQL) is None
