"""Who is acting: a user or token inside one workspace, or one of leadflow's own processes."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.domain.errors import PermissionDenied
from leadflow.domain.stages import Actor, Role


@dataclass(frozen=True)
class Principal:
    workspace_id: int
    actor: Actor
    user_id: int | None = None
    token_id: int | None = None

    @classmethod
    def member(cls, workspace_id: int, role: Role, user_id: int | None = None) -> Principal:
        return cls(workspace_id, Actor.for_role(role), user_id)

    @classmethod
    def process(cls, workspace_id: int, actor: Actor) -> Principal:
        return cls(workspace_id, actor)

    def require(self, *actors: Actor) -> None:
        """Refuse unless the principal is one of the given actors (admins always pass)."""
        if self.actor is Actor.ADMIN or self.actor in actors:
            return
        wanted = ", ".join(sorted({"admin", *actors}))
        raise PermissionDenied(f"role '{self.actor}' may not do this (needs: {wanted})")
