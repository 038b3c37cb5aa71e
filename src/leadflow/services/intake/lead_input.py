"""What a caller knows about a lead it enters: the one input of every entry path."""

from __future__ import annotations

from dataclasses import dataclass, field

from leadflow.domain.stages import Stage


@dataclass(frozen=True)
class LeadInput:
    """What a caller knows about a new lead."""

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    job_title: str | None = None
    company: str | None = None
    website_domain: str | None = None
    industry: str | None = None
    employees: int | None = None
    country: str | None = None
    postal_code: str | None = None
    city: str | None = None
    source: str | None = None
    campaign_id: int | None = None
    owner_id: int | None = None
    stage: Stage = Stage.PROSPECT
    note: str | None = None
    extras: dict[str, str] = field(default_factory=dict)
    custom_fields: dict[str, object] = field(default_factory=dict)
    """Values of the workspace's custom fields by key, checked against each field's type."""
    provenance: dict[str, object] | None = None
    """Where the lead came from, e.g. domain.privacy.provenance("import", file=..., row=17)."""
    warnings: tuple[tuple[str, str], ...] = ()
    """(field, problem) of optional values dropped on entry."""
