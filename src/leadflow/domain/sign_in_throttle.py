"""How leadflow slows down password guessing (OWASP ASVS 2.2): after a few wrong passwords an
account, and an address, must wait before the next try, the wait doubling with each further
failure; an account that keeps failing is locked until an admin unlocks it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    """Wrong passwords in a row an account may have before each next try must wait."""
    address_free_failures: int = 10
    """The same for one client address, which may try many accounts."""
    first_wait_seconds: float = 2.0
    longest_wait_seconds: float = 900.0
    lock_after: int = 10
    """Wrong passwords in a row after which the account stays locked until an admin unlocks it."""
    forget_after: timedelta = timedelta(hours=1)
    """An address's failures are forgotten after this long without another."""


@dataclass(frozen=True)
class Failures:
    """What is known of one account's or address's recent wrong passwords."""

    count: int = 0
    last_at: datetime | None = None
    locked_at: datetime | None = None


def wait_seconds(failures: Failures, free: int, policy: ThrottlePolicy, now: datetime) -> float:
    """How long the next try must still wait; 0 when it may go ahead."""
    if failures.last_at is None or failures.count < free:
        return 0.0
    step = failures.count - free
    wait = min(policy.first_wait_seconds * 2.0**step, policy.longest_wait_seconds)
    return max((failures.last_at + timedelta(seconds=wait) - now).total_seconds(), 0.0)


def after_failure(failures: Failures, policy: ThrottlePolicy, now: datetime) -> Failures:
    """The failures once one more wrong password came in at `now`."""
    count = failures.count
    if failures.last_at is not None and now - failures.last_at > policy.forget_after:
        count = 0
    return Failures(count + 1, now, failures.locked_at)


def lock_if_due(failures: Failures, policy: ThrottlePolicy, now: datetime) -> Failures:
    """An account's failures, locked when they reached the policy's limit."""
    if failures.locked_at is None and failures.count >= policy.lock_after:
        return Failures(failures.count, failures.last_at, now)
    return failures
