"""Request and response shapes of the custom field endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from leadflow.domain.custom_fields import FieldType
from leadflow.web.api.schemas import Input

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class FieldCreate(Input):
    key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,64}$")]
    type: FieldType
    label_de: Label
    label_en: Label
    choices: list[Label] = Field(default_factory=list)
    from_extra: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    """Promote the extras of this key (default: the field's own key)."""


class FieldPublic(BaseModel):
    key: str
    type: FieldType
    label_de: str
    label_en: str
    choices: list[str]


class UnconvertedPublic(BaseModel):
    lead_id: int
    value: str
    reason: str


class FieldCreated(BaseModel):
    field: FieldPublic
    promoted_from: str
    converted: int
    """Leads whose extra became the field's typed value."""
    kept: list[UnconvertedPublic]
    """Extra values that do not fit the type: they stay extras."""


class FieldRemoved(BaseModel):
    key: str
    values_moved_to_extras: int
