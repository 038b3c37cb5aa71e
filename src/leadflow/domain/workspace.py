"""Workspaces (client companies), users with a role in each, and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from leadflow.domain.errors import InvalidInput
from leadflow.domain.stages import Role

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
TOKEN_PREFIX = "lf_"


@dataclass
class Workspace:
    slug: str
    name: str
    id: int | None = None

    def __post_init__(self) -> None:
        if not SLUG.match(self.slug):
            raise InvalidInput(
                f"workspace slug '{self.slug}' must be lower-case letters, digits and dashes",
                field="slug",
            )
        if not self.name.strip():
            raise InvalidInput("workspace name must not be empty", field="name")


@dataclass(frozen=True)
class Member:
    """A user as seen inside one workspace."""

    user_id: int
    workspace_id: int
    email: str
    role: Role
    name: str | None = None


@dataclass(frozen=True)
class ApiToken:
    """An API token as its workspace's admins see it: never the token itself."""

    id: int
    workspace_id: int
    role: Role
    name: str | None
    user_id: int | None
    user_email: str | None
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def last_admin_left(members: list[Member], user_id: int, new_role: Role | None) -> bool:
    """Whether giving the user `new_role` (None: removing them) leaves no admin behind."""
    admins = [m.user_id for m in members if m.role is Role.ADMIN]
    return admins == [user_id] and new_role is not Role.ADMIN


def new_token() -> str:
    """A fresh API token, shown once; only its hash is stored."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is a safe, fast lookup key."""
    return hashlib.sha256(token.encode()).hexdigest()
