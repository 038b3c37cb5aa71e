"""The one migration history builds the schema of the code, from empty, on this backend."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from leadflow.adapters.db import migrate
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import metadata


def test_migrations_run_from_an_empty_database_to_head(
    database_template: str, tmp_path: object
) -> None:
    # The session template was migrated from empty by the same upgrade() that `leadflow init` runs.
    url = database_template if "://" in database_template else f"sqlite:///{database_template}"
    db = Database(url)
    heads = set(ScriptDirectory.from_config(migrate.alembic_config(db.engine)).get_heads())

    assert migrate.current_revisions(db.engine) == heads
    assert set(metadata.tables) <= set(inspect(db.engine).get_table_names())
    db.dispose()


def test_the_migrated_schema_matches_the_table_definitions(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)

    assert differences == []


def test_upgrading_an_up_to_date_database_changes_nothing(db: Database) -> None:
    before = migrate.current_revisions(db.engine)

    db.upgrade()

    assert migrate.current_revisions(db.engine) == before


def test_a_brand_new_sqlite_file_is_migrated_to_head(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    db = Database(f"sqlite:///{path}")

    db.upgrade()

    assert migrate.current_revisions(db.engine)
    assert "leads" in inspect(db.engine).get_table_names()
    db.dispose()


def test_the_history_is_one_line_for_both_databases(db: Database) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(db.engine))

    revisions = list(script.walk_revisions())

    assert len(script.get_heads()) == 1
    assert all(r.down_revision is None or isinstance(r.down_revision, str) for r in revisions)
    assert revisions[-1].down_revision is None
