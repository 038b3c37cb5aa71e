"""What follows a lead's creation or move, in the same transaction as the change itself:
the outbox event, the hand-over clock, routing of a new MQL and the first fit score."""

from __future__ import annotations

from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.lead import Lead, StageChange
from leadflow.domain.stages import Stage
from leadflow.domain.webhooks import STAGE_CHANGED
from leadflow.services import events, handover
from leadflow.services.routing import route_new_mql
from leadflow.services.scoring import score_fit_of_lead
from leadflow.services.scoring_settings import scoring_settings


def lead_created(uow: UnitOfWork, lead: Lead, change: StageChange, *, now: datetime) -> None:
    """Score a new lead's fit, then treat its entry like any other move."""
    assert lead.id is not None
    score_fit_of_lead(uow, lead.id)
    stage_changed(uow, lead, change, now=now)
    threshold = scoring_settings(uow.directory.workspace_config(uow.workspace_id)).threshold
    if threshold is not None and lead.stage in (Stage.PROSPECT, Stage.NURTURE):
        from leadflow.services.auto_mql import check_auto_mql  # it moves leads: import late

        check_auto_mql(uow, lead.id, now=now)


def stage_changed(uow: UnitOfWork, lead: Lead, change: StageChange, *, now: datetime) -> None:
    """Record the event; stop the hand-over clock of a lead leaving mql, route and start it for
    a lead entering mql."""
    assert lead.id is not None
    events.record(
        uow,
        STAGE_CHANGED,
        {
            "lead_id": lead.id,
            "from": change.source.value if change.source else None,
            "to": change.target.value,
            "at": change.at.isoformat(),
            "actor": change.actor.value,
            "automatic": change.automatic,
            "reason": change.reason,
            "by_user_id": change.by_user_id,
        },
        now=now,
    )
    handover.stop_for_move(uow, change)
    if change.target is Stage.MQL:
        route_new_mql(uow, lead.id, lead.owner_id, now)
        owner_id = uow.leads.get(lead.id).owner_id
        handover.start_clock(uow, lead.id, owner_id=owner_id, source=lead.source, now=change.at)
