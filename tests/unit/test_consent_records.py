"""Where a person's consent stands after its append-only records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow.domain.consent import (
    ConsentEvent,
    ConsentRecord,
    ConsentState,
    active_grants,
    check_confirmation,
    check_grant,
    consent_status,
    doi_token_hash,
    new_doi_token,
    text_hash,
)
from leadflow.domain.errors import InvalidInput
from leadflow.domain.privacy import Channel, Purpose

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
EMAIL = (Purpose.EMAIL_MARKETING, Channel.EMAIL)


def _grant(at: datetime, *, confirmed: datetime | None = None, rid: int = 1) -> ConsentRecord:
    return ConsentRecord(
        1,
        ConsentEvent.GRANTED,
        *EMAIL,
        at,
        "v1",
        doi_requested_at=at,
        confirmed_at=confirmed,
        id=rid,
    )


def _withdrawal(at: datetime, rid: int) -> ConsentRecord:
    return ConsentRecord(1, ConsentEvent.WITHDRAWN, *EMAIL, at, id=rid)


def test_an_email_grant_is_pending_until_its_double_opt_in_is_confirmed() -> None:
    pending = consent_status([_grant(T0)], *EMAIL)
    active = consent_status([_grant(T0, confirmed=T0 + timedelta(minutes=5))], *EMAIL)

    assert pending.state is ConsentState.PENDING
    assert active.state is ConsentState.ACTIVE
    assert active.since == T0 + timedelta(minutes=5)


def test_a_withdrawal_ends_every_earlier_grant() -> None:
    records = [_grant(T0, confirmed=T0, rid=1), _withdrawal(T0 + timedelta(days=1), rid=2)]

    assert consent_status(records, *EMAIL).state is ConsentState.WITHDRAWN
    assert active_grants(records) == set()


def test_a_grant_after_a_withdrawal_counts_again() -> None:
    records = [
        _grant(T0, confirmed=T0, rid=1),
        _withdrawal(T0 + timedelta(days=1), rid=2),
        _grant(T0 + timedelta(days=2), confirmed=T0 + timedelta(days=2), rid=3),
    ]

    assert consent_status(records, *EMAIL).state is ConsentState.ACTIVE


def test_a_person_without_records_has_no_consent() -> None:
    assert consent_status([], *EMAIL).state is ConsentState.NONE


def test_a_grant_needs_the_exact_text_and_its_version() -> None:
    with pytest.raises(InvalidInput, match="version"):
        check_grant(Purpose.EMAIL_MARKETING, Channel.EMAIL, " ", "Ja, ich will.")
    with pytest.raises(InvalidInput, match="exact text"):
        check_grant(Purpose.EMAIL_MARKETING, Channel.EMAIL, "v1", "")


def test_the_text_hash_changes_with_every_character() -> None:
    assert text_hash("Ja, ich will.") != text_hash("Ja, ich will!")
    assert len(text_hash("Ja")) == 64


def test_a_confirmation_link_expires_after_thirty_days() -> None:
    record = _grant(T0)

    check_confirmation(record, T0 + timedelta(days=29))
    with pytest.raises(InvalidInput, match="expired"):
        check_confirmation(record, T0 + timedelta(days=31))


def test_only_the_hash_of_a_double_opt_in_token_is_kept() -> None:
    token = new_doi_token()

    assert doi_token_hash(token) != token
    assert doi_token_hash(token) == doi_token_hash(token)
    assert new_doi_token() != token
