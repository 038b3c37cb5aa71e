"""Signing in to the web UI with a password, sessions, the workspace switch and the language."""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.sign_in_failures import SignInFailures
from leadflow.adapters.db.web_sessions import SessionRow, WebSessionStore, WorkspaceChoice
from leadflow.adapters.passwords import hash_password, verify_password
from leadflow.domain.audit import AuditAction
from leadflow.domain.errors import InvalidInput, NotFound, TooManyAttempts
from leadflow.domain.principal import Principal
from leadflow.domain.sign_in_throttle import (
    Failures,
    ThrottlePolicy,
    after_failure,
    lock_if_due,
    wait_seconds,
)
from leadflow.services.workspaces import audit

SESSION_LIFETIME = timedelta(hours=12)
THROTTLE = ThrottlePolicy()
LOCALES = ("de", "en")


@dataclass(frozen=True)
class SignedIn:
    """A user signed in to the web UI, acting in one of their workspaces."""

    session: SessionRow
    token: str

    @property
    def principal(self) -> Principal:
        session = self.session
        assert session.workspace.id is not None
        return Principal.member(session.workspace.id, session.role, session.user_id)

    @property
    def csrf_token(self) -> str:
        return csrf_token_for(self.token)


def csrf_token_for(token: str) -> str:
    """The form token of a session, derived from its secret id: another site cannot know it."""
    return hmac.new(token.encode(), b"leadflow-csrf", hashlib.sha256).hexdigest()


def session_hash(token: str) -> str:
    """Session ids carry 256 random bits, so a plain SHA-256 is a safe lookup key."""
    return hashlib.sha256(token.encode()).hexdigest()


@functools.cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


PasswordCheck = Callable[[str, str], bool]
"""(stored hash, password) -> whether they belong together."""


def sign_in(
    db: Database,
    email: str,
    password: str,
    *,
    now: datetime,
    address: str | None = None,
    verify: PasswordCheck = verify_password,
    policy: ThrottlePolicy = THROTTLE,
) -> str | None:
    """Check the password; on success open a session and return its secret id, else None.
    Raises TooManyAttempts while the account or the client `address` must wait after wrong
    passwords, or while the account is locked.

    The argon2 check runs on a read connection, before the short write transaction that adds
    the session: on SQLite a hash inside the write lock would stall every other writer.
    """
    keys = attempt_keys(email, address)
    _check_throttle(db, keys, policy, now)
    with db.reading() as connection:
        user = Directory(connection).user_by_email(email.strip())
    stored = user["password_hash"] if user is not None else None
    # An unknown user costs the same argon2 time as a wrong password.
    if not verify(stored or _decoy_hash(), password) or user is None or not stored:
        _record_failure(db, keys, policy, now)
        return None
    user_id = int(user["id"])
    with db.transaction() as connection:
        SignInFailures(connection).forget(keys[0])
        now_stored = Directory(connection).user_by_email(email.strip())
        if now_stored is None or now_stored["password_hash"] != stored:
            return None  # the password changed (or the user left) while it was checked
        store = WebSessionStore(connection)
        choices = store.workspaces_of(user_id)
        if not choices:
            return None
        first = choices[0].workspace
        assert first.id is not None
        token = secrets.token_urlsafe(32)
        store.remove_expired(user_id, now)
        store.add(session_hash(token), user_id, first.id, now, now + SESSION_LIFETIME)
    return token


def attempt_keys(email: str, address: str | None) -> list[str]:
    """The keys sign-in failures are counted under: the account first (a hash of the address
    as typed, so an unknown one is counted too without storing it), then the client address."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
    return [f"account:{digest}", *([f"address:{address}"] if address else [])]


def _check_throttle(db: Database, keys: list[str], policy: ThrottlePolicy, now: datetime) -> None:
    with db.reading() as connection:
        known = SignInFailures(connection).of(keys)
    account = known.get(keys[0], Failures())
    if account.locked_at is not None:
        raise TooManyAttempts(
            "this account is locked after too many wrong passwords; an admin can unlock it",
            retry_after=int(policy.longest_wait_seconds),
            locked=True,
        )
    wait = wait_seconds(account, policy.free_failures, policy, now)
    if len(keys) > 1:
        address = known.get(keys[1], Failures())
        wait = max(wait, wait_seconds(address, policy.address_free_failures, policy, now))
    if wait > 0:
        raise TooManyAttempts(
            f"too many wrong passwords: try again in {math.ceil(wait)} seconds",
            retry_after=math.ceil(wait),
        )


def _record_failure(db: Database, keys: list[str], policy: ThrottlePolicy, now: datetime) -> None:
    with db.transaction() as connection:
        store = SignInFailures(connection)
        known = store.of(keys)
        for position, key in enumerate(keys):
            before = known.get(key, Failures())
            after = after_failure(before, policy, now)
            free = policy.free_failures if position == 0 else policy.address_free_failures
            if position == 0:
                after = lock_if_due(after, policy, now)
            store.save(key, after)
            kind = key.split(":", 1)[0]
            if after.locked_at is not None and before.locked_at is None:
                audit.record(
                    connection, None, AuditAction.SIGN_IN_LOCKED, kind,
                    workspace_id=None, at=now, key=key, failures=after.count,
                )  # fmt: skip
            elif after.count == free:
                audit.record(
                    connection, None, AuditAction.SIGN_IN_THROTTLED, kind,
                    workspace_id=None, at=now, key=key, failures=after.count,
                )  # fmt: skip


def unlock_account(db: Database, email: str, *, now: datetime) -> bool:
    """Lift the lock-out of an account (an admin's decision); False when it was not locked."""
    key = attempt_keys(email, None)[0]
    with db.transaction() as connection:
        unlocked = SignInFailures(connection).unlock(key)
        if unlocked:
            audit.record(
                connection, None, AuditAction.SIGN_IN_UNLOCKED, "account",
                workspace_id=None, at=now, key=key,
            )  # fmt: skip
    return unlocked


def signed_in(db: Database, token: str, *, now: datetime) -> SignedIn | None:
    """The live session behind a session id, or None when it is unknown or expired."""
    with db.reading() as connection:
        session = WebSessionStore(connection).find(session_hash(token))
    if session is None or session.expires_at <= now:
        return None
    return SignedIn(session, token)


def sign_out(db: Database, token: str) -> None:
    """End the session."""
    with db.transaction() as connection:
        WebSessionStore(connection).remove(session_hash(token))


def workspaces_of(db: Database, user_id: int) -> list[WorkspaceChoice]:
    """The workspaces a user belongs to, with the role in each."""
    with db.reading() as connection:
        return WebSessionStore(connection).workspaces_of(user_id)


def switch_workspace(db: Database, who: SignedIn, slug: str) -> None:
    """Act in another workspace of the same user; any other workspace is not found."""
    with db.transaction() as connection:
        store = WebSessionStore(connection)
        for choice in store.workspaces_of(who.session.user_id):
            if choice.workspace.slug == slug and choice.workspace.id is not None:
                store.switch_workspace(who.session.id, choice.workspace.id)
                return
    raise NotFound("workspace", slug)


def set_locale(db: Database, user_id: int, locale: str) -> None:
    """Remember the user's UI language."""
    if locale not in LOCALES:
        raise InvalidInput(f"language must be one of {', '.join(LOCALES)}", field="locale")
    with db.transaction() as connection:
        WebSessionStore(connection).set_locale(user_id, locale)
