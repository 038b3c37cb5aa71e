"""The bell in headless Chromium: it shows the unread count, and opens the list, in German and
English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import unit_of_work
from leadflow.domain.notification_mail import LEAD_ASSIGNED
from leadflow.domain.stages import Role
from leadflow.services.notifications.inbox import notify
from tests.e2e.live import LiveServer, screenshot, sign_in
from tests.factories import ERIKA, NOW, Tenant, new_lead

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "heading", "line"),
    [
        ("de-DE", "Benachrichtigungen", "Ihnen wurde der Lead #{} zugewiesen."),
        ("en-US", "Notifications", "Lead #{} has been assigned to you."),
    ],
)
def test_the_bell_shows_the_count_and_opens_the_list(
    browser: Browser,
    server: LiveServer,
    db: Database,
    tenant: Tenant,
    locale: str,
    heading: str,
    line: str,
) -> None:
    first = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    second = new_lead(db, tenant, like=ERIKA, email="max@muster.example", last_name="Mustermann")
    with unit_of_work(db, tenant.id) as uow:
        for lead_id in (first, second):
            notify(
                uow, tenant.user_ids[Role.SALES], LEAD_ASSIGNED, lead_id=lead_id, params={},
                cause=f"assigned:{lead_id}", now=NOW,
            )  # fmt: skip

    page = sign_in(browser, server, "sales@acme.example", locale=locale)
    bell = page.locator("a.bell")
    expect(bell.locator(".bell-count")).to_have_text("2")
    screenshot(page, f"bell-{locale}", full_page=False)
    bell.click()

    page.wait_for_url(re.compile(r".*/app/notifications$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name=line.format(second))).to_be_visible()
    screenshot(page, f"notifications-{locale}", full_page=False)
    page.get_by_role("link", name=line.format(first)).click()
    page.wait_for_url(re.compile(rf".*/app/leads/{first}$"))
    page.context.close()
