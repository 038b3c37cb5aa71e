"""Batch creation of leads, and merges of duplicates with their undo."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work, reading
from leadflow.domain.privacy import provenance
from leadflow.services.intake.batch import (
    CREATED,
    MERGED,
    REJECTED,
    FieldError,
    ItemResult,
    create_many,
)
from leadflow.services.intake.idempotency import request_hash, run_once
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.intake.merges import MergeRecord, merge_leads, merges_of, unmerge
from leadflow.web.api.capture_schemas import (
    BatchItemPublic,
    BatchPublic,
    FieldErrorPublic,
    LeadBatch,
    MergeCreate,
    MergePublic,
)
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.presenters import created_public, warnings_public
from leadflow.web.api.schemas import FieldChangePublic, LeadCreate
from leadflow.web.ids import IdPath

router = APIRouter(prefix="/api/v1", tags=["capture"])

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Replays the first response for the same key."),
]


def _item(raw: dict[str, Any], token_id: int | None) -> LeadInput | list[FieldError]:
    try:
        body = LeadCreate.model_validate(raw)
    except ValidationError as invalid:
        return [
            FieldError(".".join(str(part) for part in error["loc"]) or "lead", error["msg"])
            for error in invalid.errors()
        ]
    return LeadInput(**body.model_dump(), provenance=provenance("api", token_id=token_id))


def _public(result: ItemResult) -> BatchItemPublic:
    created = result.created
    return BatchItemPublic(
        index=result.index,
        status=result.status,
        lead=created_public(created) if created else None,
        match_reason=created.match_reason if created else None,
        errors=[FieldErrorPublic(field=e.field, message=e.message) for e in result.errors],
        warnings=warnings_public(created.warnings) if created else [],
    )


@router.post("/leads/batch", response_model=BatchPublic)
def create_batch(
    body: LeadBatch,
    db: DbDep,
    principal: PrincipalDep,
    now: NowDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Create up to 1,000 leads: each item is `created`, `merged` into the workspace's existing
    lead for the same person (with the reason), or `rejected` with errors naming the field."""
    items = [_item(raw, principal.token_id) for raw in body.leads]

    def work(uow: UnitOfWork) -> tuple[int, Any]:
        results = create_many(uow, items, by=principal, now=now)
        counts = {s: sum(r.status == s for r in results) for s in (CREATED, MERGED, REJECTED)}
        answer = BatchPublic(results=[_public(r) for r in results], **counts)
        return 200, answer.model_dump(mode="json")

    fingerprint = request_hash("POST", "/api/v1/leads/batch", body.model_dump(mode="json"))
    outcome = run_once(db, principal.workspace_id, idempotency_key, fingerprint, work, now=now)
    # The body is a BatchPublic already, dumped when it was made (or first made, replayed).
    answer = JSONResponse(outcome.body)
    if outcome.replayed:
        answer.headers["Idempotent-Replayed"] = "true"
    return answer


def _merge_public(record: MergeRecord) -> MergePublic:
    fields = [FieldChangePublic(**change) for change in record.fields]
    return MergePublic(**record.__dict__, entry=record.entry, fields=fields)


@router.post("/leads/{lead_id}/merge", response_model=MergePublic, status_code=201)
def merge(
    lead_id: IdPath, body: MergeCreate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> MergePublic:
    """Merge the lead `duplicate_id` into this one; the answer says why they match."""
    record = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: merge_leads(
            uow, lead_id, body.duplicate_id, by=principal, now=now, reason=body.reason
        ),
    )
    return _merge_public(record)


@router.get("/leads/{lead_id}/merges", response_model=list[MergePublic])
def list_merges(lead_id: IdPath, db: DbDep, principal: PrincipalDep) -> list[MergePublic]:
    """The merge log entries of a lead, oldest first."""
    with reading(db, principal.workspace_id) as uow:
        return [_merge_public(record) for record in merges_of(uow, lead_id)]


@router.post("/merges/{merge_id}/undo", response_model=MergePublic)
def undo_merge(merge_id: IdPath, db: DbDep, principal: PrincipalDep, now: NowDep) -> MergePublic:
    """Undo a merge: both leads are as they were before it."""
    return in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: _merge_public(unmerge(uow, merge_id, by=principal, now=now)),
    )
