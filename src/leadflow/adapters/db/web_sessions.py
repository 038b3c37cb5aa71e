"""Sign-in sessions of the web UI: a row per session, found by the hash of its secret id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import memberships, users, web_sessions, workspaces
from leadflow.domain.stages import Role
from leadflow.domain.workspace import Workspace


@dataclass(frozen=True)
class SessionRow:
    id: int
    user_id: int
    email: str
    name: str | None
    locale: str | None
    workspace: Workspace
    role: Role
    expires_at: datetime


@dataclass(frozen=True)
class WorkspaceChoice:
    workspace: Workspace
    role: Role


class WebSessionStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(
        self, token_hash: str, user_id: int, workspace_id: int, now: datetime, expires_at: datetime
    ) -> int:
        result = self.connection.execute(
            insert(web_sessions).values(
                token_hash=token_hash,
                user_id=user_id,
                workspace_id=workspace_id,
                created_at=now,
                expires_at=expires_at,
            )
        )
        return inserted_id(result)

    def find(self, token_hash: str) -> SessionRow | None:
        """The session with its user and the user's role in the session's workspace."""
        row = self.connection.execute(
            select(
                web_sessions.c.id,
                web_sessions.c.expires_at,
                users.c.id.label("user_id"),
                users.c.email,
                users.c.name,
                users.c.locale,
                workspaces.c.id.label("workspace_id"),
                workspaces.c.slug,
                workspaces.c.name.label("workspace_name"),
                memberships.c.role,
            )
            .join(users, users.c.id == web_sessions.c.user_id)
            .join(workspaces, workspaces.c.id == web_sessions.c.workspace_id)
            .join(
                memberships,
                (memberships.c.user_id == web_sessions.c.user_id)
                & (memberships.c.workspace_id == web_sessions.c.workspace_id),
            )
            .where(web_sessions.c.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return SessionRow(
            id=row.id,
            user_id=row.user_id,
            email=row.email,
            name=row.name,
            locale=row.locale,
            workspace=Workspace(row.slug, row.workspace_name, row.workspace_id),
            role=Role(row.role),
            expires_at=row.expires_at,
        )

    def switch_workspace(self, session_id: int, workspace_id: int) -> None:
        self.connection.execute(
            update(web_sessions)
            .where(web_sessions.c.id == session_id)
            .values(workspace_id=workspace_id)
        )

    def remove(self, token_hash: str) -> None:
        self.connection.execute(delete(web_sessions).where(web_sessions.c.token_hash == token_hash))

    def remove_expired(self, user_id: int, now: datetime) -> None:
        self.connection.execute(
            delete(web_sessions).where(
                web_sessions.c.user_id == user_id, web_sessions.c.expires_at <= now
            )
        )

    def workspaces_of(self, user_id: int) -> list[WorkspaceChoice]:
        rows = self.connection.execute(
            select(workspaces.c.id, workspaces.c.slug, workspaces.c.name, memberships.c.role)
            .join(memberships, memberships.c.workspace_id == workspaces.c.id)
            .where(memberships.c.user_id == user_id)
            .order_by(workspaces.c.name, workspaces.c.id)
        )
        return [WorkspaceChoice(Workspace(r.slug, r.name, r.id), Role(r.role)) for r in rows]

    def set_locale(self, user_id: int, locale: str) -> None:
        self.connection.execute(update(users).where(users.c.id == user_id).values(locale=locale))
