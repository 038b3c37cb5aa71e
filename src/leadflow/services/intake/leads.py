"""Use cases of a lead's life: create, move through the funnel, qualify."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from leadflow.adapters.db.locks import lock_names
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.importing.normalize import company_key
from leadflow.domain import qualification
from leadflow.domain.custom_fields import FieldValue
from leadflow.domain.errors import InvalidInput
from leadflow.domain.freemail import email_domain, is_free_mail
from leadflow.domain.lead import Lead, LeadDetails, LeadFilter, StageChange, enter
from leadflow.domain.lifecycle import Move
from leadflow.domain.merge_policy import FieldChange
from leadflow.domain.party import Account, Contact
from leadflow.domain.principal import Principal
from leadflow.domain.qualification import Assessment, Framework, Status
from leadflow.domain.stages import Actor
from leadflow.services.intake import lead_hooks
from leadflow.services.intake.duplicates import (
    AccountMatch,
    absorb,
    find_duplicate_of,
    normalized_input,
)
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.lifecycle import rules
from leadflow.services.workspaces import custom_fields
from leadflow.services.workspaces.source_settings import canonical_source


@dataclass(frozen=True)
class Created:
    details: LeadDetails
    merged: bool
    match_reason: str | None = None
    warnings: tuple[tuple[str, str], ...] = ()
    """(field, problem) of values dropped on entry; the lead was stored without them."""
    source_known: bool = True
    """False when the entry's source stands for no source code (kept as typed)."""
    changes: tuple[FieldChange, ...] = ()
    """What the merge did to the existing lead, field by field (merge policy)."""
    merge_id: int | None = None


@dataclass(frozen=True)
class CheckedEntry:
    """An entry normalised and checked, ready to be matched and written."""

    data: LeadInput
    source_known: bool
    move: Move
    values: dict[str, FieldValue]


def find_leads(
    uow: UnitOfWork, where: LeadFilter, *, limit: int, offset: int
) -> tuple[list[LeadDetails], int]:
    """One page of the leads matching the filter, newest first, and how many match in all."""
    return uow.leads.search(where, limit=limit, offset=offset)


def lead_details(uow: UnitOfWork, lead_id: int) -> LeadDetails:
    """One lead with its contact and account; LeadNotFound for a lead the workspace lacks."""
    return uow.leads.details(lead_id)


def check_entry(uow: UnitOfWork, data: LeadInput, *, by: Principal) -> CheckedEntry:
    """Normalise an entry and check what needs no matching: an identity, the source, that the
    caller may create a lead in its stage, and its custom field values."""
    if not (data.email or data.last_name or data.phone):
        raise InvalidInput("a lead needs an e-mail address, a last name or a phone number")
    data = normalized_input(data)
    source, source_known = canonical_source(uow, data.source)
    data = replace(data, source=source)
    # Checked first: a caller who may not create this lead may not add to an existing one either.
    table = rules.transition_table(uow.directory.workspace_config(uow.workspace_id))
    move = enter(table, data.stage, by.actor)
    values = custom_fields.checked_values(uow, data.custom_fields)
    return CheckedEntry(data, source_known, move, values)


def check_references(uow: UnitOfWork, data: LeadInput) -> None:
    """The campaign and the owner a new lead names exist in the workspace."""
    if data.campaign_id is not None:
        uow.campaigns.get(data.campaign_id)
    if data.owner_id is not None:
        uow.directory.member(uow.workspace_id, data.owner_id)


def create_lead(uow: UnitOfWork, data: LeadInput, *, by: Principal, now: datetime) -> Created:
    """Create a lead, or return the workspace's existing lead for the same person (a duplicate
    by e-mail, phone, or name at the same account) with the reason it matched."""
    return create_checked(uow, check_entry(uow, data, by=by), by=by, now=now)


def create_checked(
    uow: UnitOfWork, checked: CheckedEntry, *, by: Principal, now: datetime
) -> Created:
    """create_lead for an entry check_entry has passed."""
    data, source_known, move, values = (
        checked.data, checked.source_known, checked.move, checked.values
    )  # fmt: skip
    email = data.email
    # Two entries of one person at the same moment: the second waits here, then finds the first.
    lock_names(uow.connection, uow.workspace_id, identity_names(data))
    match, known_account = find_duplicate_of(uow, data)
    if match is not None and match.lead_id is not None:
        merged = absorb(uow, match, data, by=by, now=now)
        custom_fields.fill_empty(uow, match.lead_id, values, now=now)
        return Created(
            uow.leads.details(match.lead_id), merged=True, match_reason=match.reason,
            changes=merged.changes, merge_id=merged.merge_id, warnings=data.warnings,
            source_known=source_known,
        )  # fmt: skip
    check_references(uow, data)
    account_id = _find_or_add_account(uow, data, known_account, now)
    contact = Contact(
        workspace_id=uow.workspace_id,
        account_id=account_id,
        first_name=data.first_name,
        last_name=data.last_name,
        email=email,
        phone=data.phone,
        job_title=data.job_title,
    )
    if match is not None:
        # A person of a target list (no lead yet): the lead is new, the contact is not.
        contact.id = match.person.contact_id
    else:
        uow.contacts.add(contact, now)
    assert contact.id is not None
    lead = Lead(
        workspace_id=uow.workspace_id,
        contact_id=contact.id,
        account_id=account_id,
        campaign_id=data.campaign_id,
        owner_id=data.owner_id,
        source=data.source,
        stage=move.target,
        created_at=now,
        stage_entered_at=now,
        extras=dict(data.extras),
        custom_fields=values,
        provenance=dict(data.provenance) if data.provenance else None,
    )
    lead_id = uow.leads.add(lead, now)
    entry = StageChange(
        lead_id=lead_id,
        source=None,
        target=move.target,
        at=now,
        actor=by.actor,
        by_user_id=by.user_id,
        reason=None,
        note=data.note,
        automatic=move.automatic,
    )
    uow.leads.log(entry)
    if match is not None:
        absorb(uow, match, replace(data, note=None, extras={}), by=by, now=now, lead_id=lead_id)
    lead_hooks.lead_created(uow, lead, entry, now=now)
    return Created(
        uow.leads.details(lead_id), merged=False, warnings=data.warnings, source_known=source_known
    )


def lock_people(uow: UnitOfWork, entries: Sequence[CheckedEntry]) -> None:
    """Lock the e-mails and phones of many checked entries in one go and in one order: a batch
    that took them entry by entry, holding the routing lock in between, could deadlock with
    another."""
    names = [name for entry in entries for name in identity_names(entry.data)]
    lock_names(uow.connection, uow.workspace_id, names)


def identity_names(data: LeadInput) -> list[str]:
    """The normalised e-mail and phone that identify a person across entries."""
    names = [f"email:{data.email}"] if data.email else []
    return names + ([f"phone:{data.phone}"] if data.phone else [])


def _find_or_add_account(
    uow: UnitOfWork, data: LeadInput, known: AccountMatch | None, now: datetime
) -> int | None:
    """The id of the account the matching found, else of a new one (None without a company
    or a company domain)."""
    if known is not None:
        return known.account.id
    domain = data.website_domain
    if not domain and data.email and not is_free_mail(data.email):
        domain = email_domain(data.email)
    if not data.company and not domain:
        return None
    name = data.company or domain or ""
    account = Account(
        workspace_id=uow.workspace_id,
        name=name,
        domain=domain,
        industry=data.industry,
        employees=data.employees,
        country=data.country,
        postal_code=data.postal_code,
        city=data.city,
    )
    uow.accounts.add(account, company_key(name), now)
    return account.id


@dataclass(frozen=True)
class AssessmentInput:
    criterion: str
    status: Status
    value: object = None
    note: str | None = None


@dataclass(frozen=True)
class QualificationResult:
    lead: Lead
    grade: str
    statuses: dict[str, Status]
    framework: qualification.Framework


def qualification_of(uow: UnitOfWork, lead_id: int) -> tuple[Framework, list[Assessment]]:
    """The workspace's qualification framework and the lead's assessments, oldest first;
    LeadNotFound for a lead the workspace lacks."""
    uow.leads.get(lead_id)
    framework = rules.framework(uow.directory.workspace_config(uow.workspace_id))
    return framework, uow.leads.assessments(lead_id)


def qualify_lead(
    uow: UnitOfWork,
    lead_id: int,
    items: Sequence[AssessmentInput],
    *,
    by: Principal,
    now: datetime,
    expected_version: int | None = None,
) -> QualificationResult:
    """Record criterion assessments (as history) and recompute the grade."""
    by.require(Actor.SALES, Actor.MARKETING)
    if not items:
        raise InvalidInput("give at least one criterion assessment", field="assessments")
    lead = uow.leads.get(lead_id)
    lead.check_version(expected_version)
    framework = rules.framework(uow.directory.workspace_config(uow.workspace_id))
    for item in items:
        criterion = framework.criterion(item.criterion)
        value = qualification.check_value(criterion, item.value)
        uow.leads.add_assessment(
            lead_id, Assessment(criterion.key, item.status, now, value, item.note, by.user_id)
        )
    statuses = qualification.current_statuses(framework, uow.leads.assessments(lead_id))
    new_grade = qualification.grade(framework, statuses)
    read_version = lead.version
    if new_grade != lead.grade:
        uow.leads.log_grade(lead_id, lead.grade, new_grade, by.user_id, now)
        lead.grade = new_grade
    lead.version += 1
    uow.leads.save(lead, read_version=read_version, now=now)
    return QualificationResult(lead, new_grade, statuses, framework)
