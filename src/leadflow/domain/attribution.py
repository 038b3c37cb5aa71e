"""Which campaigns earned the funnel's conversions: first-touch, last-touch and linear
multi-touch attribution of MQLs, SQLs and won deals, read from the stage log and the touches.

A lead converts to a stage the first time it enters it in the period (as of the period's end).
The touches that count are the lead's touches up to that moment. First touch gives the whole
conversion to the campaign of the earliest of them, last touch to the latest, linear an equal
share to each. A conversion without any touch before it goes to no campaign (None), so every
model hands out exactly one credit per conversion."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leadflow.domain.funnel import LogEntry
from leadflow.domain.stages import Stage

OUTCOMES: tuple[Stage, ...] = (Stage.MQL, Stage.SQL, Stage.WON)


class Model(StrEnum):
    FIRST_TOUCH = "first_touch"
    LAST_TOUCH = "last_touch"
    LINEAR = "linear"


@dataclass(frozen=True)
class Touch:
    lead_id: int
    campaign_id: int | None
    at: datetime


Credits = dict[int | None, dict[Model, dict[Stage, float]]]
"""Per campaign (None: no touch, or a touch without campaign), per model, per outcome."""


def attribute(
    entries: Iterable[LogEntry],
    touches: Iterable[Touch],
    start: datetime | None = None,
    end: datetime | None = None,
) -> Credits:
    """The credits each campaign earned for the conversions made in [start, end]."""
    converted: dict[int, dict[Stage, datetime]] = defaultdict(dict)
    for entry in sorted(entries, key=lambda e: e.at):
        if entry.target not in OUTCOMES:
            continue
        if (start is not None and entry.at < start) or (end is not None and entry.at > end):
            continue
        converted[entry.lead_id].setdefault(entry.target, entry.at)
    by_lead: dict[int, list[Touch]] = defaultdict(list)
    for touch in touches:
        if touch.lead_id in converted:
            by_lead[touch.lead_id].append(touch)
    credits: Credits = defaultdict(lambda: {model: dict.fromkeys(OUTCOMES, 0.0) for model in Model})
    for lead_id, moments in converted.items():
        ordered = sorted(by_lead.get(lead_id, []), key=lambda t: t.at)
        for stage, moment in moments.items():
            before = [touch.campaign_id for touch in ordered if touch.at <= moment]
            if not before:
                before = [None]
            credits[before[0]][Model.FIRST_TOUCH][stage] += 1.0
            credits[before[-1]][Model.LAST_TOUCH][stage] += 1.0
            for campaign_id in before:
                credits[campaign_id][Model.LINEAR][stage] += 1.0 / len(before)
    return dict(credits)
