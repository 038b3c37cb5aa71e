"""Predictive scoring endpoints: a lead's prediction, the workspace's models, training and
scoring (now or as a background job), and settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.services.prediction import model_monitoring, prediction_jobs, prediction_views
from leadflow.services.prediction.predictive import train_workspace
from leadflow.services.prediction.predictive_scoring import score_workspace
from leadflow.services.worker import jobs as job_service
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.prediction_schemas import (
    LeadPredictionPublic,
    ModelPublic,
    PredictiveSettingsPublic,
    PredictiveSettingsUpdate,
    ScoringPublic,
    lead_prediction_public,
    model_public,
    settings_public,
)
from leadflow.web.api.scoring_schemas import JobPublic
from leadflow.web.ids import IdPath

router = APIRouter(prefix="/api/v1", tags=["predictive scoring"])


@router.get("/leads/{lead_id}/prediction", response_model=LeadPredictionPublic)
def lead_prediction(
    lead_id: IdPath,
    db: DbDep,
    principal: PrincipalDep,
    top: Annotated[int, Query(ge=1, le=50)] = 5,
) -> LeadPredictionPublic:
    """P(sql) and P(won) of a lead from the current models, with the factors that add up to it."""
    with reading(db, principal.workspace_id) as uow:
        prediction = prediction_views.lead_prediction(uow, lead_id, top=top)
    return lead_prediction_public(prediction)


@router.get("/models", response_model=list[ModelPublic])
def list_models(db: DbDep, principal: PrincipalDep) -> list[ModelPublic]:
    """The current model of each target, with how it was chosen and validated."""
    with reading(db, principal.workspace_id) as uow:
        return [model_public(m) for m in prediction_views.current_models(uow)]


@router.get("/models/status")
def models_status(db: DbDep, principal: PrincipalDep, now: NowDep) -> list[dict[str, object]]:
    """Each current model's drift per field since training, its calibration on the leads
    closed since (last 90 days), and what calls for retraining."""
    with reading(db, principal.workspace_id) as uow:
        statuses = model_monitoring.model_status(uow, now=now)
    return [model_monitoring.status_summary(status) for status in statuses]


@router.post("/models/train", response_model=list[ModelPublic])
def train_models(db: DbDep, principal: PrincipalDep, now: NowDep) -> list[ModelPublic]:
    """Train the workspace's models on its own closed leads (admins only)."""
    models = train_workspace(db, principal.workspace_id, by=principal, now=now)
    return [model_public(model) for model in models]


@router.post("/models/score", response_model=ScoringPublic)
def score_leads(db: DbDep, principal: PrincipalDep, now: NowDep) -> ScoringPublic:
    """Score every open lead with the current models (admins only)."""
    run = score_workspace(db, principal.workspace_id, by=principal, now=now)
    return ScoringPublic(scored=run.scored, batches=run.batches)


@router.post("/models/jobs", response_model=JobPublic, status_code=status.HTTP_202_ACCEPTED)
def start_training_job(db: DbDep, principal: PrincipalDep, now: NowDep) -> JobPublic:
    """Queue training the models and then scoring the open leads (admins only); `leadflow
    worker` runs it. Returns the job, or the one already waiting or running."""
    job = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: prediction_jobs.enqueue_prediction(uow, by=principal, now=now),
    )
    return JobPublic.model_validate(job, from_attributes=True)


@router.get("/models/jobs/{job_id}", response_model=JobPublic)
def training_job_status(job_id: IdPath, db: DbDep, principal: PrincipalDep) -> JobPublic:
    """The status, progress (2 steps: trained, scored) and result of a training job."""
    with reading(db, principal.workspace_id) as uow:
        job = job_service.job_status(uow, job_id, kind=prediction_jobs.PREDICT)
    return JobPublic.model_validate(job, from_attributes=True)


@router.get("/models/settings", response_model=PredictiveSettingsPublic)
def read_settings(db: DbDep, principal: PrincipalDep) -> PredictiveSettingsPublic:
    """When a nurtured lead counts as lost, and the fields models never read."""
    with reading(db, principal.workspace_id) as uow:
        return settings_public(prediction_views.predictive_settings(uow))


@router.put("/models/settings", response_model=PredictiveSettingsPublic)
def update_settings(
    body: PredictiveSettingsUpdate, db: DbDep, principal: PrincipalDep
) -> PredictiveSettingsPublic:
    """Change the nurture age or the excluded fields (admins only)."""
    settings = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: prediction_views.configure_predictive(
            uow, by=principal, nurture_days=body.nurture_days, exclude=body.exclude, pool=body.pool
        ),
    )
    return settings_public(settings)
