"""A lead's person and owner changed by hand: the contact's names, e-mail, phone and job
title, and who owns the lead; checked like an entry and audited by field name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.importing.normalize import normalize_email, normalize_phone
from leadflow.domain.audit import AuditAction
from leadflow.domain.errors import Conflict, InvalidInput
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.workspaces import audit

EDITABLE = ("first_name", "last_name", "email", "phone", "job_title")


@dataclass(frozen=True)
class LeadEdit:
    """The person's fields as they should be (None clears one) and the lead's owner."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    owner_id: int | None = None


def edit_lead(
    uow: UnitOfWork,
    lead_id: int,
    edit: LeadEdit,
    *,
    by: Principal,
    now: datetime,
    expected_version: int | None = None,
) -> list[str]:
    """Change the lead's person and owner; the names of the fields that changed. A bad e-mail
    or phone is refused (not dropped), as is an e-mail or phone another person has."""
    by.require(Actor.SALES, Actor.MARKETING)
    lead = uow.leads.get(lead_id)
    lead.check_version(expected_version)
    wanted = _checked(edit)
    repo = uow.merges
    stored = repo.contact(lead.contact_id)
    own = repo.alternates(lead.contact_id)
    changes = {name: value for name, value in wanted.items() if stored[name] != value}
    for kind in ("email", "phone"):
        value = changes.get(kind)
        if value and (kind, value) not in own and repo.taken(kind, value):
            raise Conflict(f"another person in this workspace has this {kind}")
    repo.set_contact(lead.contact_id, changes)
    new_owner = edit.owner_id != lead.owner_id
    if new_owner:
        _set_owner(uow, lead_id, edit.owner_id, now)
    changed = sorted([*changes, *(["owner_id"] if new_owner else [])])
    if changed:
        repo.touch(lead_id, now)
        audit.record(
            uow.connection, by, AuditAction.LEAD_EDITED, f"lead:{lead_id}",
            workspace_id=uow.workspace_id, at=now, fields=changed,
        )  # fmt: skip
    return changed


def _checked(edit: LeadEdit) -> dict[str, str | None]:
    values = {name: (getattr(edit, name) or "").strip() or None for name in EDITABLE}
    if not (values["email"] or values["last_name"] or values["phone"]):
        raise InvalidInput("a lead needs an e-mail, a last name or a phone", field="identity")
    if values["email"]:
        try:
            values["email"] = normalize_email(values["email"]).address.lower()
        except ValueError as error:
            raise InvalidInput(str(error), field="email") from error
    if values["phone"]:
        try:
            values["phone"] = normalize_phone(values["phone"], region=None)
        except ValueError as error:
            raise InvalidInput(str(error), field="phone") from error
    return values


def _set_owner(uow: UnitOfWork, lead_id: int, owner_id: int | None, now: datetime) -> None:
    if owner_id is not None:
        uow.directory.member(uow.workspace_id, owner_id)
    uow.routing.set_owner(lead_id, owner_id)
    uow.routing.add_assignment(
        lead_id, user_id=owner_id, team=None, rule_number=None, reason="set by hand", at=now
    )
