"""Lead forms in headless Chromium against a real server: a Salesforce Web-to-Lead form on a
customer's page with leadflow's script added, the same page when its token request is blocked
(held in the quarantine, not lost), and leadflow's own form with UTM fields filled by its
script."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import (
    consent_records,
    consent_texts,
    contacts,
    form_quarantine,
    leads,
)
from leadflow.adapters.db.uow import in_unit_of_work
from leadflow.domain.campaign import Campaign
from leadflow.domain.stages import Role
from leadflow.services.intake.forms import set_form_config
from tests.e2e.live import LiveServer, live_server, screenshot
from tests.factories import Tenant, new_campaign

pytestmark = pytest.mark.browser

SECRET = "browser-form-tests-secret-key-of-enough-length"
CUSTOMER = "http://www.nordwerk.example"
NEWSLETTER = "Ja, schicken Sie mir den Nordwerk-Newsletter."
LEADFLOW = "http://leads.nordwerk.example"
"""leadflow as the customer's page reaches it: a public address (Chromium keeps a public page's
script and token request away from 127.0.0.1), passed on to the test server."""


@pytest.fixture
def form_server(database_url: str, db: Database) -> Iterator[LiveServer]:
    with live_server(database_url, db, secret_key=SECRET) as running:
        yield running


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant, name="Website Kontakt", channel="website")


def salesforce_form(action: str) -> str:
    """A Web-to-Lead form as Salesforce generates it, with the action changed and leadflow's
    script added (as the embed code says)."""
    script = action.split("/f/")[0] + "/f/assets/form.js"
    return f"""<!doctype html>
<html><head><meta charset="UTF-8"><title>Kontakt</title></head><body>
<form action="{action}" method="POST">
<input type=hidden name="oid" value="00D5g000004ABCD">
<input type=hidden name="retURL" value="{CUSTOMER}/danke">
<label for="first_name">First Name</label><input id="first_name" maxlength="40" name="first_name" size="20" type="text"><br>
<label for="last_name">Last Name</label><input id="last_name" maxlength="80" name="last_name" size="20" type="text"><br>
<label for="email">Email</label><input id="email" maxlength="80" name="email" size="20" type="text"><br>
<label for="company">Company</label><input id="company" maxlength="40" name="company" size="20" type="text"><br>
<label for="title">Title</label><input id="title" maxlength="40" name="title" size="20" type="text"><br>
<label for="phone">Phone</label><input id="phone" maxlength="40" name="phone" size="20" type="text"><br>
<label for="city">City</label><input id="city" maxlength="40" name="city" size="20" type="text"><br>
<label for="zip">Zip</label><input id="zip" maxlength="20" name="zip" size="20" type="text"><br>
<label for="lead_source">Lead Source</label><select id="lead_source" name="lead_source">
<option value="">--None--</option><option value="Web">Web</option></select><br>
<label for="description">Description</label><textarea name="description"></textarea><br>
<input type=hidden name="Campaign_ID" value="7015g000000XYZ">
<label><input type="checkbox" name="consent_email_marketing" value="1"> {NEWSLETTER}</label><br>
<input type="submit" name="submit">
</form><script src="{script}" defer></script></body></html>"""  # noqa: E501


def _customer_page(
    context: BrowserContext, server: LiveServer, campaign: Campaign, *, block_token: bool = False
) -> Page:
    """The customer's contact page, its Web-to-Lead form posting to leadflow; with
    `block_token` a blocker keeps the script from fetching its time-trap token."""

    def leadflow(route: Route) -> None:
        answer = route.fetch(url=route.request.url.replace(LEADFLOW, server.url), max_redirects=0)
        route.fulfill(response=answer)

    action = f"{LEADFLOW}/f/{campaign.form_key}"
    context.route(f"{LEADFLOW}/**", leadflow)
    context.route(f"{CUSTOMER}/**", lambda route: _serve_customer_site(route, action))
    if block_token:
        context.route(f"{LEADFLOW}/f/*/token", lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{CUSTOMER}/kontakt")
    return page


def _serve_customer_site(route: Route, action: str) -> None:
    if route.request.url.startswith(f"{CUSTOMER}/danke"):
        route.fulfill(body="<h1>Danke!</h1>", content_type="text/html")
    else:
        route.fulfill(body=salesforce_form(action), content_type="text/html")


def _fill_in_the_salesforce_form(page: Page) -> None:
    page.fill("#first_name", "Eva")
    page.fill("#last_name", "Fischer")
    page.fill("#email", "eva.fischer@nordwerk.de")
    page.fill("#company", "Nordwerk GmbH")
    page.fill("#title", "Leiterin Einkauf")
    page.fill("#phone", "0711 1234560")
    page.fill("#city", "Stuttgart")
    page.fill("#zip", "70173")
    page.select_option("#lead_source", "Web")
    page.fill("textarea[name=description]", "Bitte um Rückruf zur Förderanlage.")
    page.check("input[name=consent_email_marketing]")


def test_a_salesforce_web_to_lead_form_creates_the_lead_from_a_real_browser(
    browser: Browser, form_server: LiveServer, db: Database, campaign: Campaign, tenant: Tenant
) -> None:
    marketing = tenant.principal(Role.MARKETING)
    in_unit_of_work(
        db,
        marketing.workspace_id,
        lambda uow: set_form_config(
            uow, by=marketing, campaign_id=campaign.id or 0, settings={"min_seconds": 1}
        ),
    )
    context = browser.new_context(locale="de-DE")
    page = _customer_page(context, form_server, campaign)
    _fill_in_the_salesforce_form(page)
    page.wait_for_function("document.querySelector('input[name=_lf_ts]')?.value")
    time.sleep(1.1)

    page.click("input[type=submit]")
    page.wait_for_url(f"{CUSTOMER}/danke")

    with db.reading() as connection:
        lead = connection.execute(select(leads)).one()
        contact = connection.execute(select(contacts)).one()
        consent = connection.execute(
            select(consent_records.c.source, consent_texts.c.text).join(
                consent_texts, consent_texts.c.id == consent_records.c.text_id
            )
        ).one()
    assert (consent.text, consent.source) == (NEWSLETTER, "form:page_text")
    assert (contact.first_name, contact.last_name, contact.email) == (
        "Eva", "Fischer", "eva.fischer@nordwerk.de",
    )  # fmt: skip
    assert (contact.job_title, contact.phone) == ("Leiterin Einkauf", "+497111234560")
    assert (lead.stage, lead.source, lead.campaign_id) == ("mql", "website", campaign.id)
    assert lead.extras["campaign_ref"] == "7015g000000XYZ"
    assert lead.extras["page"] == f"{CUSTOMER}/kontakt"
    context.close()


def test_a_salesforce_form_whose_token_request_is_blocked_is_held_not_lost(
    browser: Browser, form_server: LiveServer, db: Database, campaign: Campaign
) -> None:
    context = browser.new_context(locale="de-DE")
    page = _customer_page(context, form_server, campaign, block_token=True)
    _fill_in_the_salesforce_form(page)

    page.click("input[type=submit]")
    page.wait_for_url(f"{CUSTOMER}/danke")

    with db.reading() as connection:
        held = connection.execute(select(form_quarantine)).one()
        lead_count = len(connection.execute(select(leads.c.id)).all())
    assert (held.reasons, lead_count) == ("missing_token", 0)
    assert dict(held.fields)["city"] == "Stuttgart"
    assert dict(held.fields)["oid"] == "00D5g000004ABCD"
    assert [(c["key"], c["text"]) for c in held.consents] == [("email_marketing", NEWSLETTER)]
    context.close()


def test_leadflow_s_own_form_fills_utm_fields_and_records_the_consent(
    browser: Browser,
    form_server: LiveServer,
    db: Database,
    campaign: Campaign,
    tenant: Tenant,
) -> None:
    marketing = tenant.principal(Role.MARKETING)
    in_unit_of_work(
        db,
        marketing.workspace_id,
        lambda uow: set_form_config(
            uow, by=marketing, campaign_id=campaign.id or 0, settings={"min_seconds": 1}
        ),
    )
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(form_server.at(f"/f/{campaign.form_key}?utm_source=newsletter&utm_medium=email"))
    page.fill("#lf-first_name", "Jan")
    page.fill("#lf-last_name", "Jansen")
    page.fill("#lf-email", "jan.jansen@suedmetall.de")
    page.check("#lf-consent-email_marketing")
    screenshot(page, "lead-form-en")
    time.sleep(1.1)

    page.click("form button[type=submit]")
    page.wait_for_selector("text=Thank you!")

    with db.reading() as connection:
        lead = connection.execute(select(leads)).one()
        consent = connection.execute(select(consent_records)).one()
    assert lead.extras["utm_source"] == "newsletter" and lead.extras["utm_medium"] == "email"
    assert re.search(r"/f/[\w-]+\?utm_source=newsletter", lead.extras["page"])
    assert consent.ip == "127.0.0.1" and "Chrome" in (consent.user_agent or "")
    assert page.locator("text=Please confirm your e-mail consent").is_visible()
    context.close()
