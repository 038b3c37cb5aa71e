"""Request and response shapes of the privacy API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from leadflow.domain.consent import ConsentEvent
from leadflow.domain.marketing import Action
from leadflow.domain.privacy import Channel, LegalBasis, PhonePermission, Purpose
from leadflow.web.api.schemas import Input, Text
from leadflow.web.ids import Id

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class LegalBasisUpdate(Input):
    purpose: Purpose
    basis: LegalBasis
    reason: Reason | None = None


class LegalBasisPublic(BaseModel):
    purpose: Purpose
    basis: LegalBasis
    reason: str | None
    source: str | None
    by_user_id: int | None
    at: datetime


class LegalBasesPublic(BaseModel):
    lead_id: int
    current: list[LegalBasisPublic]
    history: list[LegalBasisPublic]


class ConsentCreate(Input):
    purpose: Purpose
    channel: Channel
    text_version: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    text: Annotated[str, StringConstraints(min_length=1, max_length=20000)]
    source_url: Annotated[str, StringConstraints(max_length=2000)] | None = None
    ip: Annotated[str, StringConstraints(max_length=45)] | None = None
    user_agent: Annotated[str, StringConstraints(max_length=1000)] | None = None
    at: datetime | None = None


class ConsentPublic(BaseModel):
    id: int | None
    event: ConsentEvent
    purpose: Purpose
    channel: Channel
    text_version: str | None
    text_hash: str | None
    text: str | None
    source_url: str | None
    ip: str | None
    user_agent: str | None
    source: str | None
    at: datetime
    doi_requested_at: datetime | None
    confirmed_at: datetime | None
    confirmation_ip: str | None
    confirmation_user_agent: str | None
    by_user_id: int | None


class ConsentCreated(ConsentPublic):
    doi_token: str | None
    confirm_url: str | None


class WithdrawalCreate(Input):
    purpose: Purpose
    channel: Channel


class PhonePermissionUpdate(Input):
    permission: PhonePermission
    reason: Reason | None = None


class PhonePermissionPublic(BaseModel):
    permission: PhonePermission
    reason: str | None
    source: str | None
    by_user_id: int | None
    at: datetime


class DecisionPublic(BaseModel):
    action: Action
    allowed: bool
    reason: str


class MarketingPublic(BaseModel):
    lead_id: int
    decisions: list[DecisionPublic]
    objection_url: str


class CallTaskCreate(Input):
    title: Text
    due_on: date
    assignee_id: Id | None = None


class CampaignEmailCreate(Input):
    campaign_id: Id
    subject: Text


class SuppressionPublic(BaseModel):
    """Whether a suppression entry now blocks marketing (none without e-mail and phone)."""

    suppressed: bool
    reason: str | None
    at: datetime | None


class RecipientPublic(BaseModel):
    lead_id: int
    email: str
    objection_url: str


class ExcludedPublic(BaseModel):
    lead_id: int
    reason: str


class AudiencePublic(BaseModel):
    campaign_id: int
    recipients: list[RecipientPublic]
    excluded: list[ExcludedPublic]
