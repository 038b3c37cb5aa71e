"""Settings in headless Chromium, in German and English: an admin opens them from the header,
adds a user and revokes a token, and the CLI then shows both changes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect
from typer.testing import CliRunner

from leadflow.cli.main import app as cli_app
from leadflow.domain.stages import Role
from tests.e2e.live import LiveServer, screenshot, sign_in
from tests.factories import Tenant

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        (
            "de-DE",
            {
                "settings": "Einstellungen",
                "users": "Benutzer und Rollen",
                "tokens": "API-Tokens",
                "role": "Vertrieb",
                "add": "Benutzer hinzufügen",
                "added": "Der Benutzer wurde hinzugefügt.",
                "revoke": "Widerrufen",
                "revoked": "Das Token wurde widerrufen.",
            },
        ),
        (
            "en-US",
            {
                "settings": "Settings",
                "users": "Users and roles",
                "tokens": "API tokens",
                "role": "Sales",
                "add": "Add user",
                "added": "The user was added.",
                "revoke": "Revoke",
                "revoked": "The token was revoked.",
            },
        ),
    ],
)
def test_an_admin_adds_a_user_and_revokes_a_token_which_the_cli_then_shows(
    browser: Browser,
    server: LiveServer,
    tenant: Tenant,
    cli: CliRunner,
    locale: str,
    texts: dict[str, str],
) -> None:
    page = sign_in(browser, server, "admin@acme.example", locale=locale)

    page.locator(".mainnav").get_by_role("link", name=texts["settings"]).click()
    page.wait_for_url(re.compile(r".*/app/settings$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["settings"])
    expect(page.locator("#lifecycle-table tbody tr").first).to_be_visible()
    screenshot(page, f"settings-{locale}")

    page.locator(".subnav").get_by_role("link", name=texts["users"]).click()
    page.fill("#u-email", "nina.neu@acme.example")
    page.fill("#u-name", "Nina Neu")
    page.select_option("#u-role", label=texts["role"])
    page.fill("#u-password", "ein-langes-passwort")
    page.get_by_role("button", name=texts["add"]).click()
    expect(page.get_by_role("status")).to_have_text(texts["added"])
    expect(page.locator('tr[data-email="nina.neu@acme.example"]')).to_be_visible()
    screenshot(page, f"settings-users-{locale}")

    page.locator(".subnav").get_by_role("link", name=texts["tokens"]).click()
    sales_token = page.locator("#tokens tbody tr").filter(has_text="sales@acme.example")
    sales_token.get_by_role("button", name=texts["revoke"]).click()
    expect(page.get_by_role("status")).to_have_text(texts["revoked"])
    expect(sales_token.get_by_role("button", name=texts["revoke"])).to_have_count(0)
    screenshot(page, f"settings-tokens-{locale}")
    page.context.close()

    users = cli.invoke(cli_app, ["user", "list", "--workspace", "acme"])
    tokens = cli.invoke(cli_app, ["token", "list", "--workspace", "acme"])
    assert "nina.neu@acme.example\tsales\tNina Neu" in users.output
    rows = [line.split("\t") for line in tokens.output.splitlines()[1:]]
    revoked = [row[3] for row in rows if row[-1] != "-"]
    assert revoked == ["sales@acme.example"]
    assert len(rows) == len(Role)
