"""Consent records: stored exactly as given, append-only, confirmed by double opt-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import consent_confirmations, consent_records, legal_bases
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.consent import ConsentEvent, text_hash
from leadflow.domain.errors import InvalidInput, NotFound
from leadflow.domain.privacy import Channel, LegalBasis, Purpose
from leadflow.domain.stages import Role
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.privacy import consent
from leadflow.services.privacy.person_rights import erase_person
from tests.factories import NOW, MakeLead, Tenant

TEXT = (
    "Ja, ich möchte den Newsletter der Nordwerk Maschinen GmbH per E-Mail erhalten. "
    "Ich kann meine Einwilligung jederzeit widerrufen."
)


def _grant(
    db: Database, tenant: Tenant, lead_id: int, **changes: object
) -> consent.RecordedConsent:
    fields: dict[str, object] = {
        "lead_id": lead_id,
        "purpose": Purpose.EMAIL_MARKETING,
        "channel": Channel.EMAIL,
        "text_version": "newsletter-2026-01",
        "text": TEXT,
        "source_url": "https://www.nordwerk-maschinen.de/newsletter?utm_source=messe",
        "ip": "2001:db8::17",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        "at": NOW,
        **changes,
    }
    with unit_of_work(db, tenant.id) as uow:
        return consent.record_consent(uow, **fields)  # type: ignore[arg-type]


def test_a_consent_keeps_the_exact_text_version_url_ip_and_user_agent(
    db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead = make_lead()

    recorded = _grant(db, tenant, lead.lead.id)

    with reading(db, tenant.id) as uow:
        [stored] = consent.consents(uow, lead.lead.id)
    assert stored.event is ConsentEvent.GRANTED
    assert stored.text == TEXT
    assert stored.text_version == "newsletter-2026-01"
    assert stored.text_hash == text_hash(TEXT)
    assert stored.source_url == "https://www.nordwerk-maschinen.de/newsletter?utm_source=messe"
    assert stored.ip == "2001:db8::17"
    assert stored.user_agent == "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    assert stored.at == NOW and stored.doi_requested_at == NOW
    assert stored.confirmed_at is None
    assert recorded.doi_token and recorded.confirm_path == f"/p/confirm/{recorded.doi_token}"


def test_a_consent_makes_consent_the_legal_basis_of_its_purpose(
    db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead = make_lead()

    _grant(db, tenant, lead.lead.id)

    with reading(db, tenant.id) as uow:
        current, _history = consent.legal_bases(uow, lead.lead.id)
    assert current[Purpose.EMAIL_MARKETING].basis is LegalBasis.CONSENT


def test_confirming_appends_a_confirmation_and_leaves_the_grant_untouched(
    db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead = make_lead()
    recorded = _grant(db, tenant, lead.lead.id)
    with db.reading() as connection:
        before = connection.execute(select(consent_records)).one()._asdict()
    assert recorded.doi_token is not None

    confirmed = consent.confirm_double_opt_in(
        db, recorded.doi_token, NOW + timedelta(hours=2), ip="192.0.2.8", user_agent="Mail"
    )
    again = consent.confirm_double_opt_in(db, recorded.doi_token, NOW + timedelta(days=3))

    with db.reading() as connection:
        after = connection.execute(select(consent_records)).one()._asdict()
        confirmations = connection.execute(select(func.count()).select_from(consent_confirmations))
        assert confirmations.scalar_one() == 1
    assert after == before
    assert confirmed.confirmed_at == NOW + timedelta(hours=2)
    assert confirmed.confirmation_ip == "192.0.2.8"
    assert again.confirmed_at == NOW + timedelta(hours=2)


def test_an_unknown_or_expired_confirmation_token_is_refused(
    db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    recorded = _grant(db, tenant, make_lead().lead.id)
    assert recorded.doi_token is not None

    with pytest.raises(NotFound):
        consent.confirm_double_opt_in(db, "not-a-token", NOW)
    with pytest.raises(InvalidInput, match="expired"):
        consent.confirm_double_opt_in(db, recorded.doi_token, NOW + timedelta(days=31))


def test_a_phone_consent_needs_no_double_opt_in(
    db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    recorded = _grant(
        db,
        tenant,
        make_lead().lead.id,
        purpose=Purpose.PHONE_MARKETING,
        channel=Channel.PHONE,
        text_version="rueckruf-v2",
        text="Ja, rufen Sie mich an.",
    )

    assert recorded.doi_token is None
    assert recorded.record.is_effective


def test_a_withdrawal_is_a_new_record(db: Database, tenant: Tenant, make_lead: MakeLead) -> None:
    lead = make_lead()
    _grant(db, tenant, lead.lead.id)

    with unit_of_work(db, tenant.id) as uow:
        consent.withdraw_consent(
            uow,
            lead_id=lead.lead.id,
            purpose="email_marketing",
            channel="email",
            at=NOW + timedelta(days=1),
        )

    with reading(db, tenant.id) as uow:
        events = [r.event for r in consent.consents(uow, lead.lead.id)]
    assert events == [ConsentEvent.GRANTED, ConsentEvent.WITHDRAWN]


def test_bad_consent_input_is_refused_and_stores_nothing(
    db: Database, tenant: Tenant, make_lead: MakeLead
) -> None:
    lead = make_lead()

    with pytest.raises(InvalidInput, match="channel 'email'"):
        _grant(db, tenant, lead.lead.id, channel="phone")
    with pytest.raises(InvalidInput, match="unknown purpose 'spam'"):
        _grant(db, tenant, lead.lead.id, purpose="spam")
    with pytest.raises(InvalidInput, match="IP address"):
        _grant(db, tenant, lead.lead.id, ip="localhost; drop table")

    with db.reading() as connection:
        for table in (consent_records, legal_bases):
            assert connection.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_a_consent_for_a_lead_of_another_workspace_is_not_found(
    db: Database, tenant: Tenant, other_tenant: Tenant, make_lead: MakeLead
) -> None:
    foreign = make_lead(other_tenant)

    with pytest.raises(NotFound):
        _grant(db, tenant, foreign.lead.id)


def test_the_confirmation_link_of_an_erased_person_confirms_nobody(
    db: Database, tenant: Tenant, make_lead: MakeLead, keys: PrivacyKeys
) -> None:
    eva_token = _grant(db, tenant, make_lead().lead.id).doi_token
    erase_person(
        db,
        keys,
        by=tenant.principal(Role.ADMIN),
        email="eva.fischer@nordwerk-maschinen.de",
        now=NOW,
    )
    jan = make_lead(email="jan.berg@nordwerk-maschinen.de", last_name="Berg", phone=None)
    _grant(db, tenant, jan.lead.id)
    assert eva_token is not None

    with pytest.raises(NotFound):
        consent.confirm_double_opt_in(db, eva_token, NOW + timedelta(minutes=5))

    with reading(db, tenant.id) as uow:
        [jans] = consent.consents(uow, jan.lead.id)
    assert jans.confirmed_at is None
