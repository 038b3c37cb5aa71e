"""Admin endpoints: a person's export and erasure, retention rules and purges, the records of
processing and the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, EmailStr, Field

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.retention import RetentionRule
from leadflow.services.privacy import person_rights, retention, ropa
from leadflow.services.privacy.person_export import to_csv
from leadflow.services.workspaces import audit as audit_service
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.privacy_deps import PrivacyKeysDep
from leadflow.web.api.schemas import Input
from leadflow.web.ids import Offset

router = APIRouter(prefix="/api/v1", tags=["privacy"])

Email = Annotated[EmailStr | None, Query(description="the person's e-mail address")]
Phone = Annotated[str | None, Query(max_length=40, description="the person's phone number")]


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class RopaFormat(StrEnum):
    JSON = "json"
    MARKDOWN = "markdown"


class ErasurePublic(BaseModel):
    contacts: int
    lead_ids: list[int]
    deleted: dict[str, int]
    redacted: dict[str, int]
    suppressed: bool
    event_id: str | None


class RetentionRuleIn(Input):
    name: str | None = None
    stages: list[str]
    months: Annotated[int, Field(ge=0, le=1200)]


class RetentionRulesUpdate(Input):
    rules: list[RetentionRuleIn]


class RetentionRulePublic(BaseModel):
    name: str
    stages: list[str]
    months: int
    description: str


class ExpiredPublic(BaseModel):
    lead_id: int
    stage: str
    last_activity: datetime
    rule: str
    reason: str


class PurgePublic(BaseModel):
    dry_run: bool
    deleted: list[ExpiredPublic]
    rows: dict[str, int]


class AuditEntryPublic(BaseModel):
    id: int | None
    at: datetime
    action: str
    subject: str
    actor: str
    actor_email: str | None
    details: dict[str, Any]


@router.get("/privacy/persons", responses={200: {"content": {"text/csv": {}}}})
def export_person(
    db: DbDep,
    principal: PrincipalDep,
    keys: PrivacyKeysDep,
    now: NowDep,
    email: Email = None,
    phone: Phone = None,
    format: ExportFormat = ExportFormat.JSON,
) -> Response:
    """Everything stored about one person (Art. 15/20 GDPR) as JSON or CSV; admins only."""
    document = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: person_rights.export_person(
            uow, keys, by=principal, email=email, phone=phone, now=now
        ),
    )
    if format is ExportFormat.CSV:
        return Response(
            to_csv(document),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="person-export.csv"'},
        )
    return JSONResponse(document)


@router.delete("/privacy/persons", response_model=ErasurePublic)
def erase_person(
    db: DbDep,
    principal: PrincipalDep,
    keys: PrivacyKeysDep,
    now: NowDep,
    email: Email = None,
    phone: Phone = None,
) -> ErasurePublic:
    """Erase one person (Art. 17 GDPR): their rows go, mentions are redacted, a suppression
    hash and a non-personal audit entry stay, webhook receivers get `person.erased`."""
    report = person_rights.erase_person(db, keys, by=principal, email=email, phone=phone, now=now)
    return ErasurePublic(**report.__dict__)


@router.get("/privacy/retention", response_model=list[RetentionRulePublic])
def read_retention(db: DbDep, principal: PrincipalDep) -> list[RetentionRulePublic]:
    """The workspace's retention rules."""
    with reading(db, principal.workspace_id) as uow:
        return [_rule(rule) for rule in retention.retention_rules(uow)]


@router.put("/privacy/retention", response_model=list[RetentionRulePublic])
def replace_retention(
    body: RetentionRulesUpdate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> list[RetentionRulePublic]:
    """Replace the retention rules; admins only, audited."""
    items = [r.model_dump() for r in body.rules]
    rules = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: retention.set_retention_rules(uow, items, by=principal, now=now),
    )
    return [_rule(rule) for rule in rules]


@router.post("/privacy/purges", response_model=PurgePublic)
def purge(db: DbDep, principal: PrincipalDep, now: NowDep, dry_run: bool = True) -> PurgePublic:
    """Run the retention rules: delete expired leads (or with `dry_run`, only list them)."""
    report = retention.purge(db, principal.workspace_id, now=now, dry_run=dry_run, by=principal)
    return PurgePublic(
        dry_run=report.dry_run,
        deleted=[
            ExpiredPublic(
                lead_id=e.lead_id,
                stage=e.stage.value,
                last_activity=e.last_activity,
                rule=e.rule,
                reason=e.reason,
            )
            for e in report.expired
        ],
        rows=report.rows,
    )


@router.get("/privacy/ropa", responses={200: {"content": {"text/markdown": {}}}})
def records_of_processing(
    db: DbDep, principal: PrincipalDep, now: NowDep, format: RopaFormat = RopaFormat.JSON
) -> Response:
    """The records of processing activities (Art. 30 GDPR), from the workspace's configuration."""
    with reading(db, principal.workspace_id) as uow:
        document = ropa.records_of_processing(uow, by=principal, now=now)
    if format is RopaFormat.MARKDOWN:
        return Response(ropa.to_markdown(document), media_type="text/markdown; charset=utf-8")
    return JSONResponse(document)


@router.get("/audit", response_model=list[AuditEntryPublic])
def read_audit_log(
    db: DbDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
    action: str | None = None,
) -> list[AuditEntryPublic]:
    """The audit log, newest first: who read an export, erased a person, changed a rule,
    a role or a token; admins only."""
    with reading(db, principal.workspace_id) as uow:
        lines = audit_service.audit_entries(
            uow, by=principal, limit=limit, offset=offset, action=action
        )
    return [
        AuditEntryPublic(
            id=line.entry.id,
            at=line.entry.at,
            action=line.entry.action.value,
            subject=line.entry.subject,
            actor=line.entry.actor,
            actor_email=line.actor_email,
            details=line.entry.details,
        )
        for line in lines
    ]


def _rule(rule: RetentionRule) -> RetentionRulePublic:
    return RetentionRulePublic(
        name=rule.name,
        stages=[stage.value for stage in rule.stages],
        months=rule.months,
        description=rule.describe(),
    )
