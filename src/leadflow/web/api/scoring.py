"""Scoring endpoints: fit rules, settings, a lead's scores and touches, the rescore job."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status

from leadflow.adapters.db.jobs import Job
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.errors import InvalidInput
from leadflow.domain.scoring import FitRuleSet
from leadflow.services.intake.touches import record_touch, touch_log
from leadflow.services.scores.scoring import lead_score
from leadflow.services.scores.scoring_settings import (
    CurrentRules,
    current_fit_rules,
    current_scoring_settings,
    set_fit_rules,
    set_scoring_settings,
    settings_as_dict,
)
from leadflow.services.worker import jobs as job_service
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.scoring_schemas import (
    FitRulePublic,
    FitRulesPublic,
    JobPublic,
    LeadScorePublic,
    ReasonPublic,
    ScoringSettingsPublic,
    ScoringSettingsUpdate,
    ThresholdPublic,
    TouchCreate,
    TouchPublic,
    TouchRecordedPublic,
)
from leadflow.web.api.toml_body import TOML_BODY, TomlDocument
from leadflow.web.ids import IdPath

router = APIRouter(prefix="/api/v1/scoring", tags=["scoring"])
lead_router = APIRouter(prefix="/api/v1/leads", tags=["scoring"])


@router.get("/fit-rules", response_model=FitRulesPublic)
def read_fit_rules(db: DbDep, principal: PrincipalDep) -> FitRulesPublic:
    """The workspace's current fit rules, as TOML and rule by rule."""
    with reading(db, principal.workspace_id) as uow:
        return _rules_public(current_fit_rules(uow))


@router.put("/fit-rules", response_model=FitRulesPublic, openapi_extra=TOML_BODY)
def replace_fit_rules(
    toml: TomlDocument, db: DbDep, principal: PrincipalDep, now: NowDep
) -> FitRulesPublic:
    """Store new fit rules (text/plain TOML or JSON {"toml": ...}); 422 names the rule and field.

    Leads keep their scores until a rescore (POST /api/v1/scoring/rescore)."""
    return in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: _rules_public(set_fit_rules(uow, toml, by=principal, now=now)),
    )


@router.get("/settings", response_model=ScoringSettingsPublic)
def read_settings(db: DbDep, principal: PrincipalDep) -> ScoringSettingsPublic:
    """Touch points, engagement half-life and bands, and the MQL threshold."""
    with reading(db, principal.workspace_id) as uow:
        settings = current_scoring_settings(uow)
    return ScoringSettingsPublic.model_validate(settings_as_dict(settings))


@router.patch("/settings", response_model=ScoringSettingsPublic)
def change_settings(
    body: ScoringSettingsUpdate, db: DbDep, principal: PrincipalDep
) -> ScoringSettingsPublic:
    """Change the settings sent; null for both mql_ values removes the threshold."""
    changes = body.model_dump(exclude_unset=True)
    settings = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: set_scoring_settings(uow, changes, by=principal),
    )
    return ScoringSettingsPublic.model_validate(settings_as_dict(settings))


@router.post("/rescore", response_model=JobPublic, status_code=status.HTTP_202_ACCEPTED)
def start_rescore(db: DbDep, principal: PrincipalDep, now: NowDep) -> JobPublic:
    """Queue a full rescore of the workspace; `leadflow worker` runs it. Returns the job."""
    return in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: _job_public(job_service.enqueue_rescore(uow, by=principal, now=now)),
    )


@router.get("/rescore/{job_id}", response_model=JobPublic)
def rescore_status(job_id: IdPath, db: DbDep, principal: PrincipalDep) -> JobPublic:
    """The status and progress of a rescore job."""
    with reading(db, principal.workspace_id) as uow:
        return _job_public(job_service.job_status(uow, job_id))


@lead_router.get("/{lead_id}/score", response_model=LeadScorePublic)
def read_lead_score(
    lead_id: IdPath, db: DbDep, principal: PrincipalDep, now: NowDep, at: datetime | None = None
) -> LeadScorePublic:
    """Fit with its reasons, engagement (at `at`, default now), matrix cell and threshold."""
    moment = at or now
    if moment.tzinfo is None:
        raise InvalidInput("'at' needs a time zone, e.g. 2026-03-01T12:00:00Z", field="at")
    with reading(db, principal.workspace_id) as uow:
        score = lead_score(uow, lead_id, at=moment)
    threshold = score.threshold
    return LeadScorePublic(
        lead_id=score.lead_id,
        stage=score.stage,
        grade=score.grade,
        fit=score.fit.points,
        reasons=[ReasonPublic(points=r.points, text=str(r)) for r in score.fit.reasons],
        fit_rules_version=score.fit_rules_version,
        fit_rules_current=score.fit_rules_current,
        engagement=score.engagement,
        engagement_at=score.engagement_at,
        engagement_band=score.engagement_band,
        matrix_cell=score.matrix_cell,
        touches=score.touches,
        threshold=ThresholdPublic(
            min_fit=threshold.min_fit, min_engagement=threshold.min_engagement
        )
        if threshold
        else None,
        reaches_threshold=score.reaches_threshold,
    )


@lead_router.post(
    "/{lead_id}/touches", response_model=TouchRecordedPublic, status_code=status.HTTP_201_CREATED
)
def add_touch(
    lead_id: IdPath, body: TouchCreate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> TouchRecordedPublic:
    """Record a touch; the answer says whether it made the lead an MQL and why (not)."""
    recorded = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: record_touch(
            uow,
            lead_id,
            body.type,
            body.at or now,
            by=principal,
            now=now,
            campaign_id=body.campaign_id,
            asks_for_contact=body.asks_for_contact,
        ),
    )
    return TouchRecordedPublic.model_validate(recorded, from_attributes=True)


@lead_router.get("/{lead_id}/touches", response_model=list[TouchPublic])
def list_touches(lead_id: IdPath, db: DbDep, principal: PrincipalDep) -> list[TouchPublic]:
    """The lead's touch log, oldest first."""
    with reading(db, principal.workspace_id) as uow:
        log = touch_log(uow, lead_id)
    return [
        TouchPublic(
            id=entry.id,
            type=entry.touch.type,
            at=entry.touch.at,
            campaign_id=entry.touch.campaign_id,
            asks_for_contact=entry.asks_for_contact,
            origin=entry.origin,
        )
        for entry in log
    ]


def _rules_public(current: CurrentRules) -> FitRulesPublic:
    return FitRulesPublic(
        version=current.version,
        toml=current.stored.rules_toml if current.stored else "",
        rules=_rules(current.ruleset),
    )


def _rules(ruleset: FitRuleSet) -> list[FitRulePublic]:
    return [
        FitRulePublic(
            field=rule.field,
            op=rule.op.value,
            value=list(rule.value) if isinstance(rule.value, tuple) else rule.value,
            min=rule.minimum,
            max=rule.maximum,
            points=rule.points,
            label=rule.label,
            reason=rule.describe(),
        )
        for rule in ruleset.rules
    ]


def _job_public(job: Job) -> JobPublic:
    return JobPublic.model_validate(job, from_attributes=True)
