"""Errors on pages answer a page in the reader's language; the API keeps answering JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.domain.stages import Role
from tests.factories import Tenant
from tests.integration.ui_support import sign_in


def test_a_malformed_lead_address_answers_a_german_page_not_json(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    sign_in(app_client, db, tenant, Role.SALES)

    answer = app_client.get("/app/leads/abc", headers={"Accept-Language": "de-DE"})

    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Diese Seite gibt es nicht." in answer.text


def test_an_unknown_lead_and_an_unknown_ui_page_answer_pages(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    sign_in(app_client, db, tenant, Role.SALES)

    missing_lead = app_client.get("/app/leads/999999")
    missing_page = app_client.get("/app/nowhere", headers={"Accept-Language": "en"})

    assert missing_lead.status_code == 404
    assert missing_lead.headers["content-type"].startswith("text/html")
    assert missing_page.status_code == 404
    assert "text/html" in missing_page.headers["content-type"]


def test_an_unknown_form_answers_a_page_in_the_visitors_language(app_client: TestClient) -> None:
    german = app_client.get("/f/doesnotexist", headers={"Accept-Language": "de"})
    english = app_client.get("/f/doesnotexist?lang=en")

    assert german.status_code == 404 and "Dieses Formular ist nicht verfügbar." in german.text
    assert german.headers["content-type"].startswith("text/html")
    assert english.status_code == 404 and "This form is not available." in english.text


def test_the_api_keeps_answering_json_errors(app_client: TestClient) -> None:
    token_script = app_client.get("/f/doesnotexist/token")
    unknown_route = app_client.get("/api/v1/nowhere")

    assert token_script.status_code == 404 and token_script.json()["error"] == "NotFound"
    assert unknown_route.status_code == 404 and unknown_route.json() == {"detail": "Not Found"}
