"""`leadflow serve` says which database it uses and refuses one that is not set up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.cli.context import database_to_serve
from leadflow.cli.main import app
from leadflow.domain.errors import InvalidInput


def _serve_with(url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "400")  # one line per message
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    return result.exit_code, result.stderr


def test_serve_without_a_database_file_refuses_and_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "leadflow.db"

    code, said = _serve_with(f"sqlite:///{missing}", monkeypatch)

    assert code == 2
    assert str(missing) in said and "leadflow init" in said
    assert "sqlite:///leadflow-demo.db" in said
    assert not missing.exists()


def test_serve_on_a_database_without_the_schema_refuses_instead_of_answering_500(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.db"
    db = Database(f"sqlite:///{empty}", pooled=False)
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE unrelated (id INTEGER)"))
    db.dispose()

    code, said = _serve_with(f"sqlite:///{empty}", monkeypatch)

    assert code == 2 and "has no leadflow schema" in said and "leadflow init" in said


def test_a_migrated_database_is_named_for_serving(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)

    described = database_to_serve()

    assert described.startswith("SQLite file /") or described.startswith("postgresql")


def test_a_database_behind_this_version_is_refused_with_the_upgrade_to_run(
    database_url: str, owner_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    owner = Database(owner_database_url)  # only the owner may change the schema's version
    with owner.engine.begin() as connection:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(text("UPDATE alembic_version SET version_num = '0012_older'"))
    try:
        with pytest.raises(InvalidInput, match="run `leadflow init`"):
            database_to_serve()
    finally:  # the PostgreSQL schema outlives the test
        with owner.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        owner.dispose()
