"""The web UI in headless Chromium against a real server: from a new MQL to a won deal."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import users
from leadflow.domain.stages import Role
from leadflow.settings import Settings
from leadflow.web.i18n import MISSING_MARK, load_catalog
from tests.e2e.live import LiveServer, screenshot, sign_in
from tests.factories import Tenant
from tests.integration.job_support import run_queued_jobs

pytestmark = pytest.mark.browser

VISIBLE_TEXTS = """() => {
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) { texts.push(walker.currentNode.textContent.trim()); }
  for (const element of document.querySelectorAll("[aria-label], [title], [placeholder]")) {
    for (const name of ["aria-label", "title", "placeholder"]) {
      if (element.hasAttribute(name)) { texts.push(element.getAttribute(name).trim()); }
    }
  }
  return texts.filter((text) => text.length > 0);
}"""


def _api(server: LiveServer, tenant: Tenant, role: Role) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers=tenant.headers(role), timeout=10)


def _new_mql(server: LiveServer, tenant: Tenant, first: str, last: str, campaign: int) -> int:
    """An MQL by the API, for tests about what happens after the hand-over."""
    with _api(server, tenant, Role.MARKETING) as api:
        answer = api.post(
            "/api/v1/leads",
            json={
                "email": f"{first.lower()}.{last.lower()}@foerdertechnik.example",
                "first_name": first,
                "last_name": last,
                "company": f"{last} Fördertechnik GmbH",
                "stage": "mql",
                "source": "web_form",
                "campaign_id": campaign,
            },
        )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _stage(server: LiveServer, tenant: Tenant, lead_id: int) -> str:
    with _api(server, tenant, Role.VIEWER) as api:
        return str(api.get(f"/api/v1/leads/{lead_id}").json()["stage"])


def _campaign(server: LiveServer, tenant: Tenant) -> int:
    with _api(server, tenant, Role.MARKETING) as api:
        answer = api.post(
            "/api/v1/campaigns",
            json={
                "name": "Webinar Intralogistik",
                "channel": "webinar",
                "starts_on": "2026-01-15",
                "actual_cost": "4500.00",
            },
        )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _card(page: Page, name: str) -> object:
    return page.locator("li.card", has=page.get_by_role("link", name=name))


def _visitor_fills_in_the_form(browser: Browser, server: LiveServer, form_url: str) -> None:
    visitor = browser.new_context(locale="de-DE").new_page()
    visitor.goto(form_url)
    visitor.fill("#lf-first_name", "Erika")
    visitor.fill("#lf-last_name", "Brandt")
    visitor.fill("#lf-email", "erika.brandt@brandt-foerdertechnik.example")
    visitor.fill("#lf-company", "Brandt Fördertechnik GmbH")
    visitor.check("#lf-consent-email_marketing")
    screenshot(visitor, "public-form-de")
    # The form's time trap refuses what a person could not have typed in three seconds.
    visitor.wait_for_timeout(3100)
    visitor.get_by_role("button").click()
    expect(visitor.locator("h1")).to_be_visible()
    visitor.context.close()


def _lead_by_email(server: LiveServer, tenant: Tenant, email: str) -> dict[str, object]:
    with _api(server, tenant, Role.VIEWER) as api:
        found = api.get("/api/v1/leads", params={"q": email}).json()["items"]
    assert len(found) == 1, found
    return dict(found[0])


def test_a_visitors_lead_is_accepted_qualified_and_won_and_the_dashboard_counts_it(
    browser: Browser, server: LiveServer, tenant: Tenant
) -> None:
    campaign = _campaign(server, tenant)
    marketing = sign_in(browser, server, "marketing@acme.example")
    marketing.goto(server.at(f"/app/campaigns/{campaign}"))
    form_url = marketing.locator("dd a").first.get_attribute("href")
    screenshot(marketing, "campaign-de")

    _visitor_fills_in_the_form(browser, server, str(form_url))

    lead = _lead_by_email(server, tenant, "erika.brandt@brandt-foerdertechnik.example")
    lead_id = int(str(lead["id"]))
    assert lead["stage"] == "mql" and lead["campaign_id"] == campaign
    marketing.goto(server.at("/app/leads?stage=mql"))
    expect(marketing.get_by_role("link", name="Erika Brandt")).to_be_visible()
    screenshot(marketing, "leads-list-de")

    sales = sign_in(browser, server, "sales@acme.example")
    screenshot(sales, "board-de")
    card = _card(sales, "Erika Brandt")
    card.get_by_role("button", name="Annehmen").click()  # type: ignore[attr-defined]
    expect(sales.get_by_text("Der Lead wurde verschoben.")).to_be_visible()
    sales.get_by_role("link", name="Erika Brandt").first.click()
    for criterion in ("budget", "authority", "need", "timeline"):
        sales.select_option(f"#status-{criterion}", "met")
    sales.fill("#amount-budget", "80.000")
    sales.fill("#value-authority", "Erika Brandt, Geschäftsführerin")
    sales.fill("#value-need", "Fahrerlose Transportsysteme für zwei Hallen")
    sales.fill("#note-need", "Bedarf im Erstgespräch bestätigt")
    sales.fill("#value-timeline", "2026-06-30")
    sales.get_by_role("button", name="Qualifizierung speichern").click()
    expect(sales.locator(".grade-big")).to_have_text("A-Lead")
    sales.get_by_role("button", name="Als SQL qualifizieren").click()
    sales.get_by_role("button", name="Gewonnen").click()
    expect(sales.get_by_text("Der Lead wurde verschoben.")).to_be_visible()
    screenshot(sales, "lead-won-de")

    sales.goto(server.at("/app/dashboard"))
    expect(sales.locator('[data-kpi="won"]')).to_have_text("1")
    expect(sales.locator('[data-kpi="mql"]')).to_have_text("1")
    screenshot(sales, "dashboard-de")
    assert _stage(server, tenant, lead_id) == "won"


def test_a_rejection_opens_the_reason_dialog_and_needs_a_reason(
    browser: Browser, server: LiveServer, tenant: Tenant
) -> None:
    lead_id = _new_mql(server, tenant, "Jonas", "Keller", _campaign(server, tenant))
    sales = sign_in(browser, server, "sales@acme.example")

    _card(sales, "Jonas Keller").get_by_role("link", name="Ablehnen").click()  # type: ignore[attr-defined]
    dialog = sales.locator("dialog[open]")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Jonas Keller")).to_be_visible()
    screenshot(sales, "reject-dialog-de", full_page=False)
    dialog.get_by_role("button", name="Bestätigen").click()
    assert _stage(server, tenant, lead_id) == "mql"
    dialog.get_by_label("Grund").select_option("wrong_contact")
    dialog.get_by_role("button", name="Bestätigen").click()

    expect(sales.get_by_text("Der Lead wurde verschoben.")).to_be_visible()
    assert _stage(server, tenant, lead_id) == "nurture"


def test_marketing_has_no_accept_button_and_the_server_refuses_the_move(
    browser: Browser, server: LiveServer, tenant: Tenant
) -> None:
    lead_id = _new_mql(server, tenant, "Lea", "Vogel", _campaign(server, tenant))
    marketing = sign_in(browser, server, "marketing@acme.example")

    marketing.goto(server.at(f"/app/leads/{lead_id}"))
    token = marketing.locator('input[name="csrf_token"]').first.input_value()
    refused = marketing.request.post(
        server.at(f"/app/leads/{lead_id}/move"), form={"csrf_token": token, "to": "sal"}
    )

    expect(marketing.get_by_role("button", name="Annehmen")).to_have_count(0)
    expect(marketing.get_by_role("link", name="Ablehnen")).to_have_count(1)
    assert refused.status == 403
    assert _stage(server, tenant, lead_id) == "mql"


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(
    browser: Browser, server: LiveServer, tenant: Tenant
) -> None:
    lead_id = _new_mql(server, tenant, "Paul", "Weiss", _campaign(server, tenant))
    sales = sign_in(browser, server, "sales@acme.example")
    card = _card(sales, "Paul Weiss")

    card.locator('input[name="csrf_token"]').first.evaluate("input => input.remove()")  # type: ignore[attr-defined]
    card.get_by_role("button", name="Annehmen").click()  # type: ignore[attr-defined]

    expect(sales.locator("h1")).to_have_text("Das hat nicht geklappt")
    assert _stage(server, tenant, lead_id) == "mql"


PEOPLE = {
    Role.ADMIN: "Anna Admin",
    Role.MARKETING: "Mara Kaiser",
    Role.SALES: "Sven Vertrieb",
    Role.VIEWER: "Gero Leitung",
}
MAIN_PAGES = ("/app/board", "/app/leads", "/app/campaigns", "/app/dashboard", "/app/import")


def _english_only() -> set[str]:
    german = load_catalog("de").messages
    return {
        msgid
        for msgid, text in german.items()
        if text != msgid and "%(" not in msgid and len(msgid) > 2
    }


@pytest.mark.parametrize("locale", ["de-DE", "en-US"])
def test_the_main_pages_show_no_untranslated_text(
    browser: Browser, server: LiveServer, tenant: Tenant, db: Database, locale: str
) -> None:
    with db.transaction() as connection:
        # The fixture's users are named after their roles; people's names are data, not UI.
        for role, name in PEOPLE.items():
            connection.execute(
                update(users).where(users.c.id == tenant.user_ids[role]).values(name=name)
            )
    campaign = _campaign(server, tenant)
    lead_id = _new_mql(server, tenant, "Marie", "Roth", campaign)
    page = sign_in(browser, server, "admin@acme.example", locale)
    english_only = _english_only()
    language = locale[:2]

    for path in (*MAIN_PAGES, f"/app/leads/{lead_id}", f"/app/campaigns/{campaign}"):
        page.goto(server.at(path))
        texts = page.evaluate(VISIBLE_TEXTS)
        name = re.sub(r"\W+", "-", path.strip("/")) + f"-{language}"

        assert page.locator("html").get_attribute("lang") == language
        assert [text for text in texts if MISSING_MARK in text] == [], path
        if language == "de":
            assert sorted({text for text in texts if text in english_only}) == [], path
        screenshot(page, name)


def test_the_board_fits_a_phone_screen(
    browser: Browser, server: LiveServer, tenant: Tenant
) -> None:
    _new_mql(server, tenant, "Tom", "Lange", _campaign(server, tenant))
    sales = sign_in(browser, server, "sales@acme.example")
    sales.set_viewport_size({"width": 390, "height": 844})

    sales.goto(server.at("/app/board"))

    board_width = sales.evaluate("document.documentElement.scrollWidth")
    screenshot(sales, "board-phone-de", full_page=False)
    sales.goto(server.at("/app/leads"))
    list_width = sales.evaluate("document.documentElement.scrollWidth")
    screenshot(sales, "leads-phone-de", full_page=False)

    assert board_width <= 390 and list_width <= 390


def test_marketing_previews_an_import_and_reads_the_dry_runs_reject_report(
    browser: Browser,
    server: LiveServer,
    tenant: Tenant,
    tmp_path: Path,
    db: Database,
    database_url: str,
) -> None:
    upload = tmp_path / "messe.csv"
    upload.write_bytes(
        "Vorname;Nachname;E-Mail;Firma\n"
        "Anna;Schulz;anna.schulz@hafen.example;Hafen Logistik GmbH\n"
        ";;kein-at-zeichen;Krause KG\n".encode("cp1252")
    )
    marketing = sign_in(browser, server, "marketing@acme.example")
    marketing.goto(server.at("/app/import"))

    marketing.set_input_files("#import-file", str(upload))
    marketing.get_by_role("button", name="Zuordnung ansehen").click()
    expect(marketing.get_by_role("cell", name="Hafen Logistik GmbH")).to_be_visible()
    screenshot(marketing, "import-preview-de")
    marketing.set_input_files("#import-file", str(upload))
    marketing.get_by_role("button", name="Probelauf").click()
    expect(marketing.locator("[data-import-status]")).to_have_attribute(
        "data-import-status", "queued"
    )
    run_queued_jobs(db, Settings(database_url=database_url))

    expect(marketing.locator("[data-import-status]")).to_have_attribute(
        "data-import-status", "done"
    )
    expect(marketing.locator('[data-count="rejected"]')).to_have_text("1")
    expect(marketing.get_by_role("link", name="Fehlerbericht herunterladen (CSV)")).to_be_visible()
    screenshot(marketing, "import-dry-run-de")


COLUMNS_OUTSIDE = """(selector) => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll(selector)]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .map((element) => element.textContent.trim().slice(0, 40));
}"""

CARDS_OUTSIDE_THEIR_COLUMN = """() => [...document.querySelectorAll(".board-column .card")]
  .filter((card) => {
    const column = card.closest(".board-column").getBoundingClientRect();
    const box = card.getBoundingClientRect();
    return box.right > column.right + 0.5 || box.left < column.left - 0.5;
  })
  .map((card) => card.textContent.trim().slice(0, 40))"""

CLIPPED_TABLES = """() => [...document.querySelectorAll(".table-wrap")]
  .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
  .map((wrap) => wrap.querySelector("caption")?.textContent.trim() ?? "?")"""


def test_every_board_column_and_dashboard_table_column_is_visible_at_1280_pixels(
    browser: Browser, server: LiveServer, tenant: Tenant
) -> None:
    _new_mql(server, tenant, "Tom", "Lange", _campaign(server, tenant))
    admin = sign_in(browser, server, "admin@acme.example")
    admin.set_viewport_size({"width": 1280, "height": 800})

    admin.goto(server.at("/app/board"))
    columns = admin.locator(".board-column").count()
    board_outside = admin.evaluate(COLUMNS_OUTSIDE, ".board-column")
    cards_outside = admin.evaluate(CARDS_OUTSIDE_THEIR_COLUMN)
    screenshot(admin, "board-1280-de", full_page=False)
    admin.goto(server.at("/app/dashboard"))
    dashboard_outside = admin.evaluate(COLUMNS_OUTSIDE, "th, td")
    clipped = admin.evaluate(CLIPPED_TABLES)
    screenshot(admin, "dashboard-1280-de")

    assert columns == 8
    assert board_outside == [] and cards_outside == []
    assert dashboard_outside == [] and clipped == []
