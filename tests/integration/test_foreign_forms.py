"""A Salesforce Web-to-Lead form on a customer's own site, posting to leadflow: its mistakes go
back to its own page, nothing typed is lost while correcting, its consent box is recorded with
the text the visitor saw, and the embed code carries no placeholder address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import (
    accounts,
    consent_records,
    consent_texts,
    contacts,
    leads,
)
from leadflow.domain.campaign import Campaign
from leadflow.domain.form_config import DEFAULT_CONSENTS
from leadflow.domain.stages import Role
from tests.factories import Tenant, new_campaign
from tests.integration.form_support import (
    count,
    token,
    visitor_client,
    web_to_lead,
)
from tests.integration.ui_support import sign_in

BAD_EMAIL = "joerg.weiss(at)suedmetall.de"


@pytest.fixture
def client(database_url: str, db: Database) -> Iterator[TestClient]:
    with visitor_client(database_url, db) as test_client:
        yield test_client


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant, name="Website Kontakt", channel="website")


def _inputs(page: str) -> dict[str, str]:
    """The fields a browser would post from the page's form."""
    found = {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
    }
    found.update(
        (unescape(name), unescape(text))
        for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page)
    )
    return found


def test_a_mistake_on_a_foreign_form_goes_back_to_its_return_address_with_the_errors(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    posted = web_to_lead(email=BAD_EMAIL, _lf_ts=token(campaign))

    answer = client.post(f"/f/{campaign.form_key}", data=posted, follow_redirects=False)

    assert answer.status_code == 303
    target = urlsplit(answer.headers["location"])
    query = parse_qs(target.query)
    assert (target.scheme, target.netloc, target.path) == ("https", "www.nordwerk.de", "/danke")
    assert query["lf_status"] == ["invalid"] and query["lf_errors"] == ["email"]
    assert query["lf_error_email"][0]
    assert BAD_EMAIL not in answer.headers["location"]
    assert count(db, leads) == 0


def test_a_foreign_form_without_return_address_gets_a_page_that_keeps_every_field(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    posted = web_to_lead(email=BAD_EMAIL, _lf_ts=token(campaign))
    del posted["retURL"]

    page = client.post(f"/f/{campaign.form_key}?lang=en", data=posted)

    assert page.status_code == 422
    assert "Please check the marked fields" in page.text
    assert 'aria-invalid="true"' in page.text
    kept = _inputs(page.text)
    for name in ("city", "zip", "street", "lead_source", "industry", "00N5g00000Lieferzeit",
                 "Campaign_ID", "oid", "state", "description"):  # fmt: skip
        assert kept[name] == posted[name], name
    assert kept["email"] == BAD_EMAIL


def test_after_correcting_on_that_page_the_lead_has_everything_first_typed(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    posted = web_to_lead(email=BAD_EMAIL, _lf_ts=token(campaign))
    del posted["retURL"]
    page = client.post(f"/f/{campaign.form_key}", data=posted)
    corrected = _inputs(page.text) | {"email": "joerg.weiss@suedmetall.de"}
    corrected["_lf_ts"] = token(campaign)  # the person took a few seconds to correct it

    answer = client.post(f"/f/{campaign.form_key}", data=corrected)

    assert answer.status_code == 200 and "Vielen Dank" in answer.text
    with db.reading() as connection:
        lead = connection.execute(select(leads)).one()
        contact = connection.execute(select(contacts)).one()
        account = connection.execute(select(accounts)).one()
    assert contact.email == "joerg.weiss@suedmetall.de"
    assert (lead.source, lead.extras["street"]) == ("website", "Leopoldstraße 12")
    assert (account.city, account.postal_code, account.industry) == (
        "München", "80331", "Maschinenbau",
    )  # fmt: skip
    assert lead.extras["note: 00N5g00000Lieferzeit"] == "Q3"
    assert lead.extras["campaign_ref"] == "7015g000000XYZ"


def test_an_unsafe_return_address_gets_the_correction_page_not_a_redirect(
    client: TestClient, campaign: Campaign
) -> None:
    posted = web_to_lead(email=BAD_EMAIL, _lf_ts=token(campaign), retURL="javascript:alert(1)")

    answer = client.post(f"/f/{campaign.form_key}", data=posted, follow_redirects=False)

    assert answer.status_code == 422 and "location" not in answer.headers


def test_the_consent_box_of_a_foreign_form_is_recorded_with_the_text_the_visitor_saw(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    seen = "Ich möchte den Südmetall-Newsletter erhalten (jederzeit abbestellbar)."
    posted = web_to_lead(
        _lf_ts=token(campaign), consent_email_marketing="1", consent_text_email_marketing=seen
    )

    client.post(f"/f/{campaign.form_key}", data=posted, follow_redirects=False)

    with db.reading() as connection:
        consent = connection.execute(
            select(consent_records.c.source, consent_texts.c.text, consent_texts.c.version).join(
                consent_texts, consent_texts.c.id == consent_records.c.text_id
            )
        ).one()
    assert (consent.text, consent.source) == (seen, "form:page_text")
    assert consent.version == DEFAULT_CONSENTS[0].version


def test_a_foreign_consent_box_without_its_text_is_recorded_as_the_configured_text(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    posted = web_to_lead(_lf_ts=token(campaign), consent_email_marketing="1")

    client.post(f"/f/{campaign.form_key}", data=posted, follow_redirects=False)

    with db.reading() as connection:
        consent = connection.execute(
            select(consent_records.c.source, consent_texts.c.text).join(
                consent_texts, consent_texts.c.id == consent_records.c.text_id
            )
        ).one()
    assert consent.text == DEFAULT_CONSENTS[0].text_de
    assert consent.source == "form:configured_text"


def test_the_embed_code_has_no_return_address_until_a_thank_you_page_is_set(
    client: TestClient, campaign: Campaign, tenant: Tenant
) -> None:
    marketing = tenant.headers(Role.MARKETING)
    before = client.get(f"/api/v1/campaigns/{campaign.id}/form", headers=marketing).json()

    after = client.put(
        f"/api/v1/campaigns/{campaign.id}/form",
        json={"thank_you_url": "https://www.nordwerk.de/kontakt/danke"}, headers=marketing,
    ).json()  # fmt: skip

    assert "retURL" not in before["embed_html"] and "example" not in before["embed_html"]
    assert 'name="consent_text_email_marketing"' in before["embed_html"]
    assert (
        '<input name="retURL" type="hidden" value="https://www.nordwerk.de/kontakt/danke">'
        in after["embed_html"]
    )


def test_the_campaign_page_offers_embed_code_without_a_placeholder_address(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    sign_in(client, db, tenant, Role.MARKETING)

    page = client.get(f"/app/campaigns/{campaign.id}")

    assert page.status_code == 200
    assert "retURL" not in page.text and "example.de" not in page.text
    assert "/f/assets/form.js" in page.text
