"""The automatic move to mql, through the transition machine, once per crossing."""

from __future__ import annotations

import math
from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import InvalidTransition, PermissionDenied, ReasonRequired
from leadflow.domain.mql_threshold import AutoMqlDecision, MqlThreshold, decide_auto_mql
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Stage
from leadflow.services.lifecycle.moves import move_lead
from leadflow.services.scores.scoring import refresh_engagement, score_fit_of_lead
from leadflow.services.scores.scoring_settings import scoring_settings

REASON_THRESHOLD = "score_threshold"
REASON_CONTACT_FORM = "form_asks_for_contact"
_ONLY_A_CONTACT_FORM = MqlThreshold(min_fit=2**31, min_engagement=math.inf)


def check_auto_mql(
    uow: UnitOfWork, lead_id: int, *, now: datetime, form_asks_for_contact: bool = False
) -> AutoMqlDecision:
    """Move a prospect or nurture lead to mql when it reaches the threshold (or asked for contact).

    The lead's row is locked first, so of two transactions that see the same crossing the second
    one waits, then finds the lead in mql already: one crossing, one automatic move.
    """
    repository = uow.scoring
    stored = repository.scores(lead_id, lock=True)
    fit = stored.fit_score
    if fit is None:
        fit = score_fit_of_lead(uow, lead_id).points
    engagement = refresh_engagement(uow, lead_id, now)
    threshold = scoring_settings(uow.directory.workspace_config(uow.workspace_id)).threshold
    if threshold is None and not form_asks_for_contact:
        return AutoMqlDecision(False, "the workspace has no mql threshold")
    decision = decide_auto_mql(
        stored.stage,
        threshold or _ONLY_A_CONTACT_FORM,
        fit,
        engagement,
        form_asks_for_contact=form_asks_for_contact,
    )
    if not decision.move:
        return decision
    reason = REASON_CONTACT_FORM if form_asks_for_contact else REASON_THRESHOLD
    try:
        move_lead(
            uow,
            lead_id,
            Stage.MQL,
            by=Principal.process(uow.workspace_id, Actor.AUTOMATIC),
            now=now,
            reason=reason,
            note=decision.reason,
        )
    except (InvalidTransition, PermissionDenied, ReasonRequired) as refused:
        return AutoMqlDecision(False, f"the transition table refuses it: {refused}")
    return decision
