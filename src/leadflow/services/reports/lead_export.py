"""The lead export: one row per lead with its contact, company and custom field values."""

from __future__ import annotations

from datetime import date

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.table_export import Cell, ExportTable
from leadflow.domain.custom_fields import FieldDefinition, FieldType, FieldValue
from leadflow.domain.lead import LeadDetails, LeadFilter

COLUMNS = (
    "id", "stage", "grade", "first_name", "last_name", "email", "phone", "job_title", "company",
    "domain", "source", "campaign_id", "owner_id", "created_at", "stage_entered_at",
)  # fmt: skip


def lead_table(uow: UnitOfWork, where: LeadFilter | None = None) -> ExportTable:
    """Every lead of the workspace (merged duplicates aside), with one column per custom field
    named by its key."""
    definitions = uow.fields.all()
    rows = [
        [*_standard_cells(details), *_field_cells(definitions, details.lead.custom_fields)]
        for details in uow.leads.each(where or LeadFilter())
    ]
    return ExportTable("leads", [*COLUMNS, *(d.key for d in definitions)], rows)


def _standard_cells(details: LeadDetails) -> list[Cell]:
    lead, contact, account = details.lead, details.contact, details.account
    return [
        lead.id, lead.stage.value, lead.grade, contact.first_name, contact.last_name,
        contact.email, contact.phone, contact.job_title, account.name if account else None,
        account.domain if account else None, lead.source, lead.campaign_id, lead.owner_id,
        lead.created_at, lead.stage_entered_at,
    ]  # fmt: skip


def _field_cells(definitions: list[FieldDefinition], values: dict[str, FieldValue]) -> list[Cell]:
    return [_cell(definition, values.get(definition.key)) for definition in definitions]


def _cell(definition: FieldDefinition, value: FieldValue | None) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if definition.type is FieldType.DATE and isinstance(value, str):
        return date.fromisoformat(value)
    return value
