"""Stored wrong-password counts per account and per client address."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import sign_in_failures
from leadflow.domain.sign_in_throttle import Failures


class SignInFailures:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def of(self, keys: list[str]) -> dict[str, Failures]:
        rows = self.connection.execute(
            select(sign_in_failures).where(sign_in_failures.c.key.in_(keys))
        )
        return {row.key: Failures(row.failures, row.last_at, row.locked_at) for row in rows}

    def save(self, key: str, failures: Failures) -> None:
        values = {
            "failures": failures.count,
            "last_at": failures.last_at,
            "locked_at": failures.locked_at,
        }
        found = self.connection.execute(
            update(sign_in_failures).where(sign_in_failures.c.key == key).values(**values)
        )
        if found.rowcount == 0:
            self.connection.execute(insert(sign_in_failures).values(key=key, **values))

    def forget(self, key: str) -> None:
        self.connection.execute(delete(sign_in_failures).where(sign_in_failures.c.key == key))

    def unlock(self, key: str) -> bool:
        result = self.connection.execute(
            update(sign_in_failures)
            .where(sign_in_failures.c.key == key, sign_in_failures.c.locked_at.is_not(None))
            .values(locked_at=None, failures=0)
        )
        return result.rowcount > 0
