"""Writing and reading the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from leadflow.adapters.db import audit as audit_log
from leadflow.adapters.db.tables import users
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.audit import AuditAction, AuditEntry
from leadflow.domain.errors import InvalidInput
from leadflow.domain.principal import Principal


def record(
    connection: Connection,
    by: Principal | None,
    action: AuditAction,
    subject: str,
    *,
    workspace_id: int | None,
    at: datetime,
    **details: object,
) -> None:
    """Append one entry in the caller's transaction, so it commits with the change it records."""
    audit_log.append(
        connection,
        AuditEntry.by(by, action, subject, at=at, workspace_id=workspace_id, **details),
    )


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    actor_email: str | None


def audit_entries(
    uow: UnitOfWork,
    *,
    by: Principal,
    limit: int = 100,
    offset: int = 0,
    action: str | None = None,
    since: datetime | None = None,
) -> list[AuditLine]:
    """The workspace's audit log, newest first; admins only."""
    by.require()
    if action is not None and action not in {a.value for a in AuditAction}:
        known = ", ".join(a.value for a in AuditAction)
        raise InvalidInput(f"unknown audit action '{action}': use one of {known}", field="action")
    found = audit_log.entries(
        uow.connection, by.workspace_id, limit=limit, offset=offset, action=action, since=since
    )
    ids = {e.actor_user_id for e in found if e.actor_user_id is not None}
    emails = dict(
        uow.connection.execute(select(users.c.id, users.c.email).where(users.c.id.in_(ids))).all()
    )
    return [AuditLine(entry, emails.get(entry.actor_user_id)) for entry in found]
