"""The single-entry path drops a bad optional value with a warning and stores sources as codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from leadflow.cli.main import app
from leadflow.domain.stages import Role
from tests.factories import Tenant

MARKETING = Role.MARKETING


def _create(client: TestClient, tenant: Tenant, **body: object) -> object:
    return client.post("/api/v1/leads", json=body, headers=tenant.headers(MARKETING))


def test_a_phone_with_letters_beside_a_name_is_dropped_and_named_in_warnings(
    app_client: TestClient, tenant: Tenant
) -> None:
    answer = _create(app_client, tenant, last_name="Weiß", phone="0711-BITTE-ANRUFEN")

    assert answer.status_code == 201, answer.text  # type: ignore[attr-defined]
    lead = answer.json()  # type: ignore[attr-defined]
    assert lead["contact"]["phone"] is None
    assert [w["field"] for w in lead["warnings"]] == ["phone"]
    assert "contains letters" in lead["warnings"][0]["message"]


def test_a_bad_email_beside_a_phone_is_a_warning_but_alone_it_is_refused(
    app_client: TestClient, tenant: Tenant
) -> None:
    kept = _create(app_client, tenant, email="anna@@nordwerk", phone="0711 1234560")
    refused = _create(app_client, tenant, email="anna@@nordwerk")

    assert kept.status_code == 201  # type: ignore[attr-defined]
    assert [w["field"] for w in kept.json()["warnings"]] == ["email"]  # type: ignore[attr-defined]
    assert kept.json()["contact"]["phone"] == "+497111234560"  # type: ignore[attr-defined]
    assert refused.status_code == 422  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("typed", "stored", "known"),
    [("Messe", "trade_fair", True), ("Partner Referral", "referral", True),
     ("PAID_SOCIAL", "social", True), ("Flurfunk", "Flurfunk", False)],
)  # fmt: skip
def test_a_typed_source_is_stored_as_its_code_and_an_unknown_one_is_marked(
    app_client: TestClient, tenant: Tenant, typed: str, stored: str, known: bool
) -> None:
    answer = _create(app_client, tenant, last_name="Klein", source=typed).json()  # type: ignore[attr-defined]

    assert (answer["source"], answer["source_known"]) == (stored, known)


def test_a_workspace_spelling_maps_a_source_and_an_unknown_code_is_refused(
    app_client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers(MARKETING)

    saved = app_client.put(
        "/api/v1/sources", json={"aliases": {"Flurfunk": "referral"}}, headers=headers
    )
    refused = app_client.put(
        "/api/v1/sources", json={"aliases": {"Flurfunk": "gossip"}}, headers=headers
    )
    lead = _create(app_client, tenant, last_name="Klein", source="flurfunk").json()  # type: ignore[attr-defined]

    assert saved.status_code == 200 and saved.json()["aliases"] == {"Flurfunk": "referral"}
    assert refused.status_code == 422 and "gossip" in refused.text
    assert (lead["source"], lead["source_known"]) == ("referral", True)


def test_the_cli_sets_and_shows_a_workspaces_source_spellings(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tenant: Tenant, tmp_path: Path
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    spellings = tmp_path / "sources.toml"
    spellings.write_text('[aliases]\n"Hausmesse Ulm" = "event"\n', encoding="utf-8")

    result = CliRunner().invoke(app, ["workspace", "sources", tenant.slug, "--set", str(spellings)])

    assert result.exit_code == 0, result.output
    assert '"Hausmesse Ulm" = "event"' in result.stdout
    assert "trade_fair" in result.stdout
