from __future__ import annotations

import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from leadflow.domain.webhook_signing import (
    MAX_ATTEMPTS,
    Jitter,
    MalformedSignature,
    ReplayedDelivery,
    SignatureMismatch,
    StaleDelivery,
    is_dead_letter,
    retry_delay,
    retry_schedule,
    sign,
    verify,
)

SECRET = "whsec_3b1f0c"
EVENT_ID = "evt_0001"
BODY = b'{"lead_id": 42, "to": "mql"}'
SENT_AT = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
NOBODY_SEEN: frozenset[str] = frozenset()


def test_the_signature_is_hmac_sha256_over_event_id_timestamp_and_body() -> None:
    expected = hmac.new(SECRET.encode(), b"evt_0001.1700000000." + BODY, hashlib.sha256).hexdigest()

    header = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    assert header == f"t=1700000000,v1={expected}"


def test_a_genuine_delivery_verifies() -> None:
    header = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    verify(SECRET, EVENT_ID, header, BODY, SENT_AT + timedelta(seconds=3), seen_ids=NOBODY_SEEN)


def test_a_tampered_body_is_rejected() -> None:
    header = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    with pytest.raises(SignatureMismatch):
        verify(SECRET, EVENT_ID, header, BODY.replace(b"42", b"43"), SENT_AT, seen_ids=NOBODY_SEEN)


def test_a_delivery_signed_with_another_secret_is_rejected() -> None:
    header = sign("whsec_other", EVENT_ID, BODY, SENT_AT)

    with pytest.raises(SignatureMismatch, match="secret is wrong"):
        verify(SECRET, EVENT_ID, header, BODY, SENT_AT, seen_ids=NOBODY_SEEN)


def test_a_signature_moved_to_another_event_id_is_rejected() -> None:
    header = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    with pytest.raises(SignatureMismatch):
        verify(SECRET, "evt_0002", header, BODY, SENT_AT, seen_ids=NOBODY_SEEN)


def test_a_delivery_older_than_the_tolerance_is_rejected_as_stale() -> None:
    header = sign(SECRET, EVENT_ID, BODY, SENT_AT)
    six_minutes_later = SENT_AT + timedelta(minutes=6)

    with pytest.raises(StaleDelivery, match="300"):
        verify(SECRET, EVENT_ID, header, BODY, six_minutes_later, seen_ids=NOBODY_SEEN)


def test_a_delivery_just_within_the_tolerance_is_accepted() -> None:
    header = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    verify(SECRET, EVENT_ID, header, BODY, SENT_AT + timedelta(seconds=300), seen_ids=NOBODY_SEEN)


def test_a_replayed_event_id_is_rejected() -> None:
    header = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    with pytest.raises(ReplayedDelivery, match=EVENT_ID):
        verify(SECRET, EVENT_ID, header, BODY, SENT_AT, seen_ids={EVENT_ID})


def test_a_rotated_secret_may_send_two_signatures_of_which_one_matches() -> None:
    old = sign("whsec_old", EVENT_ID, BODY, SENT_AT)
    new = sign(SECRET, EVENT_ID, BODY, SENT_AT)
    header = f"{old},{new.split(',')[1]}"

    verify(SECRET, EVENT_ID, header, BODY, SENT_AT, seen_ids=NOBODY_SEEN)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "v1=" + "0" * 64,
        "t=1700000000",
        "t=soon,v1=" + "0" * 64,
        "t=1700000000,v1=xyz",
        "t=1700000000;v1=" + "0" * 64,
    ],
)
def test_a_malformed_header_is_rejected(header: str) -> None:
    with pytest.raises(MalformedSignature):
        verify(SECRET, EVENT_ID, header, BODY, SENT_AT, seen_ids=NOBODY_SEEN)


@pytest.mark.parametrize("jitter", list(Jitter))
def test_each_retry_delay_stays_within_its_exponential_ceiling(jitter: Jitter) -> None:
    rng = random.Random(7)

    for attempt in range(1, 40):
        delay = retry_delay(attempt, base_seconds=30, cap_seconds=6 * 3600, rng=rng, jitter=jitter)

        ceiling = min(6 * 3600, 30 * 2 ** (attempt - 1))
        floor = 0 if jitter is Jitter.FULL else ceiling / 2
        assert floor <= delay <= ceiling


def test_the_retry_schedule_grows_and_is_the_same_for_the_same_seed() -> None:
    schedule = retry_schedule(seed=2024)

    assert schedule == retry_schedule(seed=2024)
    assert schedule != retry_schedule(seed=2025)
    assert all(later > earlier for earlier, later in pairwise(schedule))
    assert 15 <= schedule[0] <= 30
    assert 3 * 3600 <= schedule[-1] <= 6 * 3600


def test_the_retry_schedule_stops_at_max_attempts() -> None:
    schedule = retry_schedule(seed=1)

    assert len(schedule) == MAX_ATTEMPTS - 1
    assert not is_dead_letter(MAX_ATTEMPTS - 1)
    assert is_dead_letter(MAX_ATTEMPTS)
