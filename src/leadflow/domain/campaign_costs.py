"""Cost per MQL, SAL, SQL and won deal of each campaign: its actual cost divided by the number of
its leads that reached the stage (a recycled lead counts once per stage); and its return: the
value of the deals its leads won in the period over its cost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from leadflow.domain.campaign import Campaign
from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage

COSTED: tuple[Stage, ...] = (Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CampaignCost:
    campaign: Campaign
    reached: dict[Stage, int]
    won_value: Decimal = Decimal(0)
    """The deal values of the leads won in the period (won leads without one add nothing)."""

    @property
    def roi(self) -> Decimal | None:
        """Value won per euro spent; None while the campaign cost nothing."""
        if not self.campaign.actual_cost:
            return None
        return (self.won_value / self.campaign.actual_cost).quantize(CENT, rounding=ROUND_HALF_UP)

    def cost_per(self, stage: Stage) -> Decimal | None:
        count = self.reached.get(stage, 0)
        if not count:
            return None
        return (self.campaign.actual_cost / count).quantize(CENT, rounding=ROUND_HALF_UP)


def campaign_costs(
    campaigns: Iterable[Campaign],
    entries: Iterable[LogEntry],
    campaign_of: Mapping[int, int | None],
    start: datetime | None = None,
    end: datetime | None = None,
    deal_values: Mapping[int, Decimal | None] | None = None,
) -> list[CampaignCost]:
    """Every campaign with the leads that reached each costed stage in the period, and the
    value of the deals won (`deal_values` by lead)."""
    leads_reaching: dict[int, dict[Stage, set[int]]] = defaultdict(lambda: defaultdict(set))
    for entry in entries:
        campaign_id = campaign_of.get(entry.lead_id)
        in_period = (start is None or entry.at >= start) and (end is None or entry.at <= end)
        if campaign_id is not None and in_period and entry.target in COSTED:
            leads_reaching[campaign_id][entry.target].add(entry.lead_id)
    values = deal_values or {}

    def won_value(campaign_id: int | None) -> Decimal:
        if campaign_id is None:
            return Decimal(0)
        won = leads_reaching[campaign_id][Stage.WON]
        return sum((values.get(lead_id) or Decimal(0) for lead_id in won), Decimal(0))

    return [
        CampaignCost(
            campaign,
            {stage: len(leads_reaching[campaign.id][stage]) for stage in COSTED}
            if campaign.id is not None
            else dict.fromkeys(COSTED, 0),
            won_value(campaign.id),
        )
        for campaign in campaigns
    ]
