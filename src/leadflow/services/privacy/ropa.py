"""The records of processing of one workspace, gathered from its configuration and data."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from leadflow.adapters.db.tables import legal_bases, webhooks
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.principal import Principal
from leadflow.domain.privacy import LegalBasis, Purpose
from leadflow.domain.ropa import Receiver, build_ropa
from leadflow.domain.ropa import to_markdown as ropa_markdown
from leadflow.services.privacy.retention import rules_of


def records_of_processing(uow: UnitOfWork, *, by: Principal, now: datetime) -> dict[str, Any]:
    """Purposes, data categories, recipients (roles, webhooks), retention rules and erasure
    periods of the workspace (Art. 30 GDPR); admins only."""
    by.require()
    directory = uow.directory
    workspace = directory.workspace_by_id(by.workspace_id)
    config = directory.workspace_config(by.workspace_id)
    roles = Counter(member.role.value for member in directory.members(by.workspace_id))
    receivers = [
        Receiver(row.url, list(row.events), bool(row.active))
        for row in uow.connection.execute(
            select(webhooks.c.url, webhooks.c.events, webhooks.c.active)
            .where(webhooks.c.workspace_id == by.workspace_id)
            .order_by(webhooks.c.id)
        )
    ]
    history = uow.connection.execute(
        select(legal_bases.c.lead_id, legal_bases.c.purpose, legal_bases.c.basis)
        .where(legal_bases.c.workspace_id == by.workspace_id)
        .order_by(legal_bases.c.at, legal_bases.c.id)
    )
    current = {(row.lead_id, row.purpose): row.basis for row in history}
    in_use: dict[Purpose, Counter[LegalBasis]] = defaultdict(Counter)
    for (_lead, purpose), basis in current.items():
        in_use[Purpose(purpose)][LegalBasis(basis)] += 1
    return build_ropa(
        controller=workspace.name,
        workspace=workspace.slug,
        generated_at=now.isoformat(timespec="seconds"),
        bases_in_use=in_use,
        roles=roles,
        receivers=receivers,
        rules=rules_of(config),
    )


def to_markdown(record: dict[str, Any]) -> str:
    """The record as a Markdown document."""
    return ropa_markdown(record)
