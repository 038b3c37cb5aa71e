"""The SLA, routing and fit rules edited on the settings pages: what a page saves is what the
CLI shows, a refused document changes nothing and stays in the editor, and roles hold."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.cli.main import app
from leadflow.domain.engagement import TouchType
from leadflow.domain.mql_threshold import MqlThreshold
from leadflow.domain.stages import Role
from leadflow.services.lifecycle.rules import current_framework
from leadflow.services.privacy.retention import retention_rules
from leadflow.services.scores.scoring_settings import current_scoring_settings
from tests.factories import Tenant
from tests.integration.automation_support import one_rule
from tests.integration.ui_support import sign_in


def test_an_admin_sets_the_sla_and_the_cli_shows_it(
    app_client: TestClient, db: Database, tenant: Tenant, cli: CliRunner
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    text = 'accept_within_hours = 6\nbundesland = "BY"\n'

    saved = app_client.post(
        "/app/settings/rules/sla", data={"csrf_token": csrf, "text": text}, follow_redirects=False
    )
    shown = cli.invoke(app, ["sla", "settings", "--workspace", tenant.slug])

    assert saved.headers["location"] == "/app/settings/rules/sla?done=rules_saved"
    assert "accept or reject within 6 business hours" in shown.stdout
    assert 'bundesland = "BY"' in unescape(app_client.get("/app/settings/rules/sla").text)


def test_a_refused_document_changes_nothing_and_stays_in_the_editor(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    broken = '[[rule]]\nfield = "account.employees"\nop = "gt"\nvalue = 100\npoints = "viele"\n'

    refused = app_client.post("/app/settings/rules/fit", data={"csrf_token": csrf, "text": broken})
    page = app_client.get("/app/settings/rules/fit")

    assert refused.status_code == 422
    assert "points = &#34;viele&#34;" in refused.text or 'points = "viele"' in unescape(
        refused.text
    )
    assert "viele" not in page.text


def test_marketing_changes_fit_rules_but_not_routing(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)
    rules = one_rule("account.industry", "equals", "Maschinenbau", 15)

    saved = app_client.post(
        "/app/settings/rules/fit", data={"csrf_token": csrf, "text": rules}, follow_redirects=False
    )
    routing = app_client.get("/app/settings/rules/routing")

    assert saved.status_code == 303
    assert "points = 15" in app_client.get("/app/settings/rules/fit").text
    assert routing.status_code == 403


def test_an_unknown_settings_page_is_not_found(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    sign_in(app_client, db, tenant, Role.ADMIN)

    assert app_client.get("/app/settings/rules/nonsense").status_code == 404


def test_marketing_sets_the_mql_threshold_and_touch_points_in_german_numbers(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.MARKETING)
    form = app_client.get("/app/settings/scoring").text

    saved = app_client.post(
        "/app/settings/scoring",
        data={"csrf_token": csrf, "half_life_days": "14", "hot_from": "50", "warm_from": "20",
              "mql_min_fit": "30", "mql_min_engagement": "12,5", "points.download": "7,5"},
        follow_redirects=False,
    )  # fmt: skip
    refused = app_client.post(
        "/app/settings/scoring", data={"csrf_token": csrf, "hot_from": "viel"}
    )

    assert 'name="points.webinar_attended"' in form
    assert saved.status_code == 303
    with reading(db, tenant.id) as uow:
        settings = current_scoring_settings(uow)
    assert settings.threshold == MqlThreshold(30, 12.5)
    assert settings.engagement.half_life_days == 14
    assert settings.engagement.points[TouchType.DOWNLOAD] == 7.5
    assert refused.status_code == 422 and 'value="viel"' in refused.text


def test_sales_may_not_change_the_scoring(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    refused = app_client.post("/app/settings/scoring", data={"csrf_token": csrf, "hot_from": "1"})

    assert refused.status_code == 403


def test_an_admin_sets_retention_rules_as_text_and_reads_them_back(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    text = '[[rules]]\nname = "unqualified"\nstages = ["disqualified", "lost"]\nmonths = 24\n'

    saved = app_client.post(
        "/app/settings/rules/retention", data={"csrf_token": csrf, "text": text},
        follow_redirects=False,
    )  # fmt: skip
    shown = unescape(app_client.get("/app/settings/rules/retention").text)

    assert saved.status_code == 303
    with reading(db, tenant.id) as uow:
        [rule] = retention_rules(uow)
    assert (rule.name, rule.months) == ("unqualified", 24)
    assert 'stages = ["disqualified", "lost"]' in shown


def test_an_admin_chooses_meddic_and_the_cli_qualifies_by_it(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)

    saved = app_client.post(
        "/app/settings/framework", data={"csrf_token": csrf, "preset": "meddic"},
        follow_redirects=False,
    )  # fmt: skip
    refused = app_client.post(
        "/app/settings/framework", data={"csrf_token": csrf, "preset": "own", "toml": "kaputt = ["}
    )

    assert saved.status_code == 303
    with reading(db, tenant.id) as uow:
        assert current_framework(uow)[0].key == "meddic"
    assert refused.status_code == 422
    assert "kaputt = [" in unescape(refused.text)
