"""The form quarantine for marketing: the list with counts per reason, release into the funnel
(the same path a good submission takes), delete, and the purge of old entries."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.public_forms import form_of_campaign
from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work
from leadflow.domain.audit import AuditAction
from leadflow.domain.form_config import form_config_from
from leadflow.domain.principal import Principal
from leadflow.domain.quarantine import (
    DEFAULT_KEEP_DAYS,
    QuarantineEntry,
    QuarantineReason,
    expired_before,
)
from leadflow.domain.stages import Actor
from leadflow.domain.web_to_lead import read_submission, single_values
from leadflow.services.intake.forms import Outcome, PublicForm, Visitor, enter_submission
from leadflow.services.workspaces import audit

log = logging.getLogger("leadflow.forms")


@dataclass(frozen=True)
class QuarantineListing:
    entries: list[tuple[QuarantineEntry, str]]
    """Newest first, each with its campaign's name."""
    total: int
    counts: dict[QuarantineReason, int]


def quarantine_list(
    uow: UnitOfWork, *, by: Principal, limit: int = 50, offset: int = 0
) -> QuarantineListing:
    """The workspace's quarantined submissions and how many carry each reason."""
    by.require(Actor.MARKETING)
    held = uow.quarantine
    total, counts = held.counts()
    return QuarantineListing(held.newest(limit=limit, offset=offset), total, counts)


def release(
    uow: UnitOfWork, entry_id: int, *, by: Principal, now: datetime, base_url: str, privacy: Any
) -> Outcome:
    """Enter a quarantined submission into the funnel as if it had passed: the lead, its stage,
    hand-over clock, routing, events and consent records (as of the original submission); the
    release is in the audit log and the entry leaves the quarantine."""
    by.require(Actor.MARKETING)
    held = uow.quarantine
    entry = held.get(entry_id)
    campaign, settings = form_of_campaign(uow.connection, by.workspace_id, entry.campaign_id)
    form = PublicForm(campaign, form_config_from(settings, stored=True))
    submission = read_submission(single_values(entry.fields))
    visitor = Visitor(entry.ip, entry.user_agent, entry.language)
    outcome = enter_submission(
        uow, form, submission, visitor, entry.consents, submitted_at=entry.received_at,
        now=now, base_url=base_url, privacy=privacy,
    )  # fmt: skip
    held.remove(entry_id)
    audit.record(
        uow.connection, by, AuditAction.QUARANTINE_RELEASED, f"quarantine:{entry_id}",
        workspace_id=by.workspace_id, at=now, lead_id=outcome.lead_id,
        merged=outcome.merged, reasons=list(entry.reasons),
        received_at=entry.received_at.isoformat(),
    )  # fmt: skip
    return outcome


def delete(uow: UnitOfWork, entry_id: int, *, by: Principal, now: datetime) -> None:
    """Delete a quarantined submission (spam, after all); the audit log keeps that it was."""
    by.require(Actor.MARKETING)
    held = uow.quarantine
    entry = held.get(entry_id)
    held.remove(entry_id)
    audit.record(
        uow.connection, by, AuditAction.QUARANTINE_DELETED, f"quarantine:{entry_id}",
        workspace_id=by.workspace_id, at=now, reasons=list(entry.reasons),
    )  # fmt: skip


def purge_quarantine(uow: UnitOfWork, *, now: datetime, keep_days: int = DEFAULT_KEEP_DAYS) -> int:
    """Delete one workspace's entries older than `keep_days`; how many went."""
    return uow.quarantine.purge(expired_before(now, keep_days))


def purge_quarantine_everywhere(
    db: Database, *, now: datetime, keep_days: int = DEFAULT_KEEP_DAYS
) -> dict[str, int]:
    """The worker's purge: old entries of every workspace, one transaction each."""
    with db.reading() as connection:
        workspaces = [(w.slug, w.id) for w in Directory(connection).all_workspaces()]
    purged = {}
    for slug, workspace_id in workspaces:
        assert workspace_id is not None
        count = in_unit_of_work(
            db, workspace_id, lambda uow: purge_quarantine(uow, now=now, keep_days=keep_days)
        )
        if count:
            log.info("form quarantine: %s entries of %s purged", count, slug)
            purged[slug] = count
    return purged
