"""Workspaces, users, memberships and API tokens: the only tables not scoped by a workspace."""

from __future__ import annotations

import copy
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import api_tokens, memberships, users, workspaces
from leadflow.domain.errors import NotFound
from leadflow.domain.stages import Role
from leadflow.domain.workspace import ApiToken, Member, Workspace


class Directory:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._configs: dict[int, dict[str, object]] = {}

    def add_workspace(self, workspace: Workspace, now: datetime) -> int:
        result = self.connection.execute(
            insert(workspaces).values(
                slug=workspace.slug, name=workspace.name, config={}, created_at=now
            )
        )
        workspace.id = inserted_id(result)
        return workspace.id

    def workspace_by_slug(self, slug: str) -> Workspace:
        row = self.connection.execute(select(workspaces).where(workspaces.c.slug == slug)).first()
        if row is None:
            raise NotFound("workspace", slug)
        return Workspace(row.slug, row.name, row.id)

    def workspace_by_id(self, workspace_id: int) -> Workspace:
        row = self.connection.execute(
            select(workspaces).where(workspaces.c.id == workspace_id)
        ).first()
        if row is None:
            raise NotFound("workspace", workspace_id)
        return Workspace(row.slug, row.name, row.id)

    def all_workspaces(self) -> list[Workspace]:
        rows = self.connection.execute(select(workspaces).order_by(workspaces.c.slug))
        return [Workspace(row.slug, row.name, row.id) for row in rows]

    def workspaces_configured(self, section: str, key: str) -> list[int]:
        """The ids of the workspaces whose config sets `key` of `section` to true."""
        rows = self.connection.execute(select(workspaces.c.id, workspaces.c.config))
        found = []
        for workspace_id, config in rows:
            part = (config or {}).get(section)
            if isinstance(part, dict) and part.get(key) is True:
                found.append(int(workspace_id))
        return sorted(found)

    def workspace_config(self, workspace_id: int) -> dict[str, object]:
        """The workspace's settings, read from the database once per transaction (a unit of
        work has one Directory); each caller gets a copy of its own to change."""
        if workspace_id not in self._configs:
            value = self.connection.execute(
                select(workspaces.c.config).where(workspaces.c.id == workspace_id)
            ).scalar_one()
            self._configs[workspace_id] = dict(value or {})
        return copy.deepcopy(self._configs[workspace_id])

    def set_workspace_config(self, workspace_id: int, config: dict[str, object]) -> None:
        self.connection.execute(
            update(workspaces).where(workspaces.c.id == workspace_id).values(config=config)
        )
        self._configs[workspace_id] = copy.deepcopy(config)

    def user_by_email(self, email: str) -> RowMapping | None:
        return (
            self.connection.execute(select(users).where(users.c.email == email.lower()))
            .mappings()
            .first()
        )

    def add_user(self, email: str, name: str | None, password_hash: str, now: datetime) -> int:
        result = self.connection.execute(
            insert(users).values(
                email=email.lower(), name=name, password_hash=password_hash, created_at=now
            )
        )
        return inserted_id(result)

    def set_role(self, workspace_id: int, user_id: int, role: Role) -> None:
        changed = self.connection.execute(
            update(memberships)
            .where(memberships.c.workspace_id == workspace_id, memberships.c.user_id == user_id)
            .values(role=role.value)
        ).rowcount
        if not changed:
            self.connection.execute(
                insert(memberships).values(
                    workspace_id=workspace_id, user_id=user_id, role=role.value
                )
            )

    def members(self, workspace_id: int) -> list[Member]:
        rows = self.connection.execute(
            select(users.c.id, users.c.email, users.c.name, memberships.c.role)
            .join(memberships, memberships.c.user_id == users.c.id)
            .where(memberships.c.workspace_id == workspace_id)
            .order_by(users.c.email)
        )
        return [Member(r.id, workspace_id, r.email, Role(r.role), r.name) for r in rows]

    def member(self, workspace_id: int, user_id: int) -> Member:
        for member in self.members(workspace_id):
            if member.user_id == user_id:
                return member
        raise NotFound("user", user_id)

    def remove_member(self, workspace_id: int, user_id: int) -> bool:
        return bool(
            self.connection.execute(
                delete(memberships).where(
                    memberships.c.workspace_id == workspace_id, memberships.c.user_id == user_id
                )
            ).rowcount
        )

    def tokens(self, workspace_id: int) -> list[ApiToken]:
        rows = self.connection.execute(
            select(api_tokens, users.c.email)
            .outerjoin(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.workspace_id == workspace_id)
            .order_by(api_tokens.c.id)
        )
        return [
            ApiToken(
                id=int(r.id),
                workspace_id=workspace_id,
                role=Role(r.role),
                name=r.name,
                user_id=r.user_id,
                user_email=r.email,
                created_at=r.created_at,
                revoked_at=r.revoked_at,
            )
            for r in rows
        ]

    def revoke_tokens(
        self,
        workspace_id: int,
        now: datetime,
        *,
        token_id: int | None = None,
        user_id: int | None = None,
    ) -> list[int]:
        """Set `revoked_at` on the workspace's live tokens with that id or of that user."""
        where = [api_tokens.c.workspace_id == workspace_id, api_tokens.c.revoked_at.is_(None)]
        if token_id is not None:
            where.append(api_tokens.c.id == token_id)
        if user_id is not None:
            where.append(api_tokens.c.user_id == user_id)
        ids = [
            int(i) for i in self.connection.execute(select(api_tokens.c.id).where(*where)).scalars()
        ]
        if ids:
            self.connection.execute(
                update(api_tokens).where(api_tokens.c.id.in_(ids)).values(revoked_at=now)
            )
        return ids

    def add_token(
        self,
        workspace_id: int,
        role: Role,
        token_hash: str,
        name: str | None,
        user_id: int | None,
        now: datetime,
    ) -> int:
        result = self.connection.execute(
            insert(api_tokens).values(
                workspace_id=workspace_id,
                role=role.value,
                token_hash=token_hash,
                name=name,
                user_id=user_id,
                created_at=now,
            )
        )
        return inserted_id(result)

    def token_by_hash(self, token_hash: str) -> RowMapping | None:
        return (
            self.connection.execute(
                select(api_tokens).where(
                    api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None)
                )
            )
            .mappings()
            .first()
        )
