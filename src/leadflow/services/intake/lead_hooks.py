"""What follows a lead's creation, in the same transaction: its first fit score, the effects of
any move (services/lifecycle/stage_effects.py), and an automatic move to MQL when it qualifies."""

from __future__ import annotations

from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.lead import Lead, StageChange
from leadflow.domain.stages import Stage
from leadflow.services.lifecycle import stage_effects
from leadflow.services.scores.auto_mql import check_auto_mql
from leadflow.services.scores.scoring import score_fit_of_lead
from leadflow.services.scores.scoring_settings import scoring_settings


def lead_created(uow: UnitOfWork, lead: Lead, change: StageChange, *, now: datetime) -> None:
    """Score a new lead's fit, then treat its entry like any other move."""
    assert lead.id is not None
    score_fit_of_lead(uow, lead.id)
    stage_effects.stage_changed(uow, lead, change, now=now)
    threshold = scoring_settings(uow.directory.workspace_config(uow.workspace_id)).threshold
    if threshold is not None and lead.stage in (Stage.PROSPECT, Stage.NURTURE):
        check_auto_mql(uow, lead.id, now=now)
