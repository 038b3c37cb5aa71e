"""The scoring, SLA, routing, webhook and worker commands against a real database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.cli.main import app
from leadflow.domain.stages import Role, Stage
from leadflow.services.handover.routing import assignments_of
from tests.factories import Tenant, new_lead
from tests.integration.automation_support import one_rule

SECRET = "a-test-only-secret-key-of-forty-characters"


@pytest.fixture
def cli(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The shared `cli`, with a secret key of this module's own."""
    monkeypatch.setenv("LEADFLOW_SECRET_KEY", SECRET)
    return cli


def _run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return " ".join(result.output.split(" ")).replace("\n", " ").replace("  ", " ")


def test_fit_rules_are_stored_from_a_file_and_applied_by_a_rescore(
    cli: CliRunner, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    lead_id = new_lead(db, tenant, company="Werk", industry="Maschinenbau")
    rules = tmp_path / "fit.toml"
    rules.write_text(one_rule("account.industry", "equals", "Maschinenbau", 15), encoding="utf-8")

    stored = _run(cli, "score", "rules", "--workspace", "acme", "--set", str(rules))
    rescored = _run(cli, "score", "rescore", "--workspace", "acme")
    shown = _run(cli, "score", "show", str(lead_id), "--workspace", "acme")

    assert "version 1" in stored
    assert "1/1 leads scored" in rescored
    assert f"lead {lead_id}: fit 15" in shown and "+15 industry = Maschinenbau" in shown
    assert 'value = "Maschinenbau"' in _run(cli, "score", "rules", "--workspace", "acme")


def test_broken_fit_rules_exit_2_naming_the_rule_and_field(
    cli: CliRunner, tenant: Tenant, tmp_path: Path
) -> None:
    rules = tmp_path / "fit.toml"
    rules.write_text(one_rule("account.size", "equals", 5, 1), encoding="utf-8")

    output = _run(cli, "score", "rules", "--workspace", "acme", "--set", str(rules), code=2)

    assert "rule 1: unknown field 'account.size'" in output


def test_a_touch_and_a_threshold_make_an_mql_from_the_command_line(
    cli: CliRunner, db: Database, tenant: Tenant
) -> None:
    lead_id = new_lead(db, tenant)
    _run(cli, "score", "settings", "-w", "acme", "--mql-min-fit", "0", "--mql-min-engagement", "25")

    output = _run(cli, "score", "touch", str(lead_id), "-w", "acme", "--type", "trade_fair_visit")

    assert "stage mql (moved to mql: fit 0 >= 0 and engagement 25 >= 25)" in output


def test_route_simulate_explains_and_route_assigns(
    cli: CliRunner, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    sales = tenant.user_ids[Role.SALES]
    rules = tmp_path / "routing.toml"
    rules.write_text(
        f'default_team = "Vertrieb"\n[[team]]\nname = "Vertrieb"\nmembers = [{{ user = {sales} }}]',
        encoding="utf-8",
    )
    _run(cli, "routing", "rules", "-w", "acme", "--set", str(rules))
    lead_id = new_lead(db, tenant)

    simulated = _run(cli, "route", "--simulate", "-w", "acme", "--lead", str(lead_id))
    with reading(db, tenant.id) as uow:
        assert assignments_of(uow, lead_id) == []
    assigned = _run(cli, "route", "-w", "acme", "--lead", str(lead_id))

    assert "would go to sales@acme.example (team Vertrieb)" in simulated
    assert "why: no rule matched -> default team Vertrieb; round robin" in simulated
    assert "assigned to sales@acme.example" in assigned
    with reading(db, tenant.id) as uow:
        assert uow.leads.get(lead_id).owner_id == sales


def test_sla_check_lists_overdue_mqls_and_escalates_them(
    cli: CliRunner, db: Database, tenant: Tenant
) -> None:
    lead_id = new_lead(db, tenant, stage=Stage.MQL, at=datetime(2026, 1, 5, 9, tzinfo=UTC))

    listed = _run(cli, "sla", "check", "-w", "acme", "--dry-run")
    checked = _run(cli, "sla", "check", "-w", "acme")

    assert f"│ {lead_id} " in listed and "escalated 1" not in listed
    assert "escalated 1" in checked


def test_a_loopback_webhook_needs_allow_private_and_prints_its_secret_once(
    cli: CliRunner, tenant: Tenant
) -> None:
    refused = _run(cli, "webhook", "add", "http://127.0.0.1:9/x", "-w", "acme", code=2)
    added = _run(cli, "webhook", "add", "http://127.0.0.1:9/x", "-w", "acme", "--allow-private")

    assert "loopback" in refused
    assert "whsec_" in added
    assert "whsec_" not in _run(cli, "webhook", "list", "-w", "acme")


def test_one_worker_round_runs_and_exits(cli: CliRunner, tenant: Tenant) -> None:
    output = _run(cli, "worker", "--once")

    assert "leadflow worker" in output
