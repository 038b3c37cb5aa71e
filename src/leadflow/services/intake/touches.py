"""Touches: engagement events recorded through the API, imports and forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leadflow.adapters.db.scoring import StoredTouch
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.engagement import Touch, TouchType
from leadflow.domain.errors import InvalidInput
from leadflow.domain.principal import Principal
from leadflow.domain.stages import PROCESSES, Actor, Stage
from leadflow.services.scores.auto_mql import check_auto_mql

ORIGINS = ("api", "import", "form")


@dataclass(frozen=True)
class TouchRecorded:
    touch_id: int
    engagement: float
    stage: Stage
    moved_to_mql: bool
    decision: str
    """Why the lead moved to mql automatically, or why it did not."""


def record_touch(
    uow: UnitOfWork,
    lead_id: int,
    kind: TouchType,
    at: datetime,
    *,
    by: Principal,
    now: datetime,
    campaign_id: int | None = None,
    asks_for_contact: bool = False,
    origin: str = "api",
) -> TouchRecorded:
    """Log a touch, refresh the lead's engagement and move it to mql when it crosses the line.

    `asks_for_contact` marks a submitted form that asks sales to get in touch: that alone makes
    a prospect or nurture lead an MQL.
    """
    if by.actor not in PROCESSES:
        by.require(Actor.MARKETING)
    if origin not in ORIGINS:
        raise InvalidInput(f"origin must be one of {', '.join(ORIGINS)}", field="origin")
    if at > now:
        raise InvalidInput("a touch cannot lie in the future", field="at")
    if asks_for_contact and kind is not TouchType.FORM_SUBMITTED:
        raise InvalidInput("only a submitted form can ask for contact", field="asks_for_contact")
    repository = uow.scoring
    repository.scores(lead_id, lock=True)
    if campaign_id is not None:
        uow.campaigns.get(campaign_id)
    touch_id = repository.add_touch(
        lead_id,
        Touch(kind, at, campaign_id),
        asks_for_contact=asks_for_contact,
        origin=origin,
        now=now,
    )
    decision = check_auto_mql(uow, lead_id, now=now, form_asks_for_contact=asks_for_contact)
    after = repository.scores(lead_id)
    return TouchRecorded(
        touch_id=touch_id,
        engagement=after.engagement_score or 0.0,
        stage=after.stage,
        moved_to_mql=decision.move,
        decision=decision.reason,
    )


def touch_log(uow: UnitOfWork, lead_id: int) -> list[StoredTouch]:
    """The lead's touches, oldest first."""
    uow.leads.get(lead_id)
    return uow.scoring.touches(lead_id)
