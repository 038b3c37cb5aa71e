"""`leadflow workspace set-lifecycle`: one rule changes that rule, unknown keys are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.cli.main import app
from leadflow.domain.errors import ReasonRequired
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.stages import Actor, Stage
from leadflow.services.lifecycle.rules import transition_table


def _targets(table: TransitionTable, stage: Stage, actor: Actor) -> list[Stage]:
    """The moves an actor may make from a stage, by the table's rules."""
    return [rule.target for rule in table.rules_from(stage) if actor in rule.actors]


@pytest.fixture
def cli(cli: CliRunner) -> CliRunner:
    """The shared `cli`, with the workspace nordwerk made."""
    result = cli.invoke(app, ["workspace", "create", "nordwerk", "--name", "Nordwerk GmbH"])
    assert result.exit_code == 0, result.output
    return cli


def _table_of(db: Database) -> TransitionTable:
    with db.transaction() as connection:
        directory = Directory(connection)
        workspace = directory.workspace_by_slug("nordwerk")
        assert workspace.id is not None
        return transition_table(directory.workspace_config(workspace.id))


ONE_RULE = """
[[transitions]]
from = "mql"
to = "nurture"
who = ["sales", "marketing"]
reason = "nurture"
"""


def test_one_rule_changes_that_rule_and_keeps_the_rest_of_the_table(
    cli: CliRunner, db: Database, tmp_path: Path
) -> None:
    (tmp_path / "one.toml").write_text(ONE_RULE, encoding="utf-8")

    result = cli.invoke(app, ["workspace", "set-lifecycle", "nordwerk", str(tmp_path / "one.toml")])

    table = _table_of(db)
    assert result.exit_code == 0, result.output
    assert _targets(table, Stage.MQL, Actor.MARKETING).count(Stage.NURTURE) == 1
    assert Stage.SAL in _targets(table, Stage.MQL, Actor.SALES)
    assert Stage.WON in _targets(table, Stage.SQL, Actor.SALES)
    assert table.decide(Stage.SAL, Stage.SQL, Actor.SALES).rule.gate == "qualification"


def test_replace_makes_the_file_the_whole_table(
    cli: CliRunner, db: Database, tmp_path: Path
) -> None:
    (tmp_path / "one.toml").write_text(ONE_RULE, encoding="utf-8")

    result = cli.invoke(
        app, ["workspace", "set-lifecycle", "nordwerk", str(tmp_path / "one.toml"), "--replace"]
    )

    table = _table_of(db)
    assert result.exit_code == 0, result.output
    assert _targets(table, Stage.MQL, Actor.SALES) == [Stage.NURTURE]
    assert _targets(table, Stage.SQL, Actor.SALES) == []


def test_an_unknown_key_is_refused_naming_the_key_and_its_line(
    cli: CliRunner, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(
        '[[transitions]]\nfrom = "sql"\nto = "lost"\nwho = "sales"\nreason_required = true\n',
        encoding="utf-8",
    )

    result = cli.invoke(app, ["workspace", "set-lifecycle", "nordwerk", str(path)])

    assert result.exit_code == 2
    assert "reason_required" in result.stderr and "line 5" in result.stderr
    with pytest.raises(ReasonRequired):
        _table_of(db).decide(Stage.SQL, Stage.LOST, Actor.SALES)
