"""Rerunning a transaction that PostgreSQL gave up on because of a concurrent one.

A deadlock (SQLSTATE 40P01) or a serialization failure (40001) rolls the whole transaction back;
running the same work again in a new transaction is the documented remedy. The caller never sees
them unless every attempt fails. SQLite never reports them: its writers queue (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})
ATTEMPTS = 5
FIRST_PAUSE = 0.01
"""Seconds before the second attempt; each further one waits twice as long, with jitter."""


def is_transient(error: BaseException) -> bool:
    """Whether the database rolled the transaction back only because of a concurrent one."""
    if not isinstance(error, DBAPIError):
        return False
    return getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES


def rerun_when_transient(
    work: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    pause: Callable[[float], None] = time.sleep,
) -> T:
    """Run work; run it again (up to `attempts` times in all) after a deadlock or a
    serialization failure, waiting a little longer, and a little at random, each time."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as error:
            if attempt == attempts or not is_transient(error):
                raise
        pause(FIRST_PAUSE * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")  # pragma: no cover
