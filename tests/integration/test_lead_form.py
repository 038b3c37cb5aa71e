"""The public lead form: rendering in two languages, submissions by people, Salesforce
Web-to-Lead posts, consent with double opt-in, and what looks like a bot: the same answer as a
person, and the submission kept in the quarantine with its reason instead of the funnel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import (
    consent_confirmations,
    consent_records,
    consent_texts,
    contacts,
    form_quarantine,
    leads,
    outbox_events,
    stage_changes,
    touches,
)
from leadflow.domain.campaign import Campaign
from leadflow.domain.stages import Role
from tests.factories import Tenant, new_campaign
from tests.integration.form_support import (
    VISITOR_IP,
    count,
    token,
    visitor_client,
    web_to_lead,
)
from tests.integration.form_support import own_form as _person


@pytest.fixture
def client(database_url: str, db: Database) -> Iterator[TestClient]:
    with visitor_client(database_url, db) as test_client:
        yield test_client


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant)


def _quarantined(db: Database) -> list[tuple[str, dict[str, str]]]:
    with db.reading() as connection:
        rows = connection.execute(select(form_quarantine.c.reasons, form_quarantine.c.fields))
        return [(row.reasons, dict(row.fields)) for row in rows]


def _nothing_in_the_funnel(db: Database) -> bool:
    tables = (leads, contacts, consent_records, touches, outbox_events)
    return all(count(db, table) == 0 for table in tables)


def test_the_form_is_german_by_default_and_english_when_asked(
    client: TestClient, campaign: Campaign
) -> None:
    german = client.get(f"/f/{campaign.form_key}")
    english = client.get(f"/f/{campaign.form_key}?lang=en")
    browser = client.get(f"/f/{campaign.form_key}", headers={"Accept-Language": "en-GB,en;q=0.8"})

    assert german.status_code == 200
    assert "Nachname" in german.text and 'name="_lf_ts"' in german.text
    assert 'name="homepage"' in german.text and 'name="utm_source"' in german.text
    assert "Last name" in english.text and "Last name" in browser.text
    assert "frame-ancestors *" in german.headers["content-security-policy"]


def test_an_unknown_form_key_answers_404(client: TestClient) -> None:
    assert client.get("/f/no-such-form").status_code == 404


def test_a_person_becomes_an_mql_of_the_campaign_with_utm_and_a_touch(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    answer = client.post(f"/f/{campaign.form_key}", data=_person(campaign))

    assert answer.status_code == 200
    assert "Vielen Dank" in answer.text
    with db.reading() as connection:
        lead = connection.execute(select(leads)).one()
        log = connection.execute(select(stage_changes.c.target, stage_changes.c.actor)).all()
        touch = connection.execute(select(touches.c.type, touches.c.asks_for_contact)).one()
        phone = connection.execute(select(contacts.c.phone)).scalar_one()
    assert (lead.stage, lead.campaign_id, lead.source) == ("mql", campaign.id, "web_form")
    assert lead.extras["utm_source"] == "linkedin" and lead.extras["page"].endswith("/messe")
    assert lead.provenance["kind"] == "form"
    assert [tuple(entry) for entry in log] == [("mql", "automatic")]
    assert tuple(touch) == ("form_submitted", True) and phone == "+497111234560"


def test_a_prospect_who_fills_in_the_form_moves_to_mql_through_the_machine(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    client.post(
        "/api/v1/leads", json={"email": "eva.fischer@nordwerk.de", "last_name": "Fischer"},
        headers=tenant.headers(Role.MARKETING),
    )  # fmt: skip

    client.post(f"/f/{campaign.form_key}", data=_person(campaign))

    with db.reading() as connection:
        log = connection.execute(
            select(stage_changes.c.source, stage_changes.c.target).order_by(stage_changes.c.id)
        ).all()
    assert [tuple(entry) for entry in log] == [(None, "prospect"), ("prospect", "mql")]
    assert count(db, leads) == 1


@pytest.mark.parametrize(
    ("trap", "reason"),
    [
        ({"homepage": "https://cheap-pills.example"}, "honeypot"),
        ({"_lf_ts": "TOO-FAST"}, "invalid_token"),
        ({"_lf_ts": "1700000000.0123456789abcdef0123456789abcdef"}, "invalid_token"),
        ({"_lf_ts": ""}, "missing_token"),
    ],
    ids=["honeypot", "forged token", "foreign signature", "no token"],
)
def test_a_bot_gets_the_same_answer_as_a_person_and_goes_to_the_quarantine(
    client: TestClient, db: Database, campaign: Campaign, trap: dict[str, str], reason: str
) -> None:
    person = client.post(f"/f/{campaign.form_key}?lang=en", data=_person(campaign, email="a@b.de"))
    with db.transaction() as connection:
        for table in (stage_changes, touches, outbox_events, consent_records):
            connection.execute(table.delete())
        connection.execute(leads.delete())
        connection.execute(contacts.delete())

    bot = client.post(
        f"/f/{campaign.form_key}?lang=en", data=_person(campaign, MyField="x", **trap)
    )

    assert (bot.status_code, bot.text) == (person.status_code, person.text)
    assert _nothing_in_the_funnel(db)
    [(reasons, fields)] = _quarantined(db)
    assert reasons == reason
    assert fields["MyField"] == "x" and fields["email"] == "eva.fischer@nordwerk.de"


def test_a_person_whose_browser_autofills_and_who_sends_at_once_is_held_not_lost(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    too_fast = _person(campaign, _lf_ts=token(campaign, seconds_ago=0.5))

    answer = client.post(f"/f/{campaign.form_key}", data=too_fast)

    assert answer.status_code == 200 and "Vielen Dank" in answer.text
    assert _nothing_in_the_funnel(db)
    assert [reasons for reasons, _ in _quarantined(db)] == ["time_trap"]


def test_seven_colleagues_behind_one_company_address_all_become_leads(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    for number in range(7):
        person = _person(campaign, email=f"p{number}@nordwerk.de", last_name=f"N{number}", phone="")
        answer = client.post(f"/f/{campaign.form_key}", data=person)
        assert answer.status_code == 200

    assert count(db, leads) == 7
    assert count(db, form_quarantine) == 0


def test_one_person_sending_again_and_again_is_held_in_the_quarantine(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    for _ in range(7):
        client.post(f"/f/{campaign.form_key}", data=_person(campaign))

    assert count(db, leads) == 1
    assert [reasons for reasons, _ in _quarantined(db)] == ["rate_limit_person"] * 2


def test_a_salesforce_web_to_lead_post_creates_the_lead_and_redirects_to_ret_url(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    salesforce = web_to_lead(_lf_ts=token(campaign))

    answer = client.post(f"/f/{campaign.form_key}", data=salesforce, follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == "https://www.nordwerk.de/danke"
    with db.reading() as connection:
        lead = connection.execute(select(leads)).one()
        contact = connection.execute(select(contacts)).one()
    assert (contact.first_name, contact.job_title, contact.phone) == (
        "Jörg", "Einkaufsleiter", "+49892345678",
    )  # fmt: skip
    assert (lead.stage, lead.source) == ("mql", "website")
    assert lead.extras["note: 00N5g00000Lieferzeit"] == "Q3"
    assert lead.extras["campaign_ref"] == "7015g000000XYZ"
    assert lead.extras["street"] == "Leopoldstraße 12"
    assert "oid" not in str(lead.extras)


def test_a_plain_post_without_a_token_goes_to_the_quarantine_not_the_funnel(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    answer = client.post(f"/f/{campaign.form_key}", data=web_to_lead(), follow_redirects=False)

    assert answer.headers["location"] == "https://www.nordwerk.de/danke"
    assert _nothing_in_the_funnel(db)
    [(reasons, fields)] = _quarantined(db)
    assert reasons == "missing_token"
    assert fields == web_to_lead()


@pytest.mark.parametrize(
    "return_url", ["javascript:alert(1)", "//evil.example/x", "data:text/html,hi", "ftp://x.de"]
)
def test_an_unsafe_return_address_is_not_followed(
    client: TestClient, campaign: Campaign, return_url: str
) -> None:
    answer = client.post(
        f"/f/{campaign.form_key}", data=_person(campaign, retURL=return_url),
        follow_redirects=False,
    )  # fmt: skip

    assert answer.status_code == 200 and "Vielen Dank" in answer.text


def test_the_e_mail_consent_is_recorded_with_its_text_and_waits_for_double_opt_in(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    answer = client.post(
        f"/f/{campaign.form_key}", data=_person(campaign, consent_email_marketing="1"),
        headers={"User-Agent": "Testbrowser/1.0"},
    )  # fmt: skip

    assert "Bitte bestätigen" in answer.text
    with db.reading() as connection:
        consent = connection.execute(
            select(consent_records, consent_texts.c.version, consent_texts.c.text).join(
                consent_texts, consent_texts.c.id == consent_records.c.text_id
            )
        ).one()
        event = connection.execute(
            select(outbox_events.c.type, outbox_events.c.payload).where(
                outbox_events.c.type == "consent.confirmation_requested"
            )
        ).one()
    assert (consent.purpose, consent.version) == ("email_marketing", "email-marketing-1")
    assert consent.text.startswith("Ja, ich möchte Informationen zu Produkten")
    assert consent.user_agent == "Testbrowser/1.0" and consent.ip == VISITOR_IP
    assert consent.source == "form"
    assert consent.source_url == "https://nordwerk.de/messe" and consent.doi_requested_at
    assert event.type == "consent.confirmation_requested"
    confirm_url = event.payload["confirm_url"]
    assert confirm_url.startswith("http://testserver/p/confirm/")

    confirmed = client.post(confirm_url.removeprefix("http://testserver"))

    assert confirmed.status_code == 200
    assert count(db, consent_confirmations) == 1


def test_a_missing_required_field_shows_the_form_again_with_the_error(
    client: TestClient, db: Database, campaign: Campaign
) -> None:
    answer = client.post(f"/f/{campaign.form_key}?lang=en", data=_person(campaign, last_name=""))

    assert answer.status_code == 422
    assert "Please check the marked fields" in answer.text
    assert 'value="eva.fischer@nordwerk.de"' in answer.text
    assert count(db, leads) == 0


def test_marketing_configures_the_form_and_a_newsletter_form_makes_prospects(
    client: TestClient, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    settings = {
        "fields": ["email", "first_name", "last_name"], "required": ["email"],
        "asks_for_contact": False, "frame_ancestors": ["https://www.nordwerk.de"],
        "thank_you_url": "https://www.nordwerk.de/newsletter-danke",
    }  # fmt: skip

    changed = client.put(
        f"/api/v1/campaigns/{campaign.id}/form", json=settings,
        headers=tenant.headers(Role.MARKETING),
    )  # fmt: skip
    page = client.get(f"/f/{campaign.form_key}")
    answer = client.post(
        f"/f/{campaign.form_key}", data=_person(campaign, last_name=""), follow_redirects=False
    )

    assert changed.status_code == 200, changed.text
    assert '<iframe src="http://testserver/f/' in changed.json()["embed_iframe"]
    assert "frame-ancestors https://www.nordwerk.de" in page.headers["content-security-policy"]
    assert 'name="company"' not in page.text
    assert answer.headers["location"] == "https://www.nordwerk.de/newsletter-danke"
    with db.reading() as connection:
        assert connection.execute(select(leads.c.stage)).scalar_one() == "prospect"


def test_a_broken_form_setting_is_refused_with_its_place(
    client: TestClient, campaign: Campaign, tenant: Tenant
) -> None:
    refused = client.put(
        f"/api/v1/campaigns/{campaign.id}/form", json={"fields": ["email", "shoe_size"]},
        headers=tenant.headers(Role.MARKETING),
    )  # fmt: skip

    assert refused.status_code == 422
    assert refused.json()["field"] == "form.fields"


def test_the_form_script_and_token_are_served_by_leadflow(
    client: TestClient, campaign: Campaign
) -> None:
    script = client.get("/f/assets/form.js")
    token = client.get(f"/f/{campaign.form_key}/token")

    assert script.status_code == 200 and "utm_source" in script.text
    assert token.headers["access-control-allow-origin"] == "*"
    assert token.json()["token"].count(".") == 1
