"""Ids are never reused: not after an erasure, not in a database migrated from before."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

from leadflow.adapters.db import migrate
from leadflow.adapters.db.database import Database
from leadflow.adapters.secret_key import privacy_keys
from leadflow.domain.stages import Role
from leadflow.services.imports.importer import ImportRequest, run_import
from leadflow.services.privacy.person_rights import erase_person
from leadflow.settings import Settings
from tests.factories import NOW, Tenant, new_lead

BEFORE_LASTING_IDS = "0007_lead_contact_index"


def _erase(db: Database, tenant: Tenant, settings: Settings, email: str) -> None:
    erase_person(db, privacy_keys(settings), by=tenant.principal(Role.ADMIN), email=email, now=NOW)


def _id_tables(engine: Engine) -> list[str]:
    inspector = inspect(engine)
    return [
        name
        for name in inspector.get_table_names()
        if inspector.get_pk_constraint(name)["constrained_columns"] == ["id"]
    ]


def test_the_erased_newest_lead_does_not_give_its_id_to_the_next_lead(
    db: Database, tenant: Tenant, settings: Settings
) -> None:
    new_lead(db, tenant, email="anna@kunde-eins.de", last_name="Muster")
    erased = new_lead(db, tenant, email="ben@kunde-zwei.de", last_name="Muster")
    _erase(db, tenant, settings, "ben@kunde-zwei.de")

    next_id = new_lead(db, tenant, email="clara@kunde-drei.de", last_name="Muster")

    assert next_id > erased


def test_an_import_after_an_erasure_does_not_reuse_the_erased_ids(
    db: Database, tenant: Tenant, settings: Settings, tmp_path: Path
) -> None:
    erased = new_lead(db, tenant, email="ben@kunde-zwei.de", last_name="Muster")
    _erase(db, tenant, settings, "ben@kunde-zwei.de")
    path = tmp_path / "people.csv"
    path.write_text("First Name,Last Name,Email\nClara,Muster,clara@kunde-drei.de\n")

    run_import(db, path, ImportRequest(tenant.id), by=tenant.principal(Role.MARKETING), now=NOW)

    with db.reading() as connection:
        lead_ids = connection.execute(text("SELECT id FROM leads")).scalars().all()
    assert lead_ids and min(lead_ids) > erased


def test_every_table_keyed_by_an_integer_id_never_hands_an_id_out_twice(db: Database) -> None:
    tables = _id_tables(db.engine)

    with db.engine.connect() as connection:
        if db.backend == "sqlite":
            sql = dict(connection.execute(text("SELECT name, sql FROM sqlite_master")).all())
            reusing = [name for name in tables if "AUTOINCREMENT" not in sql[name].upper()]
        else:
            inspector = inspect(connection)
            id_columns = {
                name: next(c for c in inspector.get_columns(name) if c["name"] == "id")
                for name in tables
            }
            reusing = [
                name
                for name, column in id_columns.items()
                if "nextval(" not in str(column.get("default")) and not column.get("identity")
            ]

    assert len(tables) > 30
    assert reusing == []


def test_a_database_migrated_from_before_counts_on_above_its_highest_id(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(db.engine, BEFORE_LASTING_IDS)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (id, slug, name, config, created_at) "
                "VALUES (41, 'alt', 'Alt GmbH', '{}', '2026-01-01 00:00:00.000000')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO api_tokens (workspace_id, role, token_hash, created_at) "
                "VALUES (41, 'admin', 'hash', '2026-01-01 00:00:00.000000')"
            )
        )

    db.upgrade()
    with db.engine.begin() as connection:
        tokens_kept = connection.execute(text("SELECT count(*) FROM api_tokens")).scalar()
        connection.execute(text("DELETE FROM workspaces WHERE id = 41"))
        tokens_after_delete = connection.execute(text("SELECT count(*) FROM api_tokens")).scalar()
        connection.execute(
            text(
                "INSERT INTO workspaces (slug, name, config, created_at) "
                "VALUES ('neu', 'Neu GmbH', '{}', '2026-01-02 00:00:00.000000')"
            )
        )
        new_id = connection.execute(text("SELECT id FROM workspaces WHERE slug = 'neu'")).scalar()
    db.dispose()

    assert tokens_kept == 1
    assert tokens_after_delete == 0
    assert new_id == 42


def test_the_migration_goes_back_and_forth_keeping_every_row(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'round.db'}")
    db.upgrade()
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (slug, name, config, created_at) "
                "VALUES ('alt', 'Alt GmbH', '{}', '2026-01-01 00:00:00.000000')"
            )
        )

    migrate.downgrade(db.engine, BEFORE_LASTING_IDS)
    downgraded_sql = _table_sql(db, "workspaces")
    db.upgrade()

    with db.engine.connect() as connection:
        slugs = connection.execute(text("SELECT slug FROM workspaces")).scalars().all()
    assert "AUTOINCREMENT" not in downgraded_sql
    assert "AUTOINCREMENT" in _table_sql(db, "workspaces")
    assert slugs == ["alt"]
    db.dispose()


def _table_sql(db: Database, name: str) -> str:
    with db.engine.connect() as connection:
        return str(
            connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": name}
            ).scalar()
        )
