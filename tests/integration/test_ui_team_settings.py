"""Capacities and absences of the sales team on the settings page: what it saves is what the
CLI's routing shows, and only admins reach it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.cli.main import app
from leadflow.domain.stages import Role
from leadflow.services.handover.routing import absences, capacities
from tests.factories import Tenant
from tests.integration.ui_support import sign_in


def test_an_admin_limits_a_sales_user_and_records_an_absence(
    app_client: TestClient, db: Database, tenant: Tenant, cli: CliRunner
) -> None:
    sales = tenant.user_ids[Role.SALES]
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)

    limited = app_client.post(
        f"/app/settings/team/{sales}/capacity", data={"csrf_token": csrf, "leads": "40"},
        follow_redirects=False,
    )  # fmt: skip
    away = app_client.post(
        "/app/settings/team/absences",
        data={"csrf_token": csrf, "user_id": str(sales), "first_day": "2026-08-03",
              "last_day": "2026-08-21", "note": "Urlaub"},
        follow_redirects=False,
    )  # fmt: skip
    shown = cli.invoke(app, ["routing", "show", "--workspace", tenant.slug])

    assert (limited.status_code, away.status_code) == (303, 303)
    with reading(db, tenant.id) as uow:
        assert capacities(uow) == {sales: 40}
        [stored] = absences(uow)
    assert (stored.absence.user_id, str(stored.absence.last_day)) == (sales, "2026-08-21")
    assert shown.exit_code == 0 and "40" in shown.stdout


def test_an_absence_ending_before_it_starts_is_refused(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    sales = tenant.user_ids[Role.SALES]
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)

    refused = app_client.post(
        "/app/settings/team/absences",
        data={"csrf_token": csrf, "user_id": str(sales), "first_day": "2026-08-21",
              "last_day": "2026-08-03"},
    )  # fmt: skip

    assert refused.status_code == 422
    with reading(db, tenant.id) as uow:
        assert absences(uow) == []


def test_sales_reaches_no_team_settings(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    sign_in(app_client, db, tenant, Role.SALES)

    assert app_client.get("/app/settings/team").status_code == 403
