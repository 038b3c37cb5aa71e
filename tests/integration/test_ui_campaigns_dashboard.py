"""Campaign pages and the dashboard with its exports."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import campaigns
from leadflow.domain.stages import Role, Stage
from tests.factories import ERIKA, Tenant, new_campaign, new_lead
from tests.integration.ui_support import sign_in


def _campaign_count(db: Database) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(campaigns)).scalar_one())


def test_marketing_creates_a_campaign_with_german_amounts_and_gets_its_embed_code(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)
    form = {
        "csrf_token": csrf,
        "name": "LogiMAT 2026",
        "channel": "trade_fair",
        "starts_on": "2026-03-10",
        "ends_on": "2026-03-12",
        "planned_cost": "45.000,00",
        "actual_cost": "47.250,50",
    }

    page = app_client.post(
        "/app/campaigns", data=form, headers={"Accept-Language": "de-DE,de;q=0.9"}
    )

    assert page.status_code == 200
    assert "47.250,50\xa0€" in page.text
    assert "/f/" in page.text and "&lt;iframe src=" in page.text
    assert 'name="last_name"' in page.text.replace("&#34;", '"').replace("&quot;", '"')


def test_a_campaign_that_ends_before_it_starts_is_refused_and_not_stored(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    page = app_client.post(
        "/app/campaigns",
        data={
            "csrf_token": csrf,
            "name": "Print",
            "channel": "print",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-01",
        },
    )

    assert page.status_code == 422 and 'value="Print"' in page.text
    assert _campaign_count(db) == 0


def test_sales_sees_no_new_campaign_button_and_cannot_create_one(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    listing = app_client.get("/app/campaigns")
    form = app_client.get("/app/campaigns/new")
    refused = app_client.post(
        "/app/campaigns",
        data={"csrf_token": csrf, "name": "X", "channel": "print", "starts_on": "2026-03-10"},
    )

    assert listing.status_code == 200 and "/app/campaigns/new" not in listing.text
    assert form.status_code == refused.status_code == 403
    assert _campaign_count(db) == 0


def _won_lead(app_client: TestClient, db: Database, tenant: Tenant, campaign_id: int) -> None:
    lead_id = new_lead(
        db, tenant, like=ERIKA, email="erika@muster.example", campaign_id=campaign_id
    )
    new_lead(
        db,
        tenant,
        like=ERIKA,
        email="max@beispiel.example",
        last_name="Beispiel",
        campaign_id=campaign_id,
    )
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    bant = {f"status-{key}": "met" for key in ("budget", "authority", "need", "timeline")}
    for step in ("sal", "qualification", "sql", "won"):
        if step == "qualification":
            app_client.post(
                f"/app/leads/{lead_id}/qualification", data={"csrf_token": csrf, **bant}
            )
        else:
            app_client.post(f"/app/leads/{lead_id}/move", data={"csrf_token": csrf, "to": step})


def _webinar_with_a_won_lead(
    app_client: TestClient, db: Database, tenant: Tenant, cost: Decimal = Decimal(0)
) -> int:
    """A webinar campaign with two MQLs from the web form, one of them won."""
    campaign = new_campaign(
        db, tenant, name="Webinar", channel="webinar", starts_on=date(2026, 1, 1), actual_cost=cost
    )
    assert campaign.id is not None
    _won_lead(app_client, db, tenant, campaign.id)
    return campaign.id


def _csv_rows(answer: Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))


def test_the_dashboard_counts_a_won_lead_and_its_campaign_cost(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    campaign = new_campaign(
        db,
        tenant,
        name='=HYPERLINK("http://evil")',
        channel="webinar",
        starts_on=date(2026, 1, 1),
        actual_cost=Decimal("1000"),
    )
    assert campaign.id is not None
    _won_lead(app_client, db, tenant, campaign.id)

    app_client.headers["Accept-Language"] = "en"
    page = app_client.get("/app/dashboard")
    funnel_csv = app_client.get("/app/dashboard/export/funnel.csv")
    costs_xlsx = app_client.get(f"/app/dashboard/export/costs.xlsx?campaign={campaign.id}")

    assert page.status_code == 200
    assert 'data-kpi="won">1<' in page.text and 'data-kpi="mql">2<' in page.text
    rows = list(csv.reader(io.StringIO(funnel_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Stage", "Leads", "Entries"]
    assert [row[1] for row in rows[1:]] == ["0", "2", "1", "1", "1"]
    sheet = load_workbook(io.BytesIO(costs_xlsx.content)).active
    header, row = ([cell.value for cell in line] for line in sheet.iter_rows(max_row=2))
    assert row[0] == '\'=HYPERLINK("http://evil")'
    assert row[header.index("Cost per MQL")] == 500
    assert row[header.index("Cost per Won")] == 1000


def test_the_german_csv_export_writes_decimal_commas_that_german_excel_reads_as_numbers(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    _webinar_with_a_won_lead(app_client, db, tenant, cost=Decimal("1000"))

    app_client.headers["Accept-Language"] = "de"
    german = app_client.get("/app/dashboard/export/costs.csv").content.decode("utf-8-sig")
    app_client.headers["Accept-Language"] = "en"
    english = app_client.get("/app/dashboard/export/costs.csv").content.decode("utf-8-sig")

    german_row = list(csv.reader(io.StringIO(german), delimiter=";"))[1]
    english_row = list(csv.reader(io.StringIO(english), delimiter=";"))[1]
    assert (german_row[2], german_row[4]) == ("1000,00", "500,00")
    assert (english_row[2], english_row[4]) == ("1000.00", "500.00")


def test_an_unknown_export_is_not_found(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    sign_in(app_client, db, tenant, Role.VIEWER)

    assert app_client.get("/app/dashboard/export/everything.csv").status_code == 404
    assert app_client.get("/app/dashboard/export/funnel.pdf").status_code == 404


def test_the_board_shows_a_column_per_stage_with_counts(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    new_lead(db, tenant, like=ERIKA, email="a@muster.example")
    new_lead(
        db, tenant, like=ERIKA, email="b@beispiel.example", last_name="B", stage=Stage.PROSPECT
    )
    sign_in(app_client, db, tenant, Role.SALES)

    page = app_client.get("/app/board", headers={"Accept-Language": "en"})

    assert page.text.count('class="board-column"') == len(Stage)
    assert 'aria-label="1 lead">1<' in page.text


def test_the_dashboard_filters_by_source_and_grade_and_refuses_an_unknown_grade(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    _webinar_with_a_won_lead(app_client, db, tenant)  # the won one is graded A

    everything = app_client.get("/app/dashboard")
    by_form = app_client.get("/app/dashboard?source=web_form")
    by_fair = app_client.get("/app/dashboard?source=trade_fair")
    grade_a = app_client.get("/app/dashboard?grade=A")
    unknown = app_client.get("/app/dashboard?grade=Z")

    assert 'data-kpi="mql">2<' in everything.text
    assert 'data-kpi="mql">2<' in by_form.text
    assert 'data-kpi="mql">0<' in by_fair.text
    assert 'data-kpi="mql">1<' in grade_a.text
    assert unknown.status_code == 422


def test_the_dashboard_credits_conversions_to_the_campaigns_that_touched_the_leads(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    campaign = new_campaign(db, tenant, starts_on=date(2026, 1, 1))
    assert campaign.id is not None
    _won_lead(app_client, db, tenant, campaign.id)  # entries with the campaign, no touches

    app_client.headers["Accept-Language"] = "en"
    page = app_client.get("/app/dashboard")
    exported = app_client.get("/app/dashboard/export/attribution.csv")

    assert "Attribution to campaigns" in page.text
    rows = _csv_rows(exported)
    assert rows[0][:2] == ["Campaign", "MQL, first touch"]
    # Both MQLs came without a touch: all credit goes to no campaign, one per conversion.
    assert rows[1][0] == "No campaign touch" and rows[1][1] == "2"


def test_a_deal_won_with_its_value_gives_the_campaign_its_return(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    campaign = new_campaign(db, tenant, starts_on=date(2026, 1, 1), actual_cost=Decimal("5000"))
    assert campaign.id is not None
    lead_id = new_lead(
        db, tenant, like=ERIKA, email="erika@muster.example", campaign_id=campaign.id
    )
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    app_client.headers["Accept-Language"] = "de"
    bant = {f"status-{key}": "met" for key in ("budget", "authority", "need", "timeline")}
    app_client.post(f"/app/leads/{lead_id}/move", data={"csrf_token": csrf, "to": "sal"})
    app_client.post(f"/app/leads/{lead_id}/qualification", data={"csrf_token": csrf, **bant})
    app_client.post(f"/app/leads/{lead_id}/move", data={"csrf_token": csrf, "to": "sql"})
    won = app_client.post(
        f"/app/leads/{lead_id}/move",
        data={"csrf_token": csrf, "to": "won", "deal_value": "12.500,00"},
    )

    assert won.status_code in (200, 303), won.text
    exported = app_client.get("/app/dashboard/export/costs.csv").content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(exported), delimiter=";"))[:2]
    assert row[header.index("Gewonnener Wert")] == "12500,00"
    assert row[header.index("Rendite (gewonnener Wert je eingesetztem Euro)")] == "2,50"


def test_the_dashboard_shows_sla_compliance_per_sales_user_and_per_source(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    _webinar_with_a_won_lead(app_client, db, tenant)

    app_client.headers["Accept-Language"] = "en"
    by_source = app_client.get("/app/dashboard/export/sla_sources.csv")
    by_user = app_client.get("/app/dashboard/export/sla_users.csv")

    source_rows, user_rows = _csv_rows(by_source), _csv_rows(by_user)
    assert source_rows[0][:2] == ["Source", "Hand-overs"]
    assert [row[:2] for row in source_rows[1:]] == [["Web form", "2"]]
    assert user_rows[0][0] == "Sales user"
    assert sum(int(row[1]) for row in user_rows[1:]) == 2


def test_the_dashboard_shows_the_funnel_week_by_week(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    _webinar_with_a_won_lead(app_client, db, tenant)

    app_client.headers["Accept-Language"] = "en"
    page = app_client.get("/app/dashboard")
    exported = app_client.get("/app/dashboard/export/trend.csv")

    assert "Week by week" in page.text and "New MQLs per week" in page.text
    rows = _csv_rows(exported)
    assert rows[0] == [
        "Week from", "New MQLs", "Accepted", "Rejected", "Acceptance rate", "New SQLs"
    ]  # fmt: skip
    assert sum(int(row[1]) for row in rows[1:]) == 2
    assert sum(int(row[5]) for row in rows[1:]) == 1
