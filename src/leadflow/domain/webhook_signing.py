"""Signed webhook deliveries (HMAC-SHA256) and the retry schedule of failed ones."""

from __future__ import annotations

import hashlib
import hmac
import random
import re
from collections.abc import Container
from datetime import datetime
from enum import StrEnum

from leadflow.domain.errors import DomainError, InvalidInput

SIGNATURE_HEADER = "X-Leadflow-Signature"
MAX_ATTEMPTS = 12
"""Deliveries failing this many times are dead-lettered; with the defaults the last retry waits
for the 6-hour cap, so a receiver that is down overnight still gets its events."""

_EVENT_ID = re.compile(r"[A-Za-z0-9_:-]+")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_UNIX_TIME = re.compile(r"[0-9]{1,12}")


class InvalidSignature(DomainError):
    """A delivery the receiver must not trust."""


class MalformedSignature(InvalidSignature):
    pass


class SignatureMismatch(InvalidSignature):
    pass


class StaleDelivery(InvalidSignature):
    pass


class ReplayedDelivery(InvalidSignature):
    pass


class Jitter(StrEnum):
    FULL = "full"
    EQUAL = "equal"


def sign(secret: str | bytes, event_id: str, body: bytes, at: datetime) -> str:
    """The signature header value for a delivery sent at `at`: 't=<unix time>,v1=<hex>'."""
    if not _EVENT_ID.fullmatch(event_id):
        raise InvalidInput(
            f"event id {event_id!r} may hold only letters, digits, '-', '_' and ':'",
            field="event_id",
        )
    timestamp = _unix_time(at)
    return f"t={timestamp},v1={_digest(secret, event_id, timestamp, body)}"


def verify(
    secret: str | bytes,
    event_id: str,
    header: str,
    body: bytes,
    now: datetime,
    *,
    tolerance_seconds: int = 300,
    seen_ids: Container[str],
) -> None:
    """Accept a delivery or raise the InvalidSignature subclass that says what is wrong."""
    timestamp, signatures = _parse_header(header)
    expected = _digest(secret, event_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureMismatch(
            "the signature does not match: the body, event id or time was changed, "
            "or the secret is wrong"
        )
    age = _unix_time(now) - timestamp
    if abs(age) > tolerance_seconds:
        raise StaleDelivery(
            f"the delivery was signed {age} seconds from now, "
            f"more than the tolerated {tolerance_seconds}"
        )
    if event_id in seen_ids:
        raise ReplayedDelivery(f"event {event_id} was already received")


def retry_delay(
    attempt: int,
    *,
    base_seconds: float = 30.0,
    cap_seconds: float = 6 * 3600.0,
    rng: random.Random,
    jitter: Jitter = Jitter.EQUAL,
) -> float:
    """Seconds to wait after failed attempt number `attempt` (from 1): capped doubling, jittered."""
    if attempt < 1:
        raise InvalidInput("attempts are counted from 1", field="attempt")
    ceiling = min(cap_seconds, base_seconds * 2.0 ** (attempt - 1))
    if jitter is Jitter.FULL:
        return rng.uniform(0, ceiling)
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def is_dead_letter(attempts_made: int) -> bool:
    """After MAX_ATTEMPTS failed attempts a delivery is not retried again."""
    return attempts_made >= MAX_ATTEMPTS


def retry_schedule(
    seed: int,
    *,
    base_seconds: float = 30.0,
    cap_seconds: float = 6 * 3600.0,
    jitter: Jitter = Jitter.EQUAL,
) -> tuple[float, ...]:
    """The waits between the MAX_ATTEMPTS attempts of one delivery, for a given random seed."""
    rng = random.Random(seed)
    return tuple(
        retry_delay(
            attempt, base_seconds=base_seconds, cap_seconds=cap_seconds, rng=rng, jitter=jitter
        )
        for attempt in range(1, MAX_ATTEMPTS)
    )


def _digest(secret: str | bytes, event_id: str, timestamp: int, body: bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    message = f"{event_id}.{timestamp}.".encode() + body
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _unix_time(moment: datetime) -> int:
    if moment.utcoffset() is None:
        raise InvalidInput("times must carry a time zone", field="time")
    return int(moment.timestamp())


def _parse_header(header: str) -> tuple[int, list[str]]:
    timestamps: list[str] = []
    signatures: list[str] = []
    for part in header.split(","):
        scheme, equals, value = part.strip().partition("=")
        if not equals:
            raise MalformedSignature(f"signature header part {part!r} is not key=value")
        if scheme == "t":
            timestamps.append(value)
        elif scheme == "v1":
            signatures.append(value)
    if len(timestamps) != 1 or not _UNIX_TIME.fullmatch(timestamps[0]):
        raise MalformedSignature("the signature header needs exactly one t=<unix time>")
    if not signatures or not all(_HEX_DIGEST.fullmatch(s) for s in signatures):
        raise MalformedSignature("the signature header needs v1=<64 hex digits>")
    return int(timestamps[0]), signatures
