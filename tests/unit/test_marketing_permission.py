"""The rule whether a campaign e-mail or a call may happen for a person."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from leadflow.domain.consent import ConsentState, ConsentStatus
from leadflow.domain.errors import InvalidInput, MarketingNotAllowed
from leadflow.domain.marketing import Action, MarketingFacts, decide, effective_phone_permission
from leadflow.domain.privacy import (
    BasisEntry,
    Channel,
    LegalBasis,
    PhonePermission,
    PhonePermissionEntry,
    Purpose,
    check_basis,
    check_channel,
    check_phone_permission,
    current_bases,
)

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
NO_CONSENT = ConsentStatus(ConsentState.NONE)


def _facts(**changes: object) -> MarketingFacts:
    facts = MarketingFacts(
        bases={},
        email_consent=NO_CONSENT,
        phone_consent=NO_CONSENT,
        phone_permission=None,
        has_email=True,
        has_phone=True,
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def _basis(
    purpose: Purpose, basis: LegalBasis, reason: str | None = None
) -> dict[Purpose, BasisEntry]:
    return {purpose: BasisEntry(purpose, basis, T0, reason)}


def test_a_campaign_email_needs_a_confirmed_double_opt_in() -> None:
    pending = _facts(
        bases=_basis(Purpose.EMAIL_MARKETING, LegalBasis.CONSENT),
        email_consent=ConsentStatus(ConsentState.PENDING, T0),
    )
    confirmed = replace(pending, email_consent=ConsentStatus(ConsentState.ACTIVE, T0))

    assert not decide(Action.CAMPAIGN_EMAIL, pending).allowed
    assert "not confirmed" in decide(Action.CAMPAIGN_EMAIL, pending).reason
    assert decide(Action.CAMPAIGN_EMAIL, confirmed).allowed


def test_a_legitimate_interest_in_a_prospect_does_not_cover_a_campaign_email() -> None:
    facts = _facts(
        bases=_basis(Purpose.EMAIL_MARKETING, LegalBasis.LEGITIMATE_INTEREST_PROSPECT, "ICP")
    )

    decision = decide(Action.CAMPAIGN_EMAIL, facts)

    assert not decision.allowed
    assert "§7(3) UWG" in decision.reason


def test_the_existing_customer_exception_allows_a_campaign_email_with_its_reason() -> None:
    reason = "bought a conveyor in 2025, similar products, objection possible in every mail"
    facts = _facts(
        bases=_basis(Purpose.EMAIL_MARKETING, LegalBasis.LEGITIMATE_INTEREST_CUSTOMER, reason)
    )

    decision = decide(Action.CAMPAIGN_EMAIL, facts)

    assert decision.allowed
    assert reason in decision.reason


def test_a_withdrawn_email_consent_stops_campaign_emails() -> None:
    facts = _facts(
        bases=_basis(Purpose.EMAIL_MARKETING, LegalBasis.CONSENT),
        email_consent=ConsentStatus(ConsentState.WITHDRAWN, T0),
    )

    assert "withdrawn" in decide(Action.CAMPAIGN_EMAIL, facts).reason


def test_a_call_is_refused_when_the_phone_permission_is_none() -> None:
    facts = _facts(
        bases=_basis(Purpose.PHONE_MARKETING, LegalBasis.LEGITIMATE_INTEREST_PROSPECT, "B2B"),
        phone_permission=PhonePermissionEntry(PhonePermission.NONE, T0),
    )

    decision = decide(Action.CALL, facts)

    assert not decision.allowed
    assert "'none'" in decision.reason


def test_a_call_with_presumed_permission_and_a_basis_is_allowed() -> None:
    facts = _facts(
        bases=_basis(Purpose.PHONE_MARKETING, LegalBasis.LEGITIMATE_INTEREST_PROSPECT, "B2B"),
        phone_permission=PhonePermissionEntry(PhonePermission.PRESUMED, T0, "asked for a call"),
    )

    assert decide(Action.CALL, facts).allowed


def test_a_call_without_a_legal_basis_is_refused_even_with_permission() -> None:
    facts = _facts(phone_permission=PhonePermissionEntry(PhonePermission.EXPRESS, T0))

    assert "not recorded" in decide(Action.CALL, facts).reason


def test_a_suppressed_person_gets_no_marketing_whatever_else_is_recorded() -> None:
    facts = _facts(
        bases=_basis(Purpose.EMAIL_MARKETING, LegalBasis.LEGITIMATE_INTEREST_CUSTOMER, "customer"),
        suppressed_at=T0,
        suppression_reason="objection",
    )

    decision = decide(Action.CAMPAIGN_EMAIL, facts)

    assert not decision.allowed
    with pytest.raises(MarketingNotAllowed, match="objection"):
        decision.require(7)


def test_a_newer_phone_consent_outranks_an_older_recorded_none() -> None:
    explicit = PhonePermissionEntry(PhonePermission.NONE, T0)
    consent = ConsentStatus(ConsentState.ACTIVE, T0 + timedelta(days=1))

    assert effective_phone_permission(explicit, consent) is PhonePermission.EXPRESS
    assert effective_phone_permission(None, NO_CONSENT) is PhonePermission.NONE


def test_a_legitimate_interest_needs_a_written_reason() -> None:
    with pytest.raises(InvalidInput, match="§7\\(3\\) UWG"):
        check_basis(Purpose.EMAIL_MARKETING, LegalBasis.LEGITIMATE_INTEREST_CUSTOMER, "  ")

    assert check_basis(Purpose.EMAIL_MARKETING, LegalBasis.CONSENT, None) is None


def test_presumed_phone_permission_needs_a_written_reason() -> None:
    with pytest.raises(InvalidInput, match="reason"):
        check_phone_permission(PhonePermission.PRESUMED, None)


def test_email_marketing_consent_is_given_for_the_email_channel_only() -> None:
    with pytest.raises(InvalidInput, match="channel 'email'"):
        check_channel(Purpose.EMAIL_MARKETING, Channel.PHONE)


def test_the_newest_basis_per_purpose_is_current() -> None:
    history = [
        BasisEntry(Purpose.EMAIL_MARKETING, LegalBasis.CONSENT, T0, id=1),
        BasisEntry(
            Purpose.EMAIL_MARKETING, LegalBasis.NOT_APPLICABLE, T0 + timedelta(hours=1), id=2
        ),
        BasisEntry(Purpose.PHONE_MARKETING, LegalBasis.CONTRACT, T0, id=3),
    ]

    current = current_bases(history)

    assert current[Purpose.EMAIL_MARKETING].basis is LegalBasis.NOT_APPLICABLE
    assert current[Purpose.PHONE_MARKETING].basis is LegalBasis.CONTRACT
