"""Request and response shapes of the JSON API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from leadflow.domain.activity import ActivityKind, Outcome
from leadflow.domain.qualification import Status
from leadflow.domain.stages import Stage
from leadflow.web.api.handover_schemas import SlaReportPublic
from leadflow.web.ids import Id, Version

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
FieldKey = Annotated[str, StringConstraints(max_length=64)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$", to_upper=True)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LeadCreate(Input):
    # Checked by the intake, not here: a bad address beside a name or phone is a warning.
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)] | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    job_title: Text | None = None
    company: Text | None = None
    website_domain: Annotated[str, StringConstraints(max_length=255, to_lower=True)] | None = None
    industry: Text | None = None
    employees: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    country: CountryCode | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    city: Text | None = None
    source: Annotated[str, StringConstraints(max_length=100)] | None = None
    campaign_id: Id | None = None
    owner_id: Id | None = None
    stage: Stage = Stage.PROSPECT
    note: Annotated[str, StringConstraints(max_length=5000)] | None = None
    custom_fields: dict[FieldKey, Any] = Field(default_factory=dict)
    """Values of the workspace's custom fields (`GET /api/v1/fields`), checked by type."""


class LeadUpdate(Input):
    custom_fields: dict[FieldKey, Any] = Field(default_factory=dict)
    """Custom field values to set; `null` clears one, fields not named stay as they are."""
    expected_version: Version | None = None


class ContactPublic(BaseModel):
    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    job_title: str | None


class AccountPublic(BaseModel):
    id: int
    name: str
    domain: str | None
    industry: str | None
    employees: int | None
    country: str | None
    postal_code: str | None
    city: str | None


class FieldWarningPublic(BaseModel):
    """A value that was dropped on entry (the lead was stored without it) and why."""

    field: str
    message: str


class FieldChangePublic(BaseModel):
    """One field's part in a merge: filled, updated, added, alternate, moved, appended, kept
    (not applied: older, or the lesser value of one moment) or warning."""

    field: str
    action: str
    old: str | int | None = None
    new: str | int | None = None
    message: str | None = None


class LeadPublic(BaseModel):
    id: int
    version: int
    stage: Stage
    grade: str | None
    owner_id: int | None
    source: str | None
    source_known: bool = True
    """False when `source` stands for no source code and is kept as typed."""
    campaign_id: int | None
    created_at: datetime
    stage_entered_at: datetime
    deal_value: Decimal | None = None
    contact: ContactPublic
    account: AccountPublic | None
    extras: dict[str, str] = Field(default_factory=dict)
    """Values the lead arrived with that have no field of their own (form or import columns)."""
    custom_fields: dict[str, str | int | float | bool] = Field(default_factory=dict)
    merged: bool = False
    match_reason: str | None = None
    warnings: list[FieldWarningPublic] = []
    merge_id: int | None = None
    """The merge log entry of this merge (undo it with POST /merges/{id}/undo)."""
    changes: list[FieldChangePublic] = []
    """What the merge changed on the existing lead, field by field."""


class LeadPage(BaseModel):
    items: list[LeadPublic]
    total: int
    limit: int
    offset: int


class TransitionCreate(Input):
    to: Stage
    reason: Annotated[str, StringConstraints(max_length=100)] | None = None
    note: Annotated[str, StringConstraints(max_length=5000)] | None = None
    expected_version: Version | None = None
    deal_value: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = Field(
        default=None, description="With `to: won`: what the deal is worth (EUR), for ROI."
    )


class StageChangePublic(BaseModel):
    source: Stage | None
    target: Stage
    at: datetime
    actor: str
    by_user_id: int | None
    reason: str | None
    note: str | None
    automatic: bool


class AssessmentIn(Input):
    criterion: Annotated[str, StringConstraints(max_length=64)]
    status: Status
    value: Any = None
    note: Annotated[str, StringConstraints(max_length=5000)] | None = None


class QualificationUpdate(Input):
    assessments: list[AssessmentIn] = Field(min_length=1)
    expected_version: Version | None = None


class CriterionStatus(BaseModel):
    key: str
    label: str
    status: Status


class QualificationPublic(BaseModel):
    lead_id: int
    framework: str
    grade: str
    version: int
    criteria: list[CriterionStatus]


class StageCountPublic(BaseModel):
    stage: Stage
    leads: int
    entries: int


class ConversionPublic(BaseModel):
    source: Stage
    target: Stage
    converted: int
    cohort: int
    rate: float | None


class FunnelPublic(BaseModel):
    start: date | None
    end: date | None
    stages: list[StageCountPublic]
    conversions: list[ConversionPublic]
    accepted: int
    rejected: int
    acceptance_rate: float | None
    """Accepted over accepted and rejected: MQLs that expired undecided are not in it."""
    rejection_reasons: dict[str, int]
    expired: int = Field(
        description="MQLs recycled by the SLA (`sla_expired`) before sales accepted or rejected."
    )
    imported_past_start: int = Field(
        default=0,
        description="Leads an import brought in at a later stage than MQL without their earlier "
        "history: no conversion into that stage can be computed for them.",
    )
    snapshot: dict[Stage, int] | None = Field(
        default=None,
        description="With `to`: how many leads stood in each stage at the end of that day.",
    )
    sla: SlaReportPublic
    """Hand-over SLA compliance of the period's MQLs, in total, per sales user and per source."""


class StageCreditsPublic(BaseModel):
    mql: float
    sql: float
    won: float


class AttributionRowPublic(BaseModel):
    campaign_id: int | None = Field(description="None: conversions with no campaign touch.")
    campaign: str | None
    first_touch: StageCreditsPublic
    last_touch: StageCreditsPublic
    linear: StageCreditsPublic


class AttributionPublic(BaseModel):
    start: date | None
    end: date | None
    campaigns: list[AttributionRowPublic]
    """Each model hands out one credit per conversion: the columns add up to the counts of
    leads that became MQL, SQL and won in the period."""


class CampaignCreate(Input):
    name: Text
    channel: str
    starts_on: date
    ends_on: date | None = None
    planned_cost: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] = Decimal(0)
    actual_cost: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] = Decimal(0)


class CampaignPublic(BaseModel):
    id: int
    name: str
    channel: str
    kind: str
    starts_on: date
    ends_on: date | None
    planned_cost: Decimal
    actual_cost: Decimal
    form_key: str
    form_url: str


class ActivityCreate(Input):
    kind: ActivityKind
    outcome: Outcome = Outcome.NONE
    subject: Text | None = None
    body: Annotated[str, StringConstraints(max_length=20000)] | None = None
    at: datetime | None = None


class ActivityPublic(BaseModel):
    id: int | None
    kind: ActivityKind
    outcome: Outcome
    subject: str | None
    body: str | None
    by_user_id: int | None
    at: datetime


class TaskCreate(Input):
    title: Text
    due_on: date
    assignee_id: Id | None = None


class TaskPublic(BaseModel):
    id: int | None
    title: str
    due_on: date
    assignee_id: int | None
    done_at: datetime | None
