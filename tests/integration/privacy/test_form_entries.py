"""Form entries through the public lead form: the consent record holds exactly the text and
version shown, and a suppressed person stays suppressed when they fill in a form again."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import consent_records
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.adapters.secret_key import secret_key
from leadflow.domain import time_trap
from leadflow.domain.campaign import Campaign
from leadflow.domain.consent import text_hash
from leadflow.domain.form_config import DEFAULT_CONSENTS
from leadflow.domain.marketing import Action, Decision
from leadflow.domain.stages import Role
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.intake.forms import FormKeys
from leadflow.services.privacy import marketing
from leadflow.services.privacy.person_rights import export_person
from leadflow.services.privacy.suppression import is_suppressed, objection_url
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import NOW, Tenant, new_campaign

EMAIL = "eva.fischer@nordwerk-maschinen.de"
BOX = DEFAULT_CONSENTS[0]


@pytest.fixture
def visitor(settings: Settings, db: Database) -> Iterator[TestClient]:
    """A browser at a public address."""
    with TestClient(create_app(settings, db=db), client=("198.51.100.4", 40000)) as client:
        yield client


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant)


def _fill_in(client: TestClient, settings: Settings, campaign: Campaign) -> None:
    keys = FormKeys.derive(secret_key(settings))
    issued = datetime.now(UTC) - timedelta(seconds=20)
    answer = client.post(
        f"/f/{campaign.form_key}",
        data={
            "first_name": "Eva",
            "last_name": "Fischer",
            "email": EMAIL,
            "phone": "0711 1234560",
            "company": "Nordwerk Maschinen GmbH",
            "page": "https://nordwerk-maschinen.de/messe",
            "homepage": "",
            "_lf_ts": time_trap.issue(keys.trap, campaign.form_key or "", issued),
            f"consent_{BOX.key}": "1",
        },
        headers={"User-Agent": "Testbrowser/2.0"},
    )
    assert answer.status_code == 200, answer.text


def _email_decision(db: Database, tenant: Tenant, keys: PrivacyKeys) -> Decision:
    with reading(db, tenant.id) as uow:
        contact = uow.contacts.by_email(EMAIL)
        assert contact is not None and contact.id is not None
        lead = uow.leads.by_contact(contact.id)
        assert lead is not None and lead.id is not None
        decisions = marketing.marketing_decisions(uow, keys, lead.id)
    return next(d for d in decisions if d.action is Action.CAMPAIGN_EMAIL)


def test_the_consent_of_a_form_entry_holds_the_exact_text_and_version_shown(
    visitor: TestClient,
    db: Database,
    settings: Settings,
    tenant: Tenant,
    keys: PrivacyKeys,
    campaign: Campaign,
) -> None:
    page = visitor.get(f"/f/{campaign.form_key}")

    _fill_in(visitor, settings, campaign)

    shown = BOX.text("de")
    assert html.escape(shown, quote=False) in page.text
    document = in_unit_of_work(
        db,
        tenant.id,
        lambda uow: export_person(uow, keys, by=tenant.principal(Role.ADMIN), email=EMAIL, now=NOW),
    )
    [consent] = document["consents"]
    assert consent["text"] == shown
    assert consent["text_version"] == BOX.version
    assert consent["text_hash"] == text_hash(shown)
    assert consent["source_url"] == "https://nordwerk-maschinen.de/messe"
    assert (consent["ip"], consent["user_agent"]) == ("198.51.100.4", "Testbrowser/2.0")
    assert document["provenance"][0]["origin"]["kind"] == "form"


def test_a_person_who_objected_and_fills_in_a_form_again_stays_suppressed(
    visitor: TestClient,
    db: Database,
    settings: Settings,
    tenant: Tenant,
    keys: PrivacyKeys,
    campaign: Campaign,
) -> None:
    _fill_in(visitor, settings, campaign)
    with reading(db, tenant.id) as uow:
        contact = uow.contacts.by_email(EMAIL)
        assert contact is not None
        link = objection_url(uow, keys, "", contact)
    visitor.post(link)

    _fill_in(visitor, settings, campaign)

    decision = _email_decision(db, tenant, keys)
    assert not decision.allowed and "objection" in decision.reason
    with reading(db, tenant.id) as uow:
        assert is_suppressed(uow, keys, email=EMAIL) is not None
    with db.reading() as connection:
        grants = connection.execute(
            select(func.count())
            .select_from(consent_records)
            .where(consent_records.c.event == "granted")
        ).scalar_one()
    assert grants == 1
