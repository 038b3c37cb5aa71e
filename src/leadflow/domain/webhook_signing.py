"""Signed webhook deliveries and the retry schedule of failed ones.

Deliveries are signed as Standard Webhooks (standardwebhooks.com) sign them, so receivers verify
them with an off-the-shelf library: the headers `webhook-id`, `webhook-timestamp` (Unix seconds)
and `webhook-signature` (`v1,<base64 HMAC-SHA256>` over `<id>.<timestamp>.<body>`, several
separated by spaces while a secret is rotated). A secret reads `whsec_<base64 key>`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import random
import re
from collections.abc import Container, Mapping
from datetime import datetime
from enum import StrEnum

from leadflow.domain.errors import DomainError, InvalidInput

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"
MAX_ATTEMPTS = 12
"""Deliveries failing this many times are dead-lettered; with the defaults the last retry waits
for the 6-hour cap, so a receiver that is down overnight still gets its events."""

_EVENT_ID = re.compile(r"[A-Za-z0-9_:-]+")
_BASE64_DIGEST = re.compile(r"[A-Za-z0-9+/]{43}=")
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


def sign(secret: str, event_id: str, body: bytes, at: datetime) -> dict[str, str]:
    """The signature headers of a delivery sent at `at`."""
    if not _EVENT_ID.fullmatch(event_id):
        raise InvalidInput(
            f"event id {event_id!r} may hold only letters, digits, '-', '_' and ':'",
            field="event_id",
        )
    timestamp = _unix_time(at)
    return {
        ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"v1,{_digest(secret, event_id, timestamp, body)}",
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    *,
    tolerance_seconds: int = 300,
    seen_ids: Container[str],
) -> None:
    """Accept a delivery or raise the InvalidSignature subclass that says what is wrong."""
    event_id, timestamp, signatures = _parse_headers(headers)
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


def signing_key(secret: str) -> bytes:
    """The HMAC key a `whsec_<base64>` secret stands for."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise InvalidInput(
            "a webhook secret reads whsec_ followed by base64", field="secret"
        ) from error
    if not key:
        raise InvalidInput("a webhook secret may not be empty", field="secret")
    return key


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


def _digest(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    message = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _unix_time(moment: datetime) -> int:
    if moment.utcoffset() is None:
        raise InvalidInput("times must carry a time zone", field="time")
    return int(moment.timestamp())


def _parse_headers(headers: Mapping[str, str]) -> tuple[str, int, list[str]]:
    lower = {name.lower(): value for name, value in headers.items()}
    event_id = lower.get(ID_HEADER, "")
    timestamp = lower.get(TIMESTAMP_HEADER, "")
    if not _EVENT_ID.fullmatch(event_id):
        raise MalformedSignature(f"the {ID_HEADER} header is missing or malformed")
    if not _UNIX_TIME.fullmatch(timestamp):
        raise MalformedSignature(f"the {TIMESTAMP_HEADER} header needs a Unix time in seconds")
    signatures = []
    for part in lower.get(SIGNATURE_HEADER, "").split():
        version, comma, value = part.partition(",")
        if not comma or not _BASE64_DIGEST.fullmatch(value):
            raise MalformedSignature(f"{SIGNATURE_HEADER} part {part!r} is not v1,<base64>")
        if version == "v1":
            signatures.append(value)
    if not signatures:
        raise MalformedSignature(f"the {SIGNATURE_HEADER} header needs a v1,<base64> signature")
    return event_id, int(timestamp), signatures
