"""Work in a child process: its result or its error comes back; running out of memory or time
stops the child, not the caller."""

from __future__ import annotations

import time
from typing import Any

import pytest

from leadflow.adapters.child_process import Child, ChildLimits, ChildStopped, run_in_child
from leadflow.domain.errors import InvalidInput

ENOUGH = ChildLimits(memory_bytes=4_000_000_000, seconds=120)


def _add(_send: Any, a: int, b: int) -> int:
    return a + b


def _refuse(_send: Any) -> None:
    raise InvalidInput("row 3 is odd", field="email")


def _swallow(_send: Any) -> int:
    hoard = [bytearray(50_000_000) for _ in range(200)]
    return len(hoard)


def _linger(_send: Any) -> None:
    time.sleep(600)


def _tell_then_answer(send: Any) -> str:
    send(7)
    return "done"


def _current_address_space() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


def test_the_result_of_the_child_comes_back() -> None:
    assert run_in_child(_add, 2, 3, limits=ENOUGH) == 5


def test_a_domain_error_in_the_child_is_raised_with_its_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        run_in_child(_refuse, limits=ENOUGH)

    assert (str(refused.value), refused.value.field) == ("row 3 is odd", "email")


def test_a_child_that_needs_more_memory_than_allowed_is_stopped() -> None:
    limits = ChildLimits(memory_bytes=_current_address_space() + 500_000_000, seconds=120)

    with pytest.raises(ChildStopped, match="memory"):
        run_in_child(_swallow, limits=limits)


def test_a_child_that_runs_past_its_time_is_stopped() -> None:
    child = Child(_linger, memory_bytes=ENOUGH.memory_bytes)

    with pytest.raises(ChildStopped, match="time"):
        child.receive(0.5)

    assert not child.process.is_alive()


def test_a_child_can_tell_something_before_its_result() -> None:
    child = Child(_tell_then_answer, memory_bytes=ENOUGH.memory_bytes)
    try:
        first, last = child.receive(60), child.receive(60)
    finally:
        child.close()

    assert (first, last) == (7, "done")
