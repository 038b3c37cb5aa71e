"""Idempotency keys of one workspace: the first response to a request, kept for its replays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from leadflow.adapters.db.tables import idempotency_keys


class KeyTaken(Exception):
    """Another request claimed this key first (it may have committed only just now)."""


@dataclass(frozen=True)
class StoredResponse:
    request_hash: str
    status_code: int | None
    body: Any


class IdempotencyRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def claim(
        self, key: str, request_hash: str, now: datetime, *, expired_before: datetime
    ) -> None:
        """Insert the key first: the unique (workspace_id, key) makes a parallel twin wait here
        and then fail, so the work behind a key runs once. The same key stored before
        `expired_before` is forgotten first."""
        self.connection.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.workspace_id == self.workspace_id,
                idempotency_keys.c.key == key,
                idempotency_keys.c.created_at < expired_before,
            )
        )
        savepoint = self.connection.begin_nested()
        try:
            self.connection.execute(
                insert(idempotency_keys).values(
                    workspace_id=self.workspace_id,
                    key=key,
                    request_hash=request_hash,
                    created_at=now,
                )  # fmt: skip
            )
        except IntegrityError as error:
            savepoint.rollback()
            raise KeyTaken(key) from error
        savepoint.commit()

    def store(self, key: str, status_code: int, body: Any) -> None:
        self.connection.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.workspace_id == self.workspace_id)
            .where(idempotency_keys.c.key == key)
            .values(status_code=status_code, response=body)
        )

    def delete_older_than(self, moment: datetime) -> int:
        result = self.connection.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.workspace_id == self.workspace_id,
                idempotency_keys.c.created_at < moment,
            )
        )
        return result.rowcount

    def get(self, key: str) -> StoredResponse | None:
        row = self.connection.execute(
            select(
                idempotency_keys.c.request_hash,
                idempotency_keys.c.status_code,
                idempotency_keys.c.response,
            )  # fmt: skip
            .where(idempotency_keys.c.workspace_id == self.workspace_id)
            .where(idempotency_keys.c.key == key)
        ).first()
        return None if row is None else StoredResponse(*row)
