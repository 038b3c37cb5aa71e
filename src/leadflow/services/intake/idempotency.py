"""Idempotent writes: the same Idempotency-Key replays the first response, never the work.

The key is claimed by inserting it in the transaction that does the work, so two requests with
one key (even in parallel, on several workers) do the work once: the second waits on the unique
key, then finds the first one's stored response. A key is remembered for KEY_LIFETIME; after
that it may be used afresh, and the worker deletes it (forget_expired_keys).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.idempotency import KeyTaken
from leadflow.adapters.db.uow import UnitOfWork, in_unit_of_work, reading, unit_of_work
from leadflow.domain.errors import InvalidInput

MAX_KEY_LENGTH = 200
KEY_LIFETIME = timedelta(hours=24)
Work = Callable[[UnitOfWork], tuple[int, Any]]


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: Any
    replayed: bool = False


def request_hash(method: str, path: str, body: Any) -> str:
    """A fingerprint of a request: the same key with another request is refused."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters",
            field="Idempotency-Key",
        )
    return key


def run_once(
    db: Database,
    workspace_id: int,
    key: str | None,
    fingerprint: str,
    work: Work,
    *,
    now: datetime,
) -> Outcome:
    """Do the work in one transaction, or replay the stored outcome of the same key.

    A twin request that committed the same person a moment earlier trips a unique key of the
    work itself: then it runs once more, and the duplicate check finds what the twin stored."""
    if key is not None:
        check_key(key)
    try:
        return _attempt(db, workspace_id, key, fingerprint, work, now)
    except KeyTaken:
        return _replay(db, workspace_id, key or "", fingerprint)
    except IntegrityError:
        pass
    try:
        return _attempt(db, workspace_id, key, fingerprint, work, now)
    except KeyTaken:
        return _replay(db, workspace_id, key or "", fingerprint)


def _attempt(
    db: Database, workspace_id: int, key: str | None, fingerprint: str, work: Work, now: datetime
) -> Outcome:
    def claimed_work(uow: UnitOfWork) -> Outcome:
        if key is None:
            return Outcome(*work(uow))
        keys = uow.idempotency
        keys.claim(key, fingerprint, now, expired_before=now - KEY_LIFETIME)
        status_code, body = work(uow)
        keys.store(key, status_code, body)
        return Outcome(status_code, body)

    return in_unit_of_work(db, workspace_id, claimed_work)


def _replay(db: Database, workspace_id: int, key: str, fingerprint: str) -> Outcome:
    with reading(db, workspace_id) as uow:
        stored = uow.idempotency.get(key)
    if stored is None or stored.status_code is None:
        raise InvalidInput("the request with this Idempotency-Key did not finish; retry it",
                           field="Idempotency-Key")  # fmt: skip
    if stored.request_hash != fingerprint:
        raise InvalidInput(
            "this Idempotency-Key was used for another request body; use a new key",
            field="Idempotency-Key",
        )
    return Outcome(stored.status_code, stored.body, replayed=True)


def forget_expired_keys(db: Database, *, now: datetime) -> int:
    """Delete every workspace's keys older than KEY_LIFETIME; how many went."""
    with db.reading() as connection:
        workspace_ids = [w.id for w in Directory(connection).all_workspaces() if w.id is not None]
    forgotten = 0
    for workspace_id in workspace_ids:
        with unit_of_work(db, workspace_id) as uow:
            keys = uow.idempotency
            forgotten += keys.delete_older_than(now - KEY_LIFETIME)
    return forgotten
