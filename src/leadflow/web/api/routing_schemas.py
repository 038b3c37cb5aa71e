"""Request and response shapes of the routing API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from leadflow.web.api.schemas import Input
from leadflow.web.ids import Id


class RoutingRulesPublic(BaseModel):
    toml: str | None
    """None while the workspace routes nothing (new MQLs stay unassigned)."""
    rules: int
    default_team: str | None


class CapacityUpdate(Input):
    leads_per_30_days: Annotated[int, Field(ge=0, le=1_000_000)] | None
    """None removes the limit."""


class AbsenceCreate(Input):
    user_id: Id
    first_day: date
    last_day: date
    note: Annotated[str, StringConstraints(max_length=200)] | None = None


class AbsencePublic(BaseModel):
    id: int
    user_id: int
    first_day: date
    last_day: date
    note: str | None


class RoutingDecisionPublic(BaseModel):
    lead_id: int
    user_id: int | None
    team: str | None
    rule_number: int | None
    reason: str
    assigned: bool
    """False for a simulation: nothing was changed."""


class AssignmentPublic(BaseModel):
    id: int
    user_id: int | None
    team: str | None
    rule_number: int | None
    reason: str
    at: datetime
