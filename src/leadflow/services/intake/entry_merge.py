"""An entry merged into a known person and lead by the merge policy (domain/merge_policy.py),
the same for every entry path, and logged field by field in the merge log so it can be undone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from leadflow.adapters.db.merges import ENTRY_CONTACT_FIELDS, MergeRepository
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.lead import StageChange
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.merge_policy import Action, Entry, FieldChange, Known, MergePlan, decide
from leadflow.domain.stages import Actor, Stage

LEAD_FIELDS = ("source", "campaign_id", "owner_id")
UNIQUE_FIELDS = ("email", "external_id")
"""Fields one contact of the workspace has at most; a phone may be shared (a switchboard)."""
IMPORTED_HISTORY = "imported history"


@dataclass(frozen=True)
class Target:
    contact_id: int
    lead_id: int | None


@dataclass(frozen=True)
class Who:
    """The entry path and who entered it."""

    path: str
    actor: Actor
    by_user_id: int | None = None


@dataclass(frozen=True)
class EntryMerge:
    changes: tuple[FieldChange, ...]
    merge_id: int | None
    stage_changes: tuple[StageChange, ...] = ()

    @property
    def updated(self) -> bool:
        return any(change.applied for change in self.changes)


@dataclass(frozen=True)
class EntryRecord:
    """What a merge reads of its target: the contact's and the lead's entry fields and the
    contact's alternates."""

    contact: dict[str, Any]
    lead: dict[str, Any] | None
    alternates: frozenset[tuple[str, str]]


def entry_records(uow: UnitOfWork, targets: Collection[Target]) -> dict[Target, EntryRecord]:
    """The stored records of many targets, read set-based (three statements, not three per
    target); valid until one of them is merged into."""
    repo = uow.merges
    found = repo.entry_contacts([t.contact_id for t in targets])
    lead_ids = [t.lead_id for t in targets if t.lead_id is not None]
    leads = repo.entry_leads(lead_ids)
    alternates = repo.alternates_of(found)
    return {
        target: EntryRecord(
            found[target.contact_id],
            leads[target.lead_id] if target.lead_id is not None else None,
            frozenset(alternates.get(target.contact_id, ())),
        )
        for target in targets
        if target.contact_id in found and (target.lead_id is None or target.lead_id in leads)
    }


class TakenValues:
    """Which of some e-mails and external ids a contact of the workspace holds (as its own or as
    an alternate): read set-based once, then kept up to date by the merges that write them."""

    def __init__(
        self, connection: Connection, workspace_id: int, wanted: Collection[tuple[str, str]]
    ) -> None:
        repo = MergeRepository(connection, workspace_id)
        self.taken: set[tuple[str, str]] = set()
        for kind in UNIQUE_FIELDS:
            values = {value for name, value in wanted if name == kind}
            self.taken.update((kind, value) for value in repo.taken_values(kind, values))
        self.wanted = set(wanted)
        self.repo = repo

    def has(self, kind: str, value: str) -> bool:
        if (kind, value) in self.wanted:
            return (kind, value) in self.taken
        return self.repo.taken(kind, value)

    def add_all(self, values: Iterable[tuple[str, object]]) -> None:
        self.taken.update((k, v) for k, v in values if k in UNIQUE_FIELDS and isinstance(v, str))


def _read_record(repo: MergeRepository, target: Target) -> EntryRecord:
    contact = repo.entry_contact(target.contact_id)
    lead = repo.entry_lead(target.lead_id) if target.lead_id is not None else None
    return EntryRecord(contact, lead, frozenset(repo.alternates(target.contact_id)))


def change_dict(change: FieldChange) -> dict[str, Any]:
    return {
        "field": change.field,
        "action": str(change.action),
        "old": None if change.old is None else _plain(change.old),
        "new": None if change.new is None else _plain(change.new),
        **({"message": change.message} if change.message else {}),
    }


def _plain(value: object) -> str | int:
    return value if isinstance(value, int) else str(value)


def merge_entry(
    uow: UnitOfWork,
    target: Target,
    entry: Entry,
    *,
    table: TransitionTable,
    who: Who,
    reason: str,
    now: datetime,
    known_at: datetime | None = None,
    record: EntryRecord | None = None,
    taken: TakenValues | None = None,
) -> EntryMerge:
    """Apply the merge policy to the target; log what changed against its lead. `known_at`
    says when the stored values were written (default: when the lead was last written);
    `record` is the target as stored, when the caller has read it already (entry_records),
    `taken` the e-mails and external ids in use, when it keeps them (TakenValues).

    A person without a lead (a target list's contact) is only completed: empty fields filled,
    second e-mails and phones kept as alternates; nothing is replaced, so nothing needs a log.
    """
    repo = uow.merges
    is_taken = taken.has if taken is not None else repo.taken
    if record is None:
        record = _read_record(repo, target)
    contact, lead = record.contact, record.lead
    known = Known(
        fields={**contact, **({name: lead[name] for name in LEAD_FIELDS} if lead else {})},
        at=known_at or (lead["updated_at"] if lead else datetime.max.replace(tzinfo=now.tzinfo)),
        extras=dict(lead["extras"] or {}) if lead else {},
        alternates=record.alternates,
        stage=Stage(lead["stage"]) if lead else None,
    )
    if lead is None:
        entry = Entry(
            {k: v for k, v in entry.fields.items() if k in ENTRY_CONTACT_FIELDS}, entry.at
        )
    plan = decide(known, entry, table)
    changes = list(plan.changes)
    before_contact, before_lead = {}, {}
    added: dict[str, list[int]] = {"alternates": [], "stage_changes": [], "activities": []}

    contact_values = {k: v for k, v in plan.fields.items() if k in ENTRY_CONTACT_FIELDS}
    for name in UNIQUE_FIELDS:
        value = contact_values.get(name)
        if isinstance(value, str) and is_taken(name, value):
            del contact_values[name]
            _refuse(changes, name, value)
    if contact_values:
        before_contact = {name: contact[name] for name in contact_values}
        repo.set_contact(target.contact_id, contact_values)
        if taken is not None:
            taken.add_all(contact_values.items())
    for kind, value in plan.alternates:
        if kind in UNIQUE_FIELDS and is_taken(kind, value):
            _refuse(changes, kind, value, Action.ALTERNATE)
            continue
        added["alternates"].append(repo.add_alternate(target.contact_id, kind, value, now))
        if taken is not None:
            taken.add_all([(kind, value)])

    written: list[StageChange] = []
    if lead is not None and target.lead_id is not None:
        lead_values = _lead_values(plan)
        if lead_values:
            before_lead = {name: _stored(lead[name]) for name in lead_values}
            repo.set_lead(target.lead_id, lead_values, now)
        for step in plan.steps:
            change = StageChange(
                target.lead_id, step.source, step.target, step.at, who.actor, who.by_user_id,
                None, IMPORTED_HISTORY if step.dated else f"entry merged ({who.path})", False,
            )  # fmt: skip
            added["stage_changes"].append(repo.add_stage_change(target.lead_id, _log_row(change)))
            written.append(change)
        if plan.note:
            subject = f"message ({who.path})"
            added["activities"].append(repo.add_note(target.lead_id, subject, plan.note, now))
    if target.lead_id is None or not changes:
        return EntryMerge(tuple(changes), None, tuple(written))
    log = {
        "entry": who.path,
        "fields": [change_dict(change) for change in changes],
        "before": {"contact": before_contact, "lead": before_lead},
        "added": added,
    }
    merge_id = repo.log(target.lead_id, None, reason, log, who.by_user_id, now)
    return EntryMerge(tuple(changes), merge_id, tuple(written))


def _refuse(
    changes: list[FieldChange], name: str, value: str, action: Action = Action.FILLED
) -> None:
    for index, change in enumerate(changes):
        if change.field == name and change.new == value and change.action is action:
            message = "belongs to another contact of the workspace"
            changes[index] = FieldChange(name, Action.KEPT, change.old, value, message)


def _lead_values(plan: MergePlan) -> dict[str, Any]:
    values: dict[str, Any] = {k: v for k, v in plan.fields.items() if k in LEAD_FIELDS}
    if plan.extras is not None:
        values["extras"] = dict(plan.extras)
    if plan.steps:
        values["stage"] = plan.steps[-1].target.value
        values["stage_entered_at"] = plan.steps[-1].at
    return values


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _log_row(change: StageChange) -> dict[str, Any]:
    return {
        "source": change.source.value if change.source else None,
        "target": change.target.value,
        "at": change.at,
        "actor": change.actor.value,
        "by_user_id": change.by_user_id,
        "reason": change.reason,
        "note": change.note,
        "automatic": change.automatic,
    }


def undo_entry_merge(
    repo: MergeRepository, lead_id: int, changes: dict[str, Any], now: datetime
) -> None:
    """Put the lead and its contact back as they were before an entry's merge."""
    before = changes.get("before", {})
    repo.remove_added(changes.get("added", {}))
    repo.set_contact(repo.lead(lead_id).contact_id, dict(before.get("contact", {})))
    restored = dict(before.get("lead", {}))
    if "stage_entered_at" in restored:
        restored["stage_entered_at"] = datetime.fromisoformat(restored["stage_entered_at"])
    repo.set_lead(lead_id, restored, now)
