"""Request and response shapes of batch creation, merges and imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from leadflow.web.api.schemas import FieldChangePublic, FieldWarningPublic, Input, LeadPublic
from leadflow.web.ids import Id


class LeadBatch(Input):
    leads: list[dict[str, Any]] = Field(
        min_length=1, max_length=1000, description="Up to 1,000 leads, each as for POST /leads."
    )


class FieldErrorPublic(BaseModel):
    field: str
    message: str


class BatchItemPublic(BaseModel):
    index: int
    status: str
    lead: LeadPublic | None = None
    match_reason: str | None = None
    errors: list[FieldErrorPublic] = []
    warnings: list[FieldWarningPublic] = []


class BatchPublic(BaseModel):
    created: int
    merged: int
    rejected: int
    results: list[BatchItemPublic]


class MergeCreate(Input):
    duplicate_id: Id
    reason: str | None = Field(default=None, max_length=300)


class MergePublic(BaseModel):
    id: int
    survivor_id: int
    merged_id: int | None
    """None when an entry (API, form, import) was merged into the survivor."""
    entry: str
    """The path of the merged entry (api, form, import, ...) or `lead` for two leads merged."""
    reason: str
    at: datetime
    undone_at: datetime | None
    fields: list[FieldChangePublic]
    """What the merge did, field by field, with the old and the new value."""
    changes: dict[str, Any]


class ImportPublic(BaseModel):
    id: int
    file_name: str
    preset: str
    dry_run: bool
    status: str = Field(
        description="queued (waiting for `leadflow worker`), running, done or failed (see error)."
    )
    rows_done: int
    created: int
    merged: int
    merged_updated: int
    """Merged rows that changed their lead (the other merged rows brought nothing new)."""
    rejected: int
    warnings: int
    """Optional values dropped from imported rows (each row was imported without it)."""
    error: str | None
    started_at: datetime
    finished_at: datetime | None
    columns: dict[str, str]
    history: bool = Field(
        description="Imported as another system's past: no routing, clocks, events or auto-mql."
    )
    unknown_sources: dict[str, int] = {}
    """Lead sources that stand for no source code, kept as typed, with their row counts."""
    rejects_url: str
    warnings_url: str


class PreviewRowPublic(BaseModel):
    row: int
    values: dict[str, Any]
    errors: list[FieldErrorPublic]
    warnings: list[FieldErrorPublic] = []


class ImportPreviewPublic(BaseModel):
    file_name: str
    preset: str
    columns: dict[str, str]
    extras: list[str]
    ignored: list[str]
    rows: list[PreviewRowPublic]
