from __future__ import annotations

import base64
import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from leadflow.domain.errors import InvalidInput
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

SECRET = "whsec_" + base64.b64encode(b"leadflow test signing key 32 byt").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"another signing key of 32 bytes!").decode()
EVENT_ID = "evt_0001"
BODY = b'{"lead_id": 42, "to": "mql"}'
SENT_AT = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
NOBODY_SEEN: frozenset[str] = frozenset()


def test_the_signature_is_base64_hmac_sha256_over_id_timestamp_and_body_with_the_decoded_key() -> (
    None
):
    digest = hmac.new(
        b"leadflow test signing key 32 byt", b"evt_0001.1700000000." + BODY, hashlib.sha256
    ).digest()

    headers = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    assert headers == {
        "webhook-id": EVENT_ID,
        "webhook-timestamp": "1700000000",
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }


def test_an_off_the_shelf_standard_webhooks_receiver_verifies_a_delivery() -> None:
    headers = sign(SECRET, EVENT_ID, BODY, datetime.now(UTC))

    assert Webhook(SECRET).verify(BODY, headers) == {"lead_id": 42, "to": "mql"}
    with pytest.raises(WebhookVerificationError):
        Webhook(OTHER_SECRET).verify(BODY, headers)


def test_a_delivery_signed_by_an_off_the_shelf_sender_verifies_here() -> None:
    signature = Webhook(SECRET).sign(EVENT_ID, SENT_AT, BODY)
    headers = {"Webhook-Id": EVENT_ID, "Webhook-Timestamp": "1700000000"}

    verify(SECRET, headers | {"Webhook-Signature": signature}, BODY, SENT_AT, seen_ids=NOBODY_SEEN)


def test_a_genuine_delivery_verifies() -> None:
    headers = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    verify(SECRET, headers, BODY, SENT_AT + timedelta(seconds=3), seen_ids=NOBODY_SEEN)


def test_a_tampered_body_is_rejected() -> None:
    headers = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    with pytest.raises(SignatureMismatch):
        verify(SECRET, headers, BODY.replace(b"42", b"43"), SENT_AT, seen_ids=NOBODY_SEEN)


def test_a_delivery_signed_with_another_secret_is_rejected() -> None:
    headers = sign(OTHER_SECRET, EVENT_ID, BODY, SENT_AT)

    with pytest.raises(SignatureMismatch, match="secret is wrong"):
        verify(SECRET, headers, BODY, SENT_AT, seen_ids=NOBODY_SEEN)


def test_a_signature_moved_to_another_event_id_is_rejected() -> None:
    headers = sign(SECRET, EVENT_ID, BODY, SENT_AT) | {"webhook-id": "evt_0002"}

    with pytest.raises(SignatureMismatch):
        verify(SECRET, headers, BODY, SENT_AT, seen_ids=NOBODY_SEEN)


def test_a_delivery_older_than_the_tolerance_is_rejected_as_stale() -> None:
    headers = sign(SECRET, EVENT_ID, BODY, SENT_AT)
    six_minutes_later = SENT_AT + timedelta(minutes=6)

    with pytest.raises(StaleDelivery, match="300"):
        verify(SECRET, headers, BODY, six_minutes_later, seen_ids=NOBODY_SEEN)


def test_a_delivery_just_within_the_tolerance_is_accepted() -> None:
    headers = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    verify(SECRET, headers, BODY, SENT_AT + timedelta(seconds=300), seen_ids=NOBODY_SEEN)


def test_a_replayed_event_id_is_rejected() -> None:
    headers = sign(SECRET, EVENT_ID, BODY, SENT_AT)

    with pytest.raises(ReplayedDelivery, match=EVENT_ID):
        verify(SECRET, headers, BODY, SENT_AT, seen_ids={EVENT_ID})


def test_a_rotated_secret_may_send_two_signatures_of_which_one_matches() -> None:
    old = sign(OTHER_SECRET, EVENT_ID, BODY, SENT_AT)["webhook-signature"]
    new = sign(SECRET, EVENT_ID, BODY, SENT_AT)
    headers = new | {"webhook-signature": f"{old} {new['webhook-signature']}"}

    verify(SECRET, headers, BODY, SENT_AT, seen_ids=NOBODY_SEEN)


_GOOD = "v1," + "A" * 43 + "="


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"webhook-timestamp": "1700000000", "webhook-signature": _GOOD},
        {"webhook-id": EVENT_ID, "webhook-signature": _GOOD},
        {"webhook-id": EVENT_ID, "webhook-timestamp": "soon", "webhook-signature": _GOOD},
        {"webhook-id": EVENT_ID, "webhook-timestamp": "1700000000"},
        {"webhook-id": EVENT_ID, "webhook-timestamp": "1700000000", "webhook-signature": "v1,xyz"},
        {"webhook-id": "a b", "webhook-timestamp": "1700000000", "webhook-signature": _GOOD},
    ],
)
def test_malformed_headers_are_rejected(headers: dict[str, str]) -> None:
    with pytest.raises(MalformedSignature):
        verify(SECRET, headers, BODY, SENT_AT, seen_ids=NOBODY_SEEN)


def test_a_secret_that_is_not_base64_is_refused_with_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="base64"):
        sign("whsec_not base64!", EVENT_ID, BODY, SENT_AT)


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
