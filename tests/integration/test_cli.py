"""The `leadflow` command against a real database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.tables import (
    leads,
    predictive_scores,
    sla_clocks,
    stage_changes,
    touches,
)
from leadflow.adapters.db.uow import reading
from leadflow.adapters.passwords import verify_password
from leadflow.cli.main import app
from leadflow.domain.lead import LeadFilter
from leadflow.domain.stages import Stage
from leadflow.services.workspaces.directory import authenticate


def _ok(cli: CliRunner, *args: str, stdin: str | None = None) -> str:
    result = cli.invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def workspace(cli: CliRunner) -> str:
    _ok(cli, "workspace", "create", "nordwerk", "--name", "Nordwerk GmbH")
    _ok(
        cli,
        "user",
        "add",
        "vera@nordwerk.de",
        "--workspace",
        "nordwerk",
        "--role",
        "sales",
        "--password-stdin",
        stdin="geheim-und-lang\n",
    )
    _ok(
        cli,
        "user",
        "add",
        "mark@nordwerk.de",
        "--workspace",
        "nordwerk",
        "--role",
        "marketing",
        "--password-stdin",
        stdin="auch-geheim-und-lang\n",
    )
    return "nordwerk"


def test_init_upgrades_the_database(cli: CliRunner) -> None:
    assert "database ready" in _ok(cli, "init")


def test_a_user_is_stored_with_an_argon2_hash_not_the_password(
    cli: CliRunner, workspace: str, db: Database
) -> None:
    with db.reading() as connection:
        user = Directory(connection).user_by_email("vera@nordwerk.de")

    assert user is not None
    assert user["password_hash"].startswith("$argon2id$")
    assert verify_password(user["password_hash"], "geheim-und-lang")


def test_token_create_prints_the_token_alone_and_it_authenticates(
    cli: CliRunner, workspace: str, db: Database
) -> None:
    output = _ok(cli, "token", "create", "--workspace", workspace, "--role", "viewer")

    token = output.strip()
    assert output == token + "\n"
    principal = authenticate(db, token)
    assert principal is not None and principal.actor.value == "viewer"


def test_a_lead_is_added_moved_qualified_and_shown(
    cli: CliRunner, workspace: str, db: Database
) -> None:
    _ok(
        cli,
        "lead",
        "add",
        "-w",
        workspace,
        "--email",
        "kai@kunde.de",
        "--last-name",
        "Kunde",
        "--company",
        "Kunde AG",
        "--stage",
        "mql",
        "--by",
        "mark@nordwerk.de",
    )
    with reading(db, 1) as uow:
        lead_id = uow.leads.search(LeadFilter(), limit=1, offset=0)[0][0].lead.id

    _ok(cli, "lead", "move", str(lead_id), "sal", "-w", workspace, "--by", "vera@nordwerk.de")
    graded = _ok(
        cli,
        "lead",
        "qualify",
        str(lead_id),
        "-w",
        workspace,
        "-c",
        "need=met",
        "-c",
        "budget=met",
        "-c",
        "authority=met",
        "-c",
        "timeline=met",
        "--by",
        "vera@nordwerk.de",
    )
    _ok(cli, "lead", "move", str(lead_id), "sql", "-w", workspace, "--by", "vera@nordwerk.de")
    shown = _ok(cli, "lead", "show", str(lead_id), "-w", workspace)
    listed = _ok(cli, "lead", "list", "-w", workspace, "--stage", "sql")

    assert "grade A" in graded
    assert "stage sql" in shown and "mql" in shown and "sal" in shown
    assert "kai@kunde.de" in listed
    with reading(db, 1) as uow:
        assert uow.leads.get(lead_id).stage is Stage.SQL


def test_an_illegal_move_exits_non_zero_and_names_the_allowed_moves(
    cli: CliRunner, workspace: str
) -> None:
    _ok(cli, "lead", "add", "-w", workspace, "--email", "x@kunde.de", "--stage", "mql")

    result = cli.invoke(app, ["lead", "move", "1", "won", "-w", workspace])

    assert result.exit_code == 5
    assert "allowed: sal, nurture, disqualified" in result.stderr


def test_a_move_by_the_wrong_role_or_without_a_reason_exits_non_zero(
    cli: CliRunner, workspace: str
) -> None:
    _ok(cli, "lead", "add", "-w", workspace, "--email", "y@kunde.de", "--stage", "mql")

    forbidden = cli.invoke(
        app, ["lead", "move", "1", "sal", "-w", workspace, "--by", "mark@nordwerk.de"]
    )
    no_reason = cli.invoke(app, ["lead", "move", "1", "nurture", "-w", workspace])
    unknown = cli.invoke(app, ["lead", "show", "99", "-w", workspace])

    assert forbidden.exit_code == 4
    assert no_reason.exit_code == 2 and "needs a reason" in no_reason.stderr
    assert unknown.exit_code == 3


def test_an_unknown_workspace_exits_with_not_found(cli: CliRunner) -> None:
    result = cli.invoke(app, ["lead", "list", "-w", "nirgendwo"])

    assert result.exit_code == 3
    assert "workspace nirgendwo not found" in result.stderr


def test_the_framework_of_a_workspace_can_be_changed(cli: CliRunner, workspace: str) -> None:
    _ok(cli, "workspace", "set-framework", workspace, "--preset", "meddic")
    _ok(cli, "lead", "add", "-w", workspace, "--email", "z@kunde.de", "--stage", "mql")

    old = cli.invoke(app, ["lead", "qualify", "1", "-w", workspace, "-c", "need=met"])
    new = _ok(cli, "lead", "qualify", "1", "-w", workspace, "-c", "identify_pain=met")

    assert old.exit_code == 2 and "unknown criterion 'need'" in old.stderr
    assert "Identify pain" in new


def test_funnel_prints_stage_counts(cli: CliRunner, workspace: str) -> None:
    _ok(cli, "lead", "add", "-w", workspace, "--email", "f@kunde.de", "--stage", "mql")

    output = _ok(cli, "funnel", "-w", workspace)

    assert "mql" in output and "│ 1 " in output


def test_demo_builds_two_workspaces_with_real_histories(cli: CliRunner, db: Database) -> None:
    output = _ok(cli, "demo", "--no-serve", "--leads", "200", "--seed", "3")

    assert "schmidt-foerdertechnik: 200 leads" in output
    assert "cloudwerk: 200 leads" in output
    funnel = _ok(cli, "funnel", "-w", "cloudwerk")
    assert "won" in funnel
    again = _ok(cli, "demo", "--no-serve", "--leads", "200")
    assert "exists already" in again


def test_the_demo_looks_like_a_team_at_work_every_mql_routed_none_left_past_its_sla(
    cli: CliRunner, db: Database
) -> None:
    _ok(cli, "demo", "--no-serve", "--leads", "400", "--seed", "11")

    with db.reading() as connection:
        unassigned = connection.execute(
            select(func.count())
            .select_from(leads)
            .where(leads.c.stage == Stage.MQL.value, leads.c.owner_id.is_(None))
        ).scalar_one()
        past_recycling = connection.execute(
            select(func.count())
            .select_from(sla_clocks)
            .where(sla_clocks.c.stopped_at.is_(None), sla_clocks.c.recycle_at < datetime.now(UTC))
        ).scalar_one()
        recycled = connection.execute(
            select(func.count())
            .select_from(stage_changes)
            .where(stage_changes.c.reason == "sla_expired")
        ).scalar_one()
        open_mqls = connection.execute(
            select(func.count()).select_from(leads).where(leads.c.stage == Stage.MQL.value)
        ).scalar_one()
    assert open_mqls > 0
    assert unassigned == 0
    assert past_recycling == 0
    assert recycled > 0


def test_the_demo_comes_with_touches_scores_and_hand_over_clocks(
    cli: CliRunner, db: Database
) -> None:
    _ok(cli, "demo", "--no-serve", "--leads", "150", "--seed", "5")

    with db.reading() as connection:
        touched = connection.execute(select(func.count()).select_from(touches)).scalar_one()
        clocks = connection.execute(select(func.count()).select_from(sla_clocks)).scalar_one()
        scored = connection.execute(
            select(func.count()).select_from(leads).where(leads.c.fit_score > 0)
        ).scalar_one()
        predicted = connection.execute(
            select(func.count()).select_from(predictive_scores)
        ).scalar_one()
        engaged = connection.execute(
            select(func.count()).select_from(leads).where(leads.c.engagement_score > 0)
        ).scalar_one()
    assert touched >= 300
    assert engaged > 0
    assert clocks >= 150
    assert scored > 0
    assert predicted > 0
    assert "compliance" in _ok(cli, "sla", "report", "-w", "cloudwerk")
