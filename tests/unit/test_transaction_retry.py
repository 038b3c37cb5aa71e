"""A write that PostgreSQL rolled back for a deadlock or a serialization failure runs again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from leadflow.adapters.db.retry import ATTEMPTS, rerun_when_transient


class DriverError(Exception):
    """What psycopg raises: the SQLSTATE travels in `sqlstate`."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def _failing(times: int, error: Exception, calls: list[int]) -> Callable[[], str]:
    def work() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "done"

    return work


def test_a_deadlocked_write_runs_again_until_it_succeeds() -> None:
    calls: list[int] = []
    pauses: list[float] = []
    deadlock = OperationalError("UPDATE ...", {}, DriverError("40P01"))

    result = rerun_when_transient(_failing(2, deadlock, calls), pause=pauses.append)

    assert (result, len(calls), len(pauses)) == ("done", 3, 2)
    assert all(0 < pause < 1 for pause in pauses)


def test_a_serialization_failure_is_rerun_at_most_a_bounded_number_of_times() -> None:
    calls: list[int] = []
    conflict = OperationalError("SELECT ...", {}, DriverError("40001"))

    with pytest.raises(OperationalError):
        rerun_when_transient(_failing(99, conflict, calls), pause=lambda _: None)

    assert len(calls) == ATTEMPTS


def test_any_other_database_error_reaches_the_caller_at_once() -> None:
    calls: list[int] = []
    duplicate = IntegrityError("INSERT ...", {}, DriverError("23505"))

    with pytest.raises(IntegrityError):
        rerun_when_transient(_failing(1, duplicate, calls), pause=lambda _: None)

    assert len(calls) == 1
