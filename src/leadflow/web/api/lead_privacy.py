"""Per-lead privacy endpoints: legal basis, consents, phone permission, marketing checks,
call tasks, campaign e-mails and objection."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work, reading
from leadflow.domain.consent import ConsentRecord
from leadflow.domain.errors import InvalidInput
from leadflow.domain.privacy import BasisEntry, PhonePermissionEntry, Purpose
from leadflow.domain.stages import Actor
from leadflow.services.privacy import consent as consent_service
from leadflow.services.privacy import marketing as marketing_service
from leadflow.services.privacy import suppression as suppression_service
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.privacy_deps import PrivacyKeysDep
from leadflow.web.api.privacy_schemas import (
    AudiencePublic,
    CallTaskCreate,
    CampaignEmailCreate,
    ConsentCreate,
    ConsentCreated,
    ConsentPublic,
    DecisionPublic,
    ExcludedPublic,
    LegalBasesPublic,
    LegalBasisPublic,
    LegalBasisUpdate,
    MarketingPublic,
    PhonePermissionPublic,
    PhonePermissionUpdate,
    RecipientPublic,
    SuppressionPublic,
    WithdrawalCreate,
)
from leadflow.web.api.schemas import ActivityPublic, TaskPublic
from leadflow.web.ids import IdPath
from leadflow.web.public_url import public_url

router = APIRouter(prefix="/api/v1", tags=["privacy"])


@router.get("/leads/{lead_id}/legal-basis", response_model=LegalBasesPublic)
def read_legal_basis(lead_id: IdPath, db: DbDep, principal: PrincipalDep) -> LegalBasesPublic:
    """The lead's current legal basis per purpose and its history."""
    with reading(db, principal.workspace_id) as uow:
        current, history = consent_service.legal_bases(uow, lead_id)
    return _bases(lead_id, list(current.values()), history)


@router.put("/leads/{lead_id}/legal-basis", response_model=LegalBasesPublic)
def set_legal_basis(
    lead_id: IdPath, body: LegalBasisUpdate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> LegalBasesPublic:
    """Record the legal basis for one purpose; legitimate interests need a written reason."""

    def record(uow: UnitOfWork) -> tuple[dict[Purpose, BasisEntry], list[BasisEntry]]:
        consent_service.set_legal_basis(
            uow, lead_id, body.purpose, body.basis, reason=body.reason, by=principal, now=now
        )
        return consent_service.legal_bases(uow, lead_id)

    current, history = in_unit_of_work(db, principal.workspace_id, record)
    return _bases(lead_id, list(current.values()), history)


@router.get("/leads/{lead_id}/consents", response_model=list[ConsentPublic])
def list_consents(lead_id: IdPath, db: DbDep, principal: PrincipalDep) -> list[ConsentPublic]:
    """The person's consent records, oldest first, exactly as stored."""
    with reading(db, principal.workspace_id) as uow:
        records = consent_service.consents(uow, lead_id)
    return [consent_public(record) for record in records]


@router.post(
    "/leads/{lead_id}/consents", response_model=ConsentCreated, status_code=status.HTTP_201_CREATED
)
def record_consent(
    lead_id: IdPath,
    body: ConsentCreate,
    db: DbDep,
    principal: PrincipalDep,
    now: NowDep,
    request: Request,
) -> ConsentCreated:
    """Append a consent; for e-mail the answer carries the double-opt-in link to send."""
    at = body.at or now
    if at > now:
        raise InvalidInput("a consent cannot be given in the future", field="at")
    recorded = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: consent_service.record_consent(
            uow,
            lead_id=lead_id,
            purpose=body.purpose,
            channel=body.channel,
            text_version=body.text_version,
            text=body.text,
            source_url=body.source_url,
            ip=body.ip,
            user_agent=body.user_agent,
            at=at,
            source="api",
            by=principal,
        ),
    )
    path = recorded.confirm_path
    return ConsentCreated(
        **consent_public(recorded.record).model_dump(),
        doi_token=recorded.doi_token,
        confirm_url=public_url(request) + path if path else None,
    )


@router.post(
    "/leads/{lead_id}/consents/withdrawals",
    response_model=ConsentPublic,
    status_code=status.HTTP_201_CREATED,
)
def withdraw_consent(
    lead_id: IdPath, body: WithdrawalCreate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> ConsentPublic:
    """Append a withdrawal of the consent for one purpose and channel."""
    record = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: consent_service.withdraw_consent(
            uow, lead_id=lead_id, purpose=body.purpose, channel=body.channel, at=now, by=principal
        ),
    )
    return consent_public(record)


@router.put("/leads/{lead_id}/phone-permission", response_model=PhonePermissionPublic)
def set_phone_permission(
    lead_id: IdPath, body: PhonePermissionUpdate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> PhonePermissionPublic:
    """Record the phone permission: express, presumed (with a reason) or none."""
    entry = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: consent_service.set_phone_permission(
            uow, lead_id, body.permission, reason=body.reason, by=principal, now=now
        ),
    )
    return _permission(entry)


@router.get("/leads/{lead_id}/marketing", response_model=MarketingPublic)
def read_marketing(
    lead_id: IdPath, db: DbDep, principal: PrincipalDep, keys: PrivacyKeysDep, request: Request
) -> MarketingPublic:
    """May a campaign e-mail or a call happen for this lead, and why (not); with the person's
    objection link."""
    with reading(db, principal.workspace_id) as uow:
        decisions = marketing_service.marketing_decisions(uow, keys, lead_id)
        url = suppression_service.lead_objection_url(uow, keys, public_url(request), lead_id)
    return MarketingPublic(
        lead_id=lead_id,
        decisions=[
            DecisionPublic(action=d.action, allowed=d.allowed, reason=d.reason) for d in decisions
        ],
        objection_url=url,
    )


@router.post("/leads/{lead_id}/call-tasks", response_model=TaskPublic, status_code=201)
def add_call_task(
    lead_id: IdPath,
    body: CallTaskCreate,
    db: DbDep,
    principal: PrincipalDep,
    keys: PrivacyKeysDep,
    now: NowDep,
) -> TaskPublic:
    """Add a task to call the lead: 409 when phone marketing is not allowed for it."""
    task = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: marketing_service.add_call_task(
            uow,
            keys,
            lead_id,
            title=body.title,
            due_on=body.due_on,
            assignee_id=body.assignee_id,
            by=principal,
            now=now,
        ),
    )
    return TaskPublic.model_validate(task, from_attributes=True)


@router.post("/leads/{lead_id}/campaign-emails", response_model=ActivityPublic, status_code=201)
def record_campaign_email(
    lead_id: IdPath,
    body: CampaignEmailCreate,
    db: DbDep,
    principal: PrincipalDep,
    keys: PrivacyKeysDep,
    now: NowDep,
) -> ActivityPublic:
    """Record a campaign e-mail to the lead: 409 when e-mail marketing is not allowed for it."""
    activity = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: marketing_service.record_campaign_email(
            uow,
            keys,
            lead_id,
            campaign_id=body.campaign_id,
            subject=body.subject,
            by=principal,
            now=now,
        ),
    )
    return ActivityPublic.model_validate(activity, from_attributes=True)


@router.post("/leads/{lead_id}/objection", response_model=SuppressionPublic)
def record_objection(
    lead_id: IdPath, db: DbDep, principal: PrincipalDep, keys: PrivacyKeysDep, now: NowDep
) -> SuppressionPublic:
    """Record an objection received by phone, letter or e-mail: all marketing stops for good."""
    entry = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: suppression_service.object_for_lead(
            uow, keys, lead_id, at=now, source="api", by=principal
        ),
    )
    if entry is None:
        return SuppressionPublic(suppressed=False, reason=None, at=None)
    return SuppressionPublic(suppressed=True, reason=entry.reason.value, at=entry.at)


@router.get("/campaigns/{campaign_id}/email-audience", response_model=AudiencePublic)
def campaign_email_audience(
    campaign_id: IdPath, db: DbDep, principal: PrincipalDep, keys: PrivacyKeysDep, request: Request
) -> AudiencePublic:
    """Who a campaign e-mail may go to (each with an objection link), and who not, and why."""
    principal.require(Actor.MARKETING)
    with reading(db, principal.workspace_id) as uow:
        audience = marketing_service.campaign_email_audience(
            uow, keys, campaign_id, base_url=public_url(request)
        )
    return AudiencePublic(
        campaign_id=campaign_id,
        recipients=[RecipientPublic(**r.__dict__) for r in audience.recipients],
        excluded=[ExcludedPublic(**e.__dict__) for e in audience.excluded],
    )


def consent_public(record: ConsentRecord) -> ConsentPublic:
    fields = {name: getattr(record, name) for name in ConsentPublic.model_fields}
    return ConsentPublic(**fields)


def _bases(lead_id: int, current: list[BasisEntry], history: list[BasisEntry]) -> LegalBasesPublic:
    def public(entry: BasisEntry) -> LegalBasisPublic:
        return LegalBasisPublic(
            purpose=entry.purpose,
            basis=entry.basis,
            reason=entry.reason,
            source=entry.source,
            by_user_id=entry.by_user_id,
            at=entry.at,
        )

    return LegalBasesPublic(
        lead_id=lead_id, current=[public(e) for e in current], history=[public(e) for e in history]
    )


def _permission(entry: PhonePermissionEntry) -> PhonePermissionPublic:
    return PhonePermissionPublic(
        permission=entry.permission,
        reason=entry.reason,
        source=entry.source,
        by_user_id=entry.by_user_id,
        at=entry.at,
    )
