"""Lead endpoints: create, list, read, move, qualify, history, activities and tasks."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse

from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work, reading
from leadflow.domain.lead import LeadDetails, LeadFilter
from leadflow.domain.privacy import provenance
from leadflow.domain.stages import Stage
from leadflow.services.intake import leads as lead_service
from leadflow.services.intake.idempotency import request_hash, run_once
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.lifecycle import moves
from leadflow.services.reports.periods import workspace_days
from leadflow.services.tasks import activities as work_service
from leadflow.services.workspaces import custom_fields as field_service
from leadflow.web.api.capture import IdempotencyKey
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.presenters import created_public, lead_public, warnings_public
from leadflow.web.api.schemas import (
    ActivityCreate,
    ActivityPublic,
    CriterionStatus,
    LeadCreate,
    LeadPage,
    LeadPublic,
    LeadUpdate,
    QualificationPublic,
    QualificationUpdate,
    StageChangePublic,
    TaskCreate,
    TaskPublic,
    TransitionCreate,
)
from leadflow.web.ids import IdPath, IdQuery, Offset

router = APIRouter(prefix="/api/v1/leads", tags=["leads"])


@router.post("", response_model=LeadPublic, status_code=status.HTTP_201_CREATED)
def create_lead(
    body: LeadCreate,
    db: DbDep,
    principal: PrincipalDep,
    now: NowDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Create a lead, or return the existing lead for the same person (`merged: true`, with the
    `match_reason`); an `Idempotency-Key` replays the first answer."""
    data = LeadInput(**body.model_dump(), provenance=provenance("api", token_id=principal.token_id))

    def work(uow: UnitOfWork) -> tuple[int, Any]:
        created = lead_service.create_lead(uow, data, by=principal, now=now)
        answer = created_public(created)
        answer.warnings = warnings_public(created.warnings)
        return (200 if created.merged else 201), answer.model_dump(mode="json")

    fingerprint = request_hash("POST", "/api/v1/leads", body.model_dump(mode="json"))
    outcome = run_once(db, principal.workspace_id, idempotency_key, fingerprint, work, now=now)
    # The body is a LeadPublic already, dumped when it was made (or first made, replayed).
    answer = JSONResponse(outcome.body, status_code=outcome.status_code)
    if outcome.replayed:
        answer.headers["Idempotent-Replayed"] = "true"
    return answer


FIELD_PREFIX = "field."


@router.get("", response_model=LeadPage)
def list_leads(
    request: Request,
    db: DbDep,
    principal: PrincipalDep,
    stage: Stage | None = None,
    grade: Annotated[str | None, Query(pattern="^[ABCD]$")] = None,
    owner_id: IdQuery = None,
    campaign_id: IdQuery = None,
    source: str | None = None,
    q: Annotated[str | None, Query(max_length=200, description="name, company or e-mail")] = None,
    created_from: date | None = None,
    created_to: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> LeadPage:
    """List the workspace's leads, newest first, with filters and paging; `field.<key>=value`
    keeps the leads whose custom field has that value (`?field.budget=5000&field.fair=true`)."""
    asked = [
        (name.removeprefix(FIELD_PREFIX), value)
        for name, value in request.query_params.multi_items()
        if name.startswith(FIELD_PREFIX)
    ]
    with reading(db, principal.workspace_id) as uow:
        conditions = field_service.conditions(uow, asked)
        created_start, created_end = workspace_days(uow, created_from, created_to)
    where = LeadFilter(
        stage=stage,
        grade=grade,
        owner_id=owner_id,
        campaign_id=campaign_id,
        source=source,
        search=q,
        created_from=created_start,
        created_to=created_end,
        fields=conditions,
    )
    with reading(db, principal.workspace_id) as uow:
        items, total = lead_service.find_leads(uow, where, limit=limit, offset=offset)
    return LeadPage(
        items=[lead_public(item) for item in items], total=total, limit=limit, offset=offset
    )


@router.get("/{lead_id}", response_model=LeadPublic)
def read_lead(lead_id: IdPath, db: DbDep, principal: PrincipalDep) -> LeadPublic:
    """Read one lead with its contact and account."""
    with reading(db, principal.workspace_id) as uow:
        details = lead_service.lead_details(uow, lead_id)
    return lead_public(details)


@router.patch("/{lead_id}", response_model=LeadPublic)
def update_lead(
    lead_id: IdPath, body: LeadUpdate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> LeadPublic:
    """Set or clear the lead's custom field values (422 naming a field whose value does not fit
    its type, 409 when `expected_version` is stale)."""

    def update(uow: UnitOfWork) -> LeadDetails:
        return field_service.set_values(
            uow,
            lead_id,
            dict(body.custom_fields),
            by=principal,
            now=now,
            expected_version=body.expected_version,
        )

    return lead_public(in_unit_of_work(db, principal.workspace_id, update))


@router.post("/{lead_id}/transitions", response_model=LeadPublic)
def move_lead(
    lead_id: IdPath, body: TransitionCreate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> LeadPublic:
    """Move a lead to another stage: 403 when the role may not, 409 when the move is not
    allowed from the current stage or the version is stale, 422 when a reason is missing."""

    def move(uow: UnitOfWork) -> LeadDetails:
        moves.move_lead(
            uow,
            lead_id,
            body.to,
            by=principal,
            now=now,
            reason=body.reason,
            note=body.note,
            expected_version=body.expected_version,
            deal_value=body.deal_value,
        )
        return lead_service.lead_details(uow, lead_id)

    return lead_public(in_unit_of_work(db, principal.workspace_id, move))


@router.put("/{lead_id}/qualification", response_model=QualificationPublic)
def qualify_lead(
    lead_id: IdPath, body: QualificationUpdate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> QualificationPublic:
    """Record criterion assessments and return the resulting grade."""
    items = [
        lead_service.AssessmentInput(a.criterion, a.status, a.value, a.note)
        for a in body.assessments
    ]
    result = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: lead_service.qualify_lead(
            uow, lead_id, items, by=principal, now=now, expected_version=body.expected_version
        ),
    )
    return QualificationPublic(
        lead_id=lead_id,
        framework=result.framework.key,
        grade=result.grade,
        version=result.lead.version,
        criteria=[
            CriterionStatus(key=c.key, label=c.label_en, status=result.statuses[c.key])
            for c in result.framework.criteria
        ],
    )


@router.get("/{lead_id}/history", response_model=list[StageChangePublic])
def lead_history(lead_id: IdPath, db: DbDep, principal: PrincipalDep) -> list[StageChangePublic]:
    """The lead's stage log, oldest first."""
    with reading(db, principal.workspace_id) as uow:
        changes = moves.stage_history(uow, lead_id)
    return [
        StageChangePublic(
            source=c.source,
            target=c.target,
            at=c.at,
            actor=c.actor.value,
            by_user_id=c.by_user_id,
            reason=c.reason,
            note=c.note,
            automatic=c.automatic,
        )
        for c in changes
    ]


@router.post("/{lead_id}/activities", response_model=ActivityPublic, status_code=201)
def log_activity(
    lead_id: IdPath, body: ActivityCreate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> ActivityPublic:
    """Record a call, e-mail, meeting or note with its outcome."""
    activity = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: work_service.log_activity(
            uow,
            lead_id,
            kind=body.kind,
            outcome=body.outcome,
            subject=body.subject,
            body=body.body,
            at=body.at or now,
            by=principal,
            now=now,
        ),
    )
    return ActivityPublic.model_validate(activity, from_attributes=True)


@router.get("/{lead_id}/activities", response_model=list[ActivityPublic])
def list_activities(lead_id: IdPath, db: DbDep, principal: PrincipalDep) -> list[ActivityPublic]:
    """The lead's activities, newest first."""
    with reading(db, principal.workspace_id) as uow:
        found = work_service.activities_of(uow, lead_id)
    return [ActivityPublic.model_validate(a, from_attributes=True) for a in found]


@router.post("/{lead_id}/tasks", response_model=TaskPublic, status_code=201)
def add_task(
    lead_id: IdPath, body: TaskCreate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> TaskPublic:
    """Add a task with a due date."""
    task = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: work_service.add_task(
            uow,
            lead_id,
            title=body.title,
            due_on=body.due_on,
            assignee_id=body.assignee_id,
            by=principal,
            now=now,
        ),
    )
    return TaskPublic.model_validate(task, from_attributes=True)


@router.get("/{lead_id}/tasks", response_model=list[TaskPublic])
def list_tasks(lead_id: IdPath, db: DbDep, principal: PrincipalDep) -> list[TaskPublic]:
    """The lead's tasks by due date."""
    with reading(db, principal.workspace_id) as uow:
        found = work_service.tasks_of(uow, lead_id)
    return [TaskPublic.model_validate(t, from_attributes=True) for t in found]
