"""Retention: per-workspace rules, and the purge that applies them (by hand or from the worker)."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.retention import expired_leads
from leadflow.adapters.db.uow import UnitOfWork, unit_of_work
from leadflow.domain.audit import AuditAction
from leadflow.domain.errors import InvalidInput
from leadflow.domain.principal import Principal
from leadflow.domain.retention import Expired, RetentionRule, rules_from_config
from leadflow.services.privacy.person_rights import erase_contacts
from leadflow.services.workspaces import audit

CONFIG_KEY = "retention"


def rules_of(config: dict[str, object]) -> list[RetentionRule]:
    return rules_from_config(config.get(CONFIG_KEY))


def retention_rules(uow: UnitOfWork) -> list[RetentionRule]:
    """The workspace's retention rules, in the order they were given."""
    return rules_of(uow.directory.workspace_config(uow.workspace_id))


def set_retention_rules(
    uow: UnitOfWork, items: Sequence[object], *, by: Principal, now: datetime
) -> list[RetentionRule]:
    """Replace the workspace's retention rules (checked first); admins only, audited."""
    by.require()
    rules = rules_from_config(list(items))
    config = uow.directory.workspace_config(by.workspace_id)
    config[CONFIG_KEY] = [rule.as_config() for rule in rules]
    uow.directory.set_workspace_config(by.workspace_id, config)
    audit.record(
        uow.connection,
        by,
        AuditAction.RETENTION_RULES_CHANGED,
        "retention rules",
        workspace_id=by.workspace_id,
        at=now,
        rules=[rule.as_config() for rule in rules],
    )
    return rules


def rules_as_toml(rules: Sequence[RetentionRule]) -> str:
    """The rules as the `[[rules]]` tables rules_from_toml reads."""
    blocks = []
    for rule in rules:
        stages = ", ".join(json.dumps(str(stage)) for stage in rule.stages)
        blocks.append(
            f"[[rules]]\nname = {json.dumps(rule.name)}\nstages = [{stages}]\n"
            f"months = {rule.months}\n"
        )
    return "\n".join(blocks)


def rules_from_toml(text: str) -> list[object]:
    """The `[[rules]]` tables of a retention file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"the retention file is not valid TOML: {error}") from error
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise InvalidInput("the retention file needs [[rules]] tables", field="rules")
    return rules


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deleted (or, in a dry run, would delete) and why."""

    dry_run: bool
    expired: list[Expired]
    rows: dict[str, int] = field(default_factory=dict)
    event_id: str | None = None

    def by_rule(self) -> dict[str, int]:
        return dict(Counter(e.rule for e in self.expired))


def purge(
    db: Database,
    workspace_id: int,
    *,
    now: datetime,
    dry_run: bool,
    by: Principal | None = None,
) -> PurgeReport:
    """Apply the workspace's retention rules: delete expired leads with their person, or only
    list them. Callable from the worker (`by` None) or by an admin."""
    if by is not None:
        by.require()
    with unit_of_work(db, workspace_id) as uow:
        expired: dict[int, Expired] = {}
        for rule in rules_of(uow.directory.workspace_config(workspace_id)):
            for item in expired_leads(uow.connection, workspace_id, rule, now):
                expired.setdefault(item.lead_id, item)
        found = sorted(expired.values(), key=lambda e: (e.last_activity, e.lead_id))
        if dry_run:
            return PurgeReport(True, found)
        people = uow.people
        contact_ids = people.with_merged(sorted({e.contact_id for e in found}))
        erased = erase_contacts(
            uow, [people.contact(i) for i in contact_ids], reason="retention", now=now
        )
        report = PurgeReport(False, found, erased.deleted, erased.event_id)
        if not found and by is None:
            return report
        audit.record(
            uow.connection,
            by,
            AuditAction.RETENTION_PURGED,
            "retention rules",
            workspace_id=workspace_id,
            at=now,
            leads=len(found),
            by_rule=report.by_rule(),
            rows=erased.deleted,
        )
    if erased.contacts:
        db.scrub(erased.touched())
    return report


def purge_everywhere(db: Database, *, now: datetime) -> dict[str, PurgeReport]:
    """The worker's purge: every workspace with retention rules, one transaction each."""
    with db.reading() as connection:
        directory = Directory(connection)
        targets = [
            (w.slug, w.id)
            for w in directory.all_workspaces()
            if w.id is not None and rules_of(directory.workspace_config(w.id))
        ]
    return {slug: purge(db, workspace_id, now=now, dry_run=False) for slug, workspace_id in targets}
