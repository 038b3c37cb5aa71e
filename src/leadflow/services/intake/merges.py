"""Merging a duplicate lead into the lead that survives, and undoing it from the merge log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadflow.adapters.db.matching import KnownPerson
from leadflow.adapters.db.merges import CONTACT_FIELDS
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import Conflict, InvalidInput
from leadflow.domain.merge_policy import Action, FieldChange
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.intake.duplicates import Probe, same_person
from leadflow.services.intake.entry_merge import change_dict, undo_entry_merge


@dataclass(frozen=True)
class MergeRecord:
    id: int
    survivor_id: int
    merged_id: int | None
    """None when an entry (API, form, import) was merged into the survivor."""
    reason: str
    at: datetime
    undone_at: datetime | None
    changes: dict[str, Any]

    @property
    def entry(self) -> str:
        """The path of the merged entry, or 'lead' for a merge of two leads."""
        return str(self.changes.get("entry", "lead"))

    @property
    def fields(self) -> list[dict[str, Any]]:
        """What the merge did, field by field: field, action, old and new value."""
        return list(self.changes.get("fields", []))


def _record(row: Any) -> MergeRecord:
    return MergeRecord(
        row.id, row.survivor_id, row.merged_id, row.reason, row.at, row.undone_at, row.changes
    )


def why_duplicates(uow: UnitOfWork, survivor_id: int, duplicate_id: int) -> str | None:
    """The reason two leads are the same person by the matching rules, or None."""
    q = uow.matching
    repo = uow.merges
    people = {
        person.contact_id: person
        for person in q.people_at_contacts(
            [repo.lead(survivor_id).contact_id, repo.lead(duplicate_id).contact_id]
        )
    }
    survivor = people[repo.lead(survivor_id).contact_id]
    duplicate = people[repo.lead(duplicate_id).contact_id]
    probe = _probe(duplicate)
    checks = (
        ("email", duplicate.email and duplicate.email == survivor.email),
        ("phone", duplicate.phone and duplicate.phone == survivor.phone),
        ("account", duplicate.account_id and duplicate.account_id == survivor.account_id),
    )
    for by, shared in checks:
        if shared:
            reason = same_person(probe, survivor, by=by)
            if reason is not None:
                return reason
    return None


def _probe(person: KnownPerson) -> Probe:
    return Probe(
        email=person.email,
        phone=person.phone,
        first_name=person.first_name,
        last_name=person.last_name,
        company=person.company,
    )


def merge_leads(
    uow: UnitOfWork,
    survivor_id: int,
    duplicate_id: int,
    *,
    by: Principal,
    now: datetime,
    reason: str | None = None,
) -> MergeRecord:
    """Merge a duplicate into the surviving lead: its empty contact fields are filled, the
    duplicate's activities, tasks and touches move over, and the duplicate is set aside."""
    by.require(Actor.SALES, Actor.MARKETING)
    if survivor_id == duplicate_id:
        raise InvalidInput("a lead cannot be merged into itself", field="duplicate_id")
    repo = uow.merges
    survivor, duplicate = repo.lead(survivor_id), repo.lead(duplicate_id)
    for row in (survivor, duplicate):
        if row.merged_into_id is not None:
            raise Conflict(f"lead {row.id} was merged into lead {row.merged_into_id} already")
    why = reason or why_duplicates(uow, survivor_id, duplicate_id)
    if why is None:
        why = f"chosen by {by.actor}" + (f" (user {by.user_id})" if by.user_id else "")
    kept, gone = repo.contact(survivor.contact_id), repo.contact(duplicate.contact_id)
    filled = {name: gone[name] for name in CONTACT_FIELDS if kept[name] is None and gone[name]}
    if "email" in filled:
        repo.set_contact(duplicate.contact_id, {"email": None})
    repo.set_contact(survivor.contact_id, filled)
    moved = repo.move_records(duplicate_id, survivor_id)
    repo.set_merged_into(duplicate_id, survivor_id, now)
    repo.touch(survivor_id, now)
    fields = [change_dict(FieldChange(n, Action.FILLED, kept[n], v)) for n, v in filled.items()]
    changes = {"filled": filled, "moved": moved, "fields": fields}
    merge_id = repo.log(survivor_id, duplicate_id, why, changes, by.user_id, now)
    return _record(repo.get(merge_id))


def unmerge(uow: UnitOfWork, merge_id: int, *, by: Principal, now: datetime) -> MergeRecord:
    """Undo a merge from its log entry: the leads (and the contact, its alternates and the stage
    log) are as they were before it."""
    by.require(Actor.SALES, Actor.MARKETING)
    repo = uow.merges
    row = repo.get(merge_id)
    if row.undone_at is not None:
        raise Conflict(f"merge {merge_id} was undone already")
    later = [m for m in repo.of_lead(row.survivor_id) if m.id > merge_id and m.undone_at is None]
    if later:
        raise Conflict(f"undo merge {later[-1].id} first: it came after merge {merge_id}")
    if row.merged_id is None:
        undo_entry_merge(repo, row.survivor_id, row.changes, now)
        repo.mark_undone(merge_id, now)
        return _record(repo.get(merge_id))
    survivor, duplicate = repo.lead(row.survivor_id), repo.lead(row.merged_id)
    if duplicate.merged_into_id != survivor.id:
        raise Conflict(f"lead {duplicate.id} is no longer merged into lead {survivor.id}")
    filled: dict[str, Any] = row.changes.get("filled", {})
    kept = repo.contact(survivor.contact_id)
    restore = {name: None for name, value in filled.items() if kept[name] == value}
    repo.set_contact(survivor.contact_id, restore)
    if "email" in restore:
        repo.set_contact(duplicate.contact_id, {"email": filled["email"]})
    repo.move_back(row.changes.get("moved", {}), duplicate.id)
    repo.set_merged_into(duplicate.id, None, now)
    repo.touch(survivor.id, now)
    repo.mark_undone(merge_id, now)
    return _record(repo.get(merge_id))


def merges_of(uow: UnitOfWork, lead_id: int) -> list[MergeRecord]:
    """The merge log entries a lead takes part in, oldest first."""
    repo = uow.merges
    repo.lead(lead_id)
    return [_record(row) for row in repo.of_lead(lead_id)]
