"""A lead's fit and engagement scores: computed, stored and explained."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.engagement import engagement_at, engagement_band, matrix_cell
from leadflow.domain.fit_matches import match_string, score_from_matches
from leadflow.domain.mql_threshold import MqlThreshold, crosses_mql_threshold
from leadflow.domain.scoring import Score
from leadflow.domain.stages import Stage
from leadflow.services.scores.scoring_settings import (
    current_fit_rules,
    fit_rules_of_version,
    scoring_settings,
)


@dataclass(frozen=True)
class LeadScore:
    """Everything the API and the UI show about a lead's scores, at one instant."""

    lead_id: int
    stage: Stage
    grade: str | None
    fit: Score
    fit_rules_version: int | None
    fit_rules_current: bool
    """False when the rules changed since the lead was scored: a rescore is due."""
    engagement: float
    engagement_at: datetime
    engagement_band: int
    matrix_cell: str
    touches: int
    threshold: MqlThreshold | None
    reaches_threshold: bool


def score_fit_of_lead(uow: UnitOfWork, lead_id: int) -> Score:
    """Score one lead with the workspace's current fit rules and store the result."""
    rules = current_fit_rules(uow)
    repository = uow.scoring
    # No rules, nothing to match: the lead's facts need not be read.
    facts = repository.facts(lead_id) if rules.ruleset.rules else {}
    matches = match_string(rules.ruleset, facts)
    score = score_from_matches(rules.ruleset, matches)
    repository.save_fit(lead_id, score.points, rules.version, matches)
    return score


def engagement_of_lead(uow: UnitOfWork, lead_id: int, at: datetime) -> float:
    """The engagement as it stood at `at`, recomputed from the touch log."""
    settings = scoring_settings(uow.directory.workspace_config(uow.workspace_id)).engagement
    log = uow.scoring.touches(lead_id)
    return engagement_at(
        (entry.touch for entry in log), at, settings.points, settings.half_life_days
    )


def refresh_engagement(uow: UnitOfWork, lead_id: int, now: datetime) -> float:
    """Recompute the engagement at `now` from the touch log and store it on the lead."""
    engagement = engagement_of_lead(uow, lead_id, now)
    uow.scoring.save_engagement(lead_id, engagement, now)
    return engagement


def refresh_all_engagement(uow: UnitOfWork, now: datetime) -> int:
    """Store the engagement at `now` of every lead that has touches (after touches were written
    in bulk, as the demo does); how many leads were refreshed."""
    lead_ids = uow.scoring.touched_leads()
    for lead_id in lead_ids:
        refresh_engagement(uow, lead_id, now)
    return len(lead_ids)


def lead_score(uow: UnitOfWork, lead_id: int, *, at: datetime) -> LeadScore:
    """A lead's fit with its reasons, its engagement at `at`, its matrix cell and threshold."""
    repository = uow.scoring
    stored = repository.scores(lead_id)
    current = current_fit_rules(uow)
    if stored.fit_matches is None:
        fit = Score(0, ())
    else:
        fit = score_from_matches(
            fit_rules_of_version(uow, stored.fit_rules_version), stored.fit_matches
        )
    settings = scoring_settings(uow.directory.workspace_config(uow.workspace_id))
    log = repository.touches(lead_id)
    engagement = engagement_at(
        (entry.touch for entry in log),
        at,
        settings.engagement.points,
        settings.engagement.half_life_days,
    )
    threshold = settings.threshold
    return LeadScore(
        lead_id=lead_id,
        stage=stored.stage,
        grade=stored.grade,
        fit=fit,
        fit_rules_version=stored.fit_rules_version,
        fit_rules_current=stored.fit_matches is not None
        and stored.fit_rules_version == current.version,
        engagement=engagement,
        engagement_at=at,
        engagement_band=engagement_band(engagement, settings.engagement),
        matrix_cell=matrix_cell(stored.grade, engagement, settings.engagement),
        touches=sum(1 for entry in log if entry.touch.at <= at),
        threshold=threshold,
        reaches_threshold=threshold is not None
        and crosses_mql_threshold(threshold, fit.points, engagement),
    )
