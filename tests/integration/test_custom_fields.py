"""Extras and custom fields: what a form or an import sent beyond the known fields is shown and
returned, and admins promote it to typed fields that are set, checked, filtered and exported."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.cli.main import app
from leadflow.domain.stages import Role
from leadflow.services.imports.importer import ImportRequest, run_import
from tests.environment import TEST_SECRET_KEY
from tests.factories import NOW, Tenant, new_campaign
from tests.integration.form_support import token
from tests.integration.ui_support import sign_in

ADMIN, MARKETING, SALES = Role.ADMIN, Role.MARKETING, Role.SALES
BUDGET = {"key": "budget", "type": "number", "label_de": "Budget (EUR)", "label_en": "Budget"}
FAIR = {"key": "fair", "type": "boolean", "label_de": "Messekontakt", "label_en": "Fair contact"}


def _lead(client: TestClient, tenant: Tenant, email: str, **fields: Any) -> Any:
    body = {"email": email, "last_name": "Muster", **fields}
    return client.post("/api/v1/leads", json=body, headers=tenant.headers(MARKETING))


def _define(client: TestClient, tenant: Tenant, **field: Any) -> Any:
    return client.post("/api/v1/fields", json=field, headers=tenant.headers(ADMIN))


def _import(db: Database, tenant: Tenant, path: Path) -> None:
    run_import(db, path, ImportRequest(tenant.id), by=tenant.principal(MARKETING), now=NOW)


def _csv(path: Path, headers: list[str], *rows: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([headers, *rows])
    return path


def _imported_leads(client: TestClient, tenant: Tenant) -> dict[str, Any]:
    items = client.get("/api/v1/leads", headers=tenant.headers(SALES)).json()["items"]
    return {item["contact"]["email"]: item for item in items}


def test_a_web_to_lead_posts_extra_fields_are_in_the_api_answer_and_on_the_lead_page(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    campaign = new_campaign(db, tenant, name="Messe")
    post = {
        "last_name": "Weiß", "email": "joerg.weiss@suedmetall.de", "company": "Südmetall AG",
        "00N5g00000Lieferzeit": "<b>Q3</b>", "_lf_ts": token(campaign, secret=TEST_SECRET_KEY),
    }  # fmt: skip
    app_client.post(f"/f/{campaign.form_key}", data=post, follow_redirects=False)
    lead = _imported_leads(app_client, tenant)["joerg.weiss@suedmetall.de"]

    answer = app_client.get(f"/api/v1/leads/{lead['id']}", headers=tenant.headers(SALES)).json()
    sign_in(app_client, db, tenant, SALES)
    page = app_client.get(f"/app/leads/{lead['id']}", headers={"Accept-Language": "de"}).text

    assert answer["extras"]["note: 00N5g00000Lieferzeit"] == "<b>Q3</b>"
    assert "Weitere Angaben" in page
    assert "note: 00N5g00000Lieferzeit" in page
    assert "&lt;b&gt;Q3&lt;/b&gt;" in page
    assert "<b>Q3</b>" not in page


def test_an_imports_unmapped_columns_are_in_the_api_answer_and_on_the_english_page(
    app_client: TestClient, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "export.csv",
        ["Email", "Last Name", "Messestand", "Budget_EUR"],
        ["anna@nordwerk.de", "Schmidt", "Halle 3", "50000"],
    )
    _import(db, tenant, path)

    lead = _imported_leads(app_client, tenant)["anna@nordwerk.de"]
    sign_in(app_client, db, tenant, SALES)
    page = app_client.get(f"/app/leads/{lead['id']}", headers={"Accept-Language": "en"}).text

    assert lead["extras"] == {"Messestand": "Halle 3", "Budget_EUR": "50000"}
    assert "Further details" in page
    assert "Halle 3" in page


def test_defining_a_field_promotes_the_extras_that_convert_and_keeps_and_reports_the_rest(
    app_client: TestClient, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "export.csv",
        ["Email", "Last Name", "Budget_EUR"],
        ["anna@nordwerk.de", "Schmidt", "50.000,50"],
        ["ben@suedmetall.de", "Berg", "bald"],
    )
    _import(db, tenant, path)

    answer = _define(app_client, tenant, **BUDGET, from_extra="Budget_EUR")
    leads = _imported_leads(app_client, tenant)

    assert answer.status_code == 201, answer.text
    assert answer.json()["converted"] == 1
    assert [k["value"] for k in answer.json()["kept"]] == ["bald"]
    assert leads["anna@nordwerk.de"]["custom_fields"] == {"budget": 50000.5}
    assert leads["anna@nordwerk.de"]["extras"] == {}
    assert leads["ben@suedmetall.de"]["custom_fields"] == {}
    assert leads["ben@suedmetall.de"]["extras"] == {"Budget_EUR": "bald"}


def test_values_are_set_on_create_and_by_patch_and_shown_with_the_german_label(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    _define(app_client, tenant, **BUDGET)
    _define(app_client, tenant, **FAIR)
    created = _lead(app_client, tenant, "eva@nordwerk.de", custom_fields={"budget": 1200}).json()

    patched = app_client.patch(
        f"/api/v1/leads/{created['id']}",
        json={"custom_fields": {"fair": True, "budget": None}, "expected_version": 1},
        headers=tenant.headers(SALES),
    )
    sign_in(app_client, db, tenant, SALES)
    page = app_client.get(f"/app/leads/{created['id']}", headers={"Accept-Language": "de"}).text

    assert created["custom_fields"] == {"budget": 1200}
    assert patched.status_code == 200, patched.text
    assert patched.json()["custom_fields"] == {"fair": True}
    assert patched.json()["version"] == 2
    assert "Eigene Felder" in page
    assert "Messekontakt" in page
    assert ">Ja<" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("budget", "viel"), ("fair", "vielleicht"), ("visit", "31.02.2026"), ("size", "XXL")],
)
def test_a_value_that_does_not_fit_its_type_is_refused_with_the_field_named(
    app_client: TestClient, tenant: Tenant, field: str, value: str
) -> None:
    _define(app_client, tenant, **BUDGET)
    _define(app_client, tenant, **FAIR)
    _define(app_client, tenant, key="visit", type="date", label_de="Besuch", label_en="Visit")
    _define(
        app_client, tenant, key="size", type="choice", label_de="Größe", label_en="Size",
        choices=["S", "M", "L"],
    )  # fmt: skip

    answer = _lead(app_client, tenant, "eva@nordwerk.de", custom_fields={field: value})

    assert answer.status_code == 422
    assert answer.json()["field"] == f"custom_fields.{field}"
    assert field in answer.json()["detail"]
    assert _imported_leads(app_client, tenant) == {}


def test_the_list_filters_by_a_custom_field_value(app_client: TestClient, tenant: Tenant) -> None:
    _define(app_client, tenant, **BUDGET)
    _define(app_client, tenant, **FAIR)
    _lead(app_client, tenant, "a@kunde.de", custom_fields={"budget": 5000, "fair": True})
    _lead(app_client, tenant, "b@kunde.de", custom_fields={"budget": 5000, "fair": False})
    _lead(app_client, tenant, "c@kunde.de", custom_fields={"budget": 700, "fair": True})

    found = app_client.get(
        "/api/v1/leads?field.budget=5000&field.fair=ja", headers=tenant.headers(SALES)
    ).json()
    unknown = app_client.get("/api/v1/leads?field.colour=red", headers=tenant.headers(SALES))

    assert [item["contact"]["email"] for item in found["items"]] == ["a@kunde.de"]
    assert found["total"] == 1
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "field.colour"


def test_only_admins_define_fields_and_removing_one_gives_its_values_back_to_the_extras(
    app_client: TestClient, tenant: Tenant
) -> None:
    refused = app_client.post("/api/v1/fields", json=BUDGET, headers=tenant.headers(MARKETING))
    _define(app_client, tenant, **BUDGET)
    created = _lead(app_client, tenant, "eva@nordwerk.de", custom_fields={"budget": 1200}).json()

    removed = app_client.delete("/api/v1/fields/budget", headers=tenant.headers(ADMIN))
    lead = app_client.get(f"/api/v1/leads/{created['id']}", headers=tenant.headers(SALES)).json()

    assert refused.status_code == 403
    assert removed.json()["values_moved_to_extras"] == 1
    assert lead["custom_fields"] == {}
    assert lead["extras"] == {"budget": "1200"}
    assert app_client.get("/api/v1/fields", headers=tenant.headers(SALES)).json() == []


def test_another_workspaces_fields_are_neither_visible_nor_usable(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    _define(app_client, other_tenant, **BUDGET)

    listed = app_client.get("/api/v1/fields", headers=tenant.headers(SALES)).json()
    created = _lead(app_client, tenant, "eva@nordwerk.de", custom_fields={"budget": 1})
    filtered = app_client.get("/api/v1/leads?field.budget=1", headers=tenant.headers(SALES))
    removed = app_client.delete("/api/v1/fields/budget", headers=tenant.headers(ADMIN))

    assert listed == []
    assert created.status_code == 422
    assert filtered.status_code == 422
    assert removed.status_code == 404
    assert len(app_client.get("/api/v1/fields", headers=other_tenant.headers(SALES)).json()) == 1


def test_the_cli_defines_lists_and_exports_custom_fields_as_columns(
    app_client: TestClient, tenant: Tenant, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    cli = CliRunner()
    _lead(app_client, tenant, "a@kunde.de")
    _lead(app_client, tenant, "b@kunde.de")
    slug = "acme"
    args = ["field", "add", "size", "-w", slug, "--type", "choice", "--label-de", "Größe"]
    added = cli.invoke(app, [*args, "--label-en", "Size", "--choice", "S", "--choice", "L"])
    app_client.patch(
        f"/api/v1/leads/{_imported_leads(app_client, tenant)['a@kunde.de']['id']}",
        json={"custom_fields": {"size": "l"}}, headers=tenant.headers(SALES),
    )  # fmt: skip

    listed = cli.invoke(app, ["field", "list", "-w", slug])
    exported = cli.invoke(app, ["export", "-w", slug, "--format", "csv"])
    only_large = cli.invoke(app, ["export", "-w", slug, "--field", "size=L"])

    rows = list(csv.DictReader(io.StringIO(exported.stdout.lstrip("\ufeff")), delimiter=";"))
    assert added.exit_code == 0, added.output
    assert "Größe" in listed.stdout
    assert {row["email"]: row["size"] for row in rows} == {"a@kunde.de": "L", "b@kunde.de": ""}
    assert "b@kunde.de" not in only_large.stdout
    assert "a@kunde.de" in only_large.stdout
