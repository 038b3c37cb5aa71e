"""Use cases around workspaces, users and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.uow import UnitOfWork, directory_transaction
from leadflow.adapters.passwords import hash_password
from leadflow.domain.audit import AuditAction
from leadflow.domain.errors import Conflict, InvalidInput, LastAdmin, NotFound, PermissionDenied
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role
from leadflow.domain.workspace import (
    ApiToken,
    Member,
    Workspace,
    last_admin_left,
    new_token,
    token_hash,
)
from leadflow.services.workspaces import audit

MIN_PASSWORD_LENGTH = 10


def create_workspace(db: Database, slug: str, name: str, *, now: datetime) -> Workspace:
    """Create a workspace for one client company."""
    workspace = Workspace(slug, name)
    try:
        with directory_transaction(db) as directory:
            directory.add_workspace(workspace, now)
    except IntegrityError as error:
        raise Conflict(f"workspace '{slug}' exists already") from error
    return workspace


def add_user(
    db: Database,
    email: str,
    *,
    workspace_slug: str,
    role: Role,
    password: str,
    name: str | None = None,
    now: datetime,
    by: Principal | None = None,
) -> int:
    """Add a user (or an existing user) to a workspace with a role (audited)."""
    if by is not None:
        by.require()
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput(f"'{email}' is not an e-mail address", field="email")
    with db.reading() as connection:
        known = Directory(connection).user_by_email(email) is not None
    # The argon2 hash is made before the write transaction: inside it, it would hold SQLite's
    # write lock for its whole (deliberately slow) run.
    password_hash = None if known else _new_password_hash(password)
    with directory_transaction(db) as directory:
        workspace = directory.workspace_by_slug(workspace_slug)
        assert workspace.id is not None
        user = directory.user_by_email(email)
        if user is None:
            if password_hash is None:
                raise Conflict(f"user '{email}' was removed meanwhile; add them again")
            user_id = directory.add_user(email, name, password_hash, now)
        else:
            user_id = int(user["id"])
            if last_admin_left(directory.members(workspace.id), user_id, role):
                raise LastAdmin(f"{email} is the workspace's last admin: make another admin first")
        directory.set_role(workspace.id, user_id, role)
        audit.record(
            directory.connection,
            by,
            AuditAction.ROLE_SET,
            f"user:{user_id}",
            workspace_id=workspace.id,
            at=now,
            role=role.value,
        )
    return user_id


def _new_password_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"password must have at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    return hash_password(password)


def create_token(
    db: Database,
    *,
    workspace_slug: str,
    role: Role,
    user_email: str | None = None,
    name: str | None = None,
    now: datetime,
    by: Principal | None = None,
) -> str:
    """Create an API token; the token is returned once and only its hash is kept (audited)."""
    token = new_token()
    with directory_transaction(db) as directory:
        workspace = directory.workspace_by_slug(workspace_slug)
        assert workspace.id is not None
        user_id = None
        if user_email is not None:
            user = directory.user_by_email(user_email)
            if user is None:
                raise NotFound("user", user_email)
            member = directory.member(workspace.id, int(user["id"]))
            if member.role is not role and member.role is not Role.ADMIN:
                raise PermissionDenied(
                    f"{user_email} is {member.role} in {workspace_slug}: cannot hold a {role} token"
                )
            user_id = member.user_id
        token_id = directory.add_token(workspace.id, role, token_hash(token), name, user_id, now)
        audit.record(
            directory.connection,
            by,
            AuditAction.TOKEN_CREATED,
            f"token:{token_id}",
            workspace_id=workspace.id,
            at=now,
            role=role.value,
            user_id=user_id,
        )
    return token


def authenticate(db: Database, token: str) -> Principal | None:
    """The principal behind a bearer token, or None for an unknown or revoked one."""
    with db.reading() as connection:
        row = Directory(connection).token_by_hash(token_hash(token))
    if row is None:
        return None
    return Principal(
        workspace_id=int(row["workspace_id"]),
        actor=Actor(row["role"]),
        user_id=row["user_id"],
        token_id=int(row["id"]),
    )


def all_workspaces(db: Database) -> list[Workspace]:
    """Every workspace of the installation."""
    with db.reading() as connection:
        return Directory(connection).all_workspaces()


def user_exists(db: Database, email: str) -> bool:
    """Whether a user signs in with this e-mail address, in any workspace."""
    with db.reading() as connection:
        return Directory(connection).user_by_email(email) is not None


def acting_principal(db: Database, workspace_slug: str, by_email: str | None) -> Principal:
    """The given user with their role in the workspace, or the workspace's operator (admin)."""
    with db.reading() as connection:
        directory = Directory(connection)
        workspace = directory.workspace_by_slug(workspace_slug)
        assert workspace.id is not None
        if by_email is None:
            return Principal(workspace.id, Actor.ADMIN)
        user = directory.user_by_email(by_email)
        if user is None:
            raise NotFound("user", by_email)
        member = directory.member(workspace.id, int(user["id"]))
    return Principal.member(workspace.id, member.role, member.user_id)


def workspace_members(uow: UnitOfWork) -> list[Member]:
    """The users of the unit of work's workspace with their roles."""
    return uow.directory.members(uow.workspace_id)


def members_of(uow: UnitOfWork, *, by: Principal) -> list[Member]:
    """The workspace's users with their roles; admins only."""
    by.require()
    return uow.directory.members(uow.workspace_id)


def set_member_role(
    uow: UnitOfWork, user_id: int, role: Role, *, by: Principal, now: datetime
) -> Member:
    """Give a member of the workspace another role (audited); the last admin stays admin."""
    by.require()
    members = uow.directory.members(uow.workspace_id)
    member = _member(members, user_id)
    if last_admin_left(members, user_id, role):
        raise LastAdmin(f"{member.email} is the workspace's last admin: make another admin first")
    if member.role is not role:
        uow.directory.set_role(uow.workspace_id, user_id, role)
        _audit(uow, by, AuditAction.ROLE_SET, f"user:{user_id}", now, role=role.value)
    return Member(member.user_id, member.workspace_id, member.email, role, member.name)


def remove_member(uow: UnitOfWork, user_id: int, *, by: Principal, now: datetime) -> Member:
    """Take a user out of the workspace and revoke the workspace's tokens acting as them
    (audited); the user row stays for their other workspaces. The last admin stays."""
    by.require()
    members = uow.directory.members(uow.workspace_id)
    member = _member(members, user_id)
    if last_admin_left(members, user_id, None):
        raise LastAdmin(f"{member.email} is the workspace's last admin: make another admin first")
    uow.directory.remove_member(uow.workspace_id, user_id)
    revoked = uow.directory.revoke_tokens(uow.workspace_id, now, user_id=user_id)
    _audit(uow, by, AuditAction.ROLE_REMOVED, f"user:{user_id}", now, revoked_tokens=revoked)
    return member


def _member(members: list[Member], user_id: int) -> Member:
    for member in members:
        if member.user_id == user_id:
            return member
    raise NotFound("user", user_id)


def tokens_of(uow: UnitOfWork, *, by: Principal) -> list[ApiToken]:
    """The workspace's API tokens, revoked ones too (never the tokens themselves); admins only."""
    by.require()
    return uow.directory.tokens(uow.workspace_id)


def revoke_token(uow: UnitOfWork, token_id: int, *, by: Principal, now: datetime) -> bool:
    """Revoke one of the workspace's tokens: it authenticates no more (audited). False when it
    was revoked already."""
    by.require()
    if not any(token.id == token_id for token in uow.directory.tokens(uow.workspace_id)):
        raise NotFound("token", token_id)
    if not uow.directory.revoke_tokens(uow.workspace_id, now, token_id=token_id):
        return False
    _audit(uow, by, AuditAction.TOKEN_REVOKED, f"token:{token_id}", now)
    return True


def _audit(
    uow: UnitOfWork,
    by: Principal,
    action: AuditAction,
    subject: str,
    now: datetime,
    **details: object,
) -> None:
    audit.record(
        uow.connection, by, action, subject, workspace_id=uow.workspace_id, at=now, **details
    )
