"""The audit log: insert and read, nothing else."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import audit_log
from leadflow.domain.audit import AuditAction, AuditEntry


def append(connection: Connection, entry: AuditEntry) -> int:
    return inserted_id(
        connection.execute(
            insert(audit_log).values(
                workspace_id=entry.workspace_id,
                at=entry.at,
                action=entry.action.value,
                subject=entry.subject,
                actor=entry.actor,
                actor_user_id=entry.actor_user_id,
                details=entry.details,
            )
        )
    )


def entries(
    connection: Connection,
    workspace_id: int,
    *,
    limit: int,
    offset: int = 0,
    action: str | None = None,
    since: datetime | None = None,
) -> list[AuditEntry]:
    """A workspace's entries, newest first."""
    query = select(audit_log).where(audit_log.c.workspace_id == workspace_id)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    rows = connection.execute(
        query.order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit).offset(offset)
    )
    return [
        AuditEntry(
            workspace_id=r.workspace_id,
            at=r.at,
            action=AuditAction(r.action),
            subject=r.subject,
            actor=r.actor,
            actor_user_id=r.actor_user_id,
            details=dict(r.details or {}),
            id=r.id,
        )
        for r in rows
    ]
