"""Working on leads in the web UI: moves with reasons, roles, CSRF, qualification, work."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import assessments
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.engagement import TouchType
from leadflow.domain.lead import Lead
from leadflow.domain.privacy import LegalBasis, Purpose
from leadflow.domain.stages import Role, Stage
from leadflow.services.intake.touches import record_touch
from leadflow.services.privacy.consent import legal_bases
from leadflow.services.workspaces.sessions import set_locale
from tests.factories import ERIKA, NOW, Tenant, new_campaign, new_lead
from tests.integration.predictive_history import add_history
from tests.integration.ui_support import sign_in

BANT_A = {
    "status-budget": "met",
    "amount-budget": "50.000",
    "currency-budget": "EUR",
    "status-authority": "met",
    "value-authority": "Dr. Erika Muster",
    "status-need": "met",
    "value-need": "Lager automatisieren",
    "note-need": "Gespräch am 2. März",
    "status-timeline": "met",
    "value-timeline": "2026-06-30",
}


def _lead(db: Database, tenant: Tenant, lead_id: int) -> Lead:
    with reading(db, tenant.id) as uow:
        return uow.leads.get(lead_id)


def test_marketing_sees_no_accept_button_and_the_server_refuses_the_move(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)

    shown = app_client.get(f"/app/leads/{lead_id}")
    refused = app_client.post(f"/app/leads/{lead_id}/move", data={"csrf_token": csrf, "to": "sal"})

    assert shown.status_code == 200 and "Erika Muster" in shown.text
    assert 'name="to" value="sal"' not in shown.text
    assert refused.status_code == 403
    assert _lead(db, tenant, lead_id).stage is Stage.MQL


def test_a_move_without_the_csrf_token_is_refused_and_changes_nothing(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    sign_in(app_client, db, tenant, Role.SALES)

    refused = app_client.post(f"/app/leads/{lead_id}/move", data={"to": "sal"})
    forged = app_client.post(
        f"/app/leads/{lead_id}/move", data={"to": "sal", "csrf_token": "forged"}
    )

    assert refused.status_code == forged.status_code == 403
    assert _lead(db, tenant, lead_id).stage is Stage.MQL


def test_sales_accepts_an_mql_and_becomes_its_owner(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    board = app_client.get("/app/board")

    moved = app_client.post(
        f"/app/leads/{lead_id}/move",
        data={"csrf_token": csrf, "to": "sal", "expected_version": "1", "back": "/app/board"},
        follow_redirects=False,
    )

    assert f'action="/app/leads/{lead_id}/move"' in board.text
    assert moved.status_code == 303 and moved.headers["location"] == "/app/board?done=moved"
    lead = _lead(db, tenant, lead_id)
    assert (lead.stage, lead.owner_id) == (Stage.SAL, tenant.user_ids[Role.SALES])


def test_a_rejection_needs_a_reason_from_the_workspace_list(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    dialog = app_client.get(f"/app/leads/{lead_id}/move?to=nurture")

    missing = app_client.post(
        f"/app/leads/{lead_id}/move", data={"csrf_token": csrf, "to": "nurture"}
    )
    unchanged = _lead(db, tenant, lead_id)
    given = app_client.post(
        f"/app/leads/{lead_id}/move",
        data={"csrf_token": csrf, "to": "nurture", "reason": "no_budget_yet", "note": "Q3"},
    )

    assert 'value="no_budget_yet"' in dialog.text and 'value="wrong_contact"' in dialog.text
    assert missing.status_code == 422 and 'value="not_now"' in missing.text
    assert unchanged.stage is Stage.MQL
    assert given.status_code == 200
    assert _lead(db, tenant, lead_id).stage is Stage.NURTURE
    history = app_client.get(f"/app/leads/{lead_id}").text
    assert "No budget yet" in history or "Noch kein Budget" in history


def test_recording_bant_grades_the_lead_and_opens_the_gate_to_sql(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    app_client.post(f"/app/leads/{lead_id}/move", data={"csrf_token": csrf, "to": "sal"})

    saved = app_client.post(
        f"/app/leads/{lead_id}/qualification",
        data={"csrf_token": csrf, **BANT_A},
        headers={"Accept-Language": "de"},
    )
    again = app_client.post(
        f"/app/leads/{lead_id}/qualification",
        data={"csrf_token": csrf, **BANT_A},
        follow_redirects=False,
    )
    qualified = app_client.post(
        f"/app/leads/{lead_id}/move", data={"csrf_token": csrf, "to": "sql"}
    )

    assert saved.status_code == 200
    assert 'value="50.000"' in saved.text and "Gespräch am 2. März" in saved.text
    assert again.headers["location"].endswith("done=unchanged#qualification")
    with db.reading() as connection:
        assert connection.execute(select(func.count()).select_from(assessments)).scalar() == 4
    assert qualified.status_code == 200
    lead = _lead(db, tenant, lead_id)
    assert (lead.stage, lead.grade) == (Stage.SQL, "A")


def test_moving_to_sql_without_qualification_is_refused_with_the_reason(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    app_client.post(f"/app/leads/{lead_id}/move", data={"csrf_token": csrf, "to": "sal"})

    shown = app_client.get(f"/app/leads/{lead_id}", headers={"Accept-Language": "en"})
    refused = app_client.post(
        f"/app/leads/{lead_id}/move",
        data={"csrf_token": csrf, "to": "sql"},
        headers={"Accept-Language": "en"},
    )

    button = re.search(r'<button type="submit"[^>]*>Qualify as SQL</button>', shown.text)
    assert button is not None and " disabled " in button.group(0)
    assert "the qualification gate is not passed (see Qualification)" in shown.text
    assert refused.status_code == 200 and refused.url.path == f"/app/leads/{lead_id}"
    assert "Not moved to SQL: the qualification gate is not passed yet" in refused.text
    assert _lead(db, tenant, lead_id).stage is Stage.SAL


def test_qualify_as_sql_is_offered_once_the_gate_is_passed(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    app_client.post(f"/app/leads/{lead_id}/move", data={"csrf_token": csrf, "to": "sal"})
    app_client.post(f"/app/leads/{lead_id}/qualification", data={"csrf_token": csrf, **BANT_A})

    shown = app_client.get(f"/app/leads/{lead_id}", headers={"Accept-Language": "en"})

    button = re.search(r'<button type="submit"[^>]*>Qualify as SQL</button>', shown.text)
    assert button is not None and "disabled" not in button.group(0)


def test_an_amount_with_cents_shows_them_and_saving_unchanged_records_nothing(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    german = {"Accept-Language": "de-DE"}
    app_client.post(
        f"/app/leads/{lead_id}/qualification",
        data={"csrf_token": csrf, **BANT_A, "amount-budget": "12.345,67"},
        headers=german,
    )
    recorded = _assessment_count(db)

    shown = app_client.get(f"/app/leads/{lead_id}", headers=german)
    again = app_client.post(
        f"/app/leads/{lead_id}/qualification", data=_form_values(shown.text), headers=german
    )

    assert 'name="amount-budget" inputmode="decimal" value="12.345,67"' in shown.text
    assert "Es wurde nichts geändert." in again.text or "done=unchanged" in str(again.url)
    assert _assessment_count(db) == recorded


def _assessment_count(db: Database) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(assessments)).scalar_one())


def _form_values(html: str) -> dict[str, str]:
    """What the browser sends for the qualification form as shown."""
    form = html[html.index('/qualification">') :]
    form = form[: form.index("</form>")]
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]+)" selected', options)
        values[name] = chosen.group(1) if chosen else "unknown"
    return {name: unescape(value) for name, value in values.items()}


def test_activities_and_tasks_are_recorded_from_the_lead_page(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    app_client.post(
        f"/app/leads/{lead_id}/activities",
        data={"csrf_token": csrf, "kind": "call", "outcome": "reached", "subject": "Erstgespräch"},
    )
    page = app_client.post(
        f"/app/leads/{lead_id}/tasks",
        data={"csrf_token": csrf, "title": "Angebot schicken", "due_on": "2026-04-01"},
    )

    assert "Erstgespräch" in page.text and "Angebot schicken" in page.text


def test_a_lead_of_another_workspace_is_not_found(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Database
) -> None:
    foreign = new_lead(db, other_tenant, like=ERIKA, email="someone@globex.example")
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)

    page = app_client.get(f"/app/leads/{foreign}")
    move = app_client.post(f"/app/leads/{foreign}/move", data={"csrf_token": csrf, "to": "sal"})

    assert page.status_code == move.status_code == 404
    assert _lead(db, other_tenant, foreign).stage is Stage.MQL


def test_a_viewer_reads_the_lead_but_gets_no_forms(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    sign_in(app_client, db, tenant, Role.VIEWER)

    page = app_client.get(f"/app/leads/{lead_id}")

    assert page.status_code == 200
    assert f'action="/app/leads/{lead_id}/move"' not in page.text
    assert f'action="/app/leads/{lead_id}/tasks"' not in page.text


def test_the_lead_page_shows_the_prediction_with_its_top_factors(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    history = add_history(db, tenant.id, NOW, closed=60, open_count=3)
    trained = app_client.post("/api/v1/models/train", headers=tenant.headers(Role.ADMIN))
    sign_in(app_client, db, tenant, Role.SALES)

    page = app_client.get(f"/app/leads/{history.open_ids[0]}", headers={"Accept-Language": "en"})

    assert trained.status_code == 200
    assert "Chance of SQL: " in page.text and "Chance of winning: " in page.text
    assert page.text.count("<li>↑") + page.text.count("<li>↓") >= 2


def test_the_legal_basis_is_recorded_from_the_lead_page_with_its_reason(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    lead_id = new_lead(db, tenant, like=ERIKA, email="basis@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)
    url = f"/app/leads/{lead_id}/legal-basis"

    without_reason = app_client.post(
        url,
        data={
            "csrf_token": csrf,
            "purpose": "phone_marketing",
            "basis": "legitimate_interest_prospect",
        },
    )
    page = app_client.post(
        url,
        data={
            "csrf_token": csrf,
            "purpose": "phone_marketing",
            "basis": "legitimate_interest_prospect",
            "reason": "Messekontakt LogiMAT, Rückruf erbeten",
        },
    )

    assert without_reason.status_code == 422
    assert page.status_code == 200
    assert "Messekontakt LogiMAT, Rückruf erbeten" in page.text
    with reading(db, tenant.id) as uow:
        current, history = legal_bases(uow, lead_id)
    assert len(history) == 1
    assert current[Purpose.PHONE_MARKETING].basis is LegalBasis.LEGITIMATE_INTEREST_PROSPECT
    assert current[Purpose.PHONE_MARKETING].source == "ui"


def _touch(db: Database, tenant: Tenant, lead_id: int, kind: TouchType, days_ago: int,
           campaign_id: int | None = None) -> None:  # fmt: skip
    by = tenant.principal(Role.MARKETING)
    at = NOW - timedelta(days=days_ago)
    in_unit_of_work(
        db,
        tenant.id,
        lambda uow: record_touch(uow, lead_id, kind, at, by=by, now=NOW, campaign_id=campaign_id),
    )


def test_the_lead_page_lists_its_touches_newest_first_in_the_users_language(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    campaign = new_campaign(db, tenant, name="Webinar Intralogistik")
    lead_id = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    _touch(db, tenant, lead_id, TouchType.PAGE_VISIT, days_ago=3)
    _touch(db, tenant, lead_id, TouchType.WEBINAR_ATTENDED, days_ago=1, campaign_id=campaign.id)
    sign_in(app_client, db, tenant, Role.SALES)

    german = unescape(app_client.get(f"/app/leads/{lead_id}").text)
    set_locale(db, tenant.user_ids[Role.SALES], "en")
    english = unescape(app_client.get(f"/app/leads/{lead_id}").text)

    assert "Kontaktpunkte" in german
    webinar = german.index("An einem Webinar teilgenommen · Webinar Intralogistik")
    assert webinar < german.index("Seite besucht")
    assert "Attended a webinar · Webinar Intralogistik" in english
    assert "Page visited" in english
