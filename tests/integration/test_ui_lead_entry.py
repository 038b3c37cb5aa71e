"""Entering a lead by hand on /app/leads/new: through the same entry path as every other, with
a known person merged into their lead, and a refusal that keeps what was typed."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import leads
from leadflow.adapters.db.uow import reading
from leadflow.domain.stages import Role, Stage
from tests.factories import ERIKA, Tenant, new_campaign, new_lead
from tests.integration.ui_support import sign_in


def _lead_count(db: Database, tenant: Tenant) -> int:
    with db.reading() as connection:
        query = select(func.count()).select_from(leads).where(leads.c.workspace_id == tenant.id)
        return int(connection.execute(query).scalar_one())


def test_marketing_enters_a_lead_met_at_a_fair_and_lands_on_its_page(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    campaign = new_campaign(db, tenant, name="Messe LogiMAT")
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    form = app_client.get("/app/leads/new")
    entered = app_client.post(
        "/app/leads/new",
        data={
            "csrf_token": csrf, "first_name": "Jonas", "last_name": "Weber",
            "email": "j.weber@kranbau-weber.de", "company": "Kranbau Weber GmbH",
            "source": "trade_fair", "campaign_id": str(campaign.id), "stage": "mql",
            "owner_id": str(tenant.user_ids[Role.SALES]),
        },
        follow_redirects=False,
    )  # fmt: skip

    assert form.status_code == 200 and 'name="last_name"' in form.text
    assert entered.status_code == 303 and entered.headers["location"].endswith("?done=lead")
    lead_page = app_client.get(entered.headers["location"])
    assert "Jonas Weber" in unescape(lead_page.text)
    lead_id = int(entered.headers["location"].split("/")[-1].split("?")[0])
    with reading(db, tenant.id) as uow:
        lead = uow.leads.get(lead_id)
    assert (lead.stage, lead.campaign_id, lead.source) == (Stage.MQL, campaign.id, "trade_fair")


def test_a_known_person_is_merged_into_their_lead_and_the_page_says_so(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    known = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    entered = app_client.post(
        "/app/leads/new",
        data={"csrf_token": csrf, "email": "Erika@Muster.example", "job_title": "Einkaufsleiterin"},
        follow_redirects=False,
    )

    assert entered.headers["location"] == f"/app/leads/{known}?done=lead_merged"
    assert _lead_count(db, tenant) == 1
    shown = unescape(app_client.get(entered.headers["location"]).text)
    assert "Diese Person war schon bekannt" in shown


def test_an_entry_without_email_name_or_phone_is_refused_keeping_what_was_typed(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    refused = app_client.post(
        "/app/leads/new", data={"csrf_token": csrf, "company": "Nordwerk Maschinenbau"}
    )

    assert refused.status_code == 422
    assert "E-Mail, Nachname oder Telefon" in unescape(refused.text)
    assert 'value="Nordwerk Maschinenbau"' in refused.text
    assert _lead_count(db, tenant) == 0


def test_a_viewer_may_not_enter_leads_and_sees_no_button(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.VIEWER)

    listed = app_client.get("/app/leads")
    refused = app_client.post("/app/leads/new", data={"csrf_token": csrf, "email": "a@nordwerk.de"})

    assert 'href="/app/leads/new"' not in listed.text
    assert refused.status_code == 403
    assert _lead_count(db, tenant) == 0


def test_an_entry_without_the_csrf_token_changes_nothing(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    sign_in(app_client, db, tenant, Role.MARKETING)

    refused = app_client.post("/app/leads/new", data={"email": "a@nordwerk.de"})

    assert refused.status_code == 403
    assert _lead_count(db, tenant) == 0


def test_the_form_offers_the_stages_marketing_may_enter_and_sales_gets_no_form(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    sign_in(app_client, db, tenant, Role.MARKETING)
    form = app_client.get("/app/leads/new").text
    sign_in(app_client, db, tenant, Role.SALES)
    refused = app_client.get("/app/leads/new")

    offered = re.findall(
        r'<option value="(\w+)"', form.split('name="stage"')[1].split("</select>")[0]
    )
    assert offered == ["prospect", "mql"]
    assert refused.status_code == 403
