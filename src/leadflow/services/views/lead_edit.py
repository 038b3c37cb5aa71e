"""What the edit form of a lead shows: its person's fields, its owner and who can own it."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.custom_fields import FieldDefinition
from leadflow.domain.workspace import Member
from leadflow.services.intake.lead_edits import EDITABLE
from leadflow.services.workspaces.directory import workspace_members


@dataclass(frozen=True)
class LeadEditView:
    lead_id: int
    name: str
    version: int
    values: dict[str, str]
    """The person's fields, the owner id and each custom field (as `field.<key>`) as the form
    shows them ("" for none)."""
    members: list[Member]
    fields: list[FieldDefinition]


def lead_edit_view(uow: UnitOfWork, lead_id: int) -> LeadEditView:
    """The lead's current person and owner; LeadNotFound for another workspace's."""
    lead = uow.leads.get(lead_id)
    contact = uow.merges.contact(lead.contact_id)
    values = {name: str(contact[name] or "") for name in EDITABLE}
    values["owner_id"] = str(lead.owner_id or "")
    fields = uow.fields.all()
    for definition in fields:
        value = lead.custom_fields.get(definition.key)
        values[f"field.{definition.key}"] = _shown(value)
    name = " ".join(v for v in (values["first_name"], values["last_name"]) if v)
    return LeadEditView(
        lead_id, name or values["email"], lead.version, values, workspace_members(uow), fields
    )


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
