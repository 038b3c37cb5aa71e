"""A lead's own work in headless Chromium, in German and English: marketing enters a lead met
at a fair from the list, corrects it on its edit page, and finds its touches and merges panels."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.live import LiveServer, screenshot, sign_in
from tests.factories import Tenant

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        ("de-DE", {"leads": "Leads", "new": "Neuer Lead", "enter": "Lead anlegen",
                   "entered": "Der Lead wurde angelegt.", "edit": "Bearbeiten", "save": "Speichern",
                   "saved": "Der Lead wurde gespeichert.", "touches": "Kontaktpunkte",
                   "merges": "Dubletten und Zusammenführungen"}),
        ("en-US", {"leads": "Leads", "new": "New lead", "enter": "Enter lead",
                   "entered": "The lead was entered.", "edit": "Edit", "save": "Save",
                   "saved": "The lead was saved.", "touches": "Touches",
                   "merges": "Duplicates and merges"}),
    ],
)  # fmt: skip
def test_marketing_enters_a_lead_and_corrects_it(
    browser: Browser, server: LiveServer, tenant: Tenant, locale: str, texts: dict[str, str]
) -> None:
    page = sign_in(browser, server, "marketing@acme.example", locale=locale)

    page.goto(server.at("/app/leads"))
    page.get_by_role("link", name=texts["new"]).click()
    page.fill("#l-first", "Jonas")
    page.fill("#l-last", "Weber")
    page.fill("#l-email", "j.weber@kranbau-weber.de")
    page.fill("#l-company", "Kranbau Weber GmbH")
    page.get_by_role("button", name=texts["enter"]).click()
    page.wait_for_url(re.compile(r".*/app/leads/\d+\?done=lead$"))
    expect(page.get_by_role("status")).to_have_text(texts["entered"])
    expect(page.get_by_role("heading", name=texts["touches"])).to_be_visible()
    expect(page.get_by_role("heading", name=texts["merges"])).to_be_visible()

    page.get_by_role("link", name=texts["edit"]).click()
    page.fill("#e-title", "Technischer Leiter")
    page.get_by_role("button", name=texts["save"]).click()
    expect(page.get_by_role("status")).to_have_text(texts["saved"])
    expect(page.locator("body")).to_contain_text("Technischer Leiter")
    screenshot(page, f"lead-entered-{locale}")
