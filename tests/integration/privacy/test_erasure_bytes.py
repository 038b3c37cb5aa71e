"""Erasure leaves no bytes of the person behind: not in SQLite's database file, its write-ahead
log or its shared-memory index, and on PostgreSQL the touched tables are vacuumed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.engine import normalize_url
from leadflow.adapters.db.uow import in_unit_of_work
from leadflow.cli.main import app
from leadflow.domain.stages import Role
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.privacy import retention
from leadflow.services.privacy.person_rights import erase_person
from tests.factories import NOW, Tenant, new_lead
from tests.integration.privacy.person_data import EMAIL, store_eva, traces

# The person's identifiers as bytes, in every spelling leadflow stores (compared lower-case).
NEEDLES = (EMAIL.encode(), b"fischer", b"7111234560", b"1234560")


def _sqlite_files(database_url: str) -> list[Path]:
    path = Path(str(make_url(database_url).database))
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def _found_in(files: list[Path]) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    for file in files:
        if not file.exists():
            continue
        content = file.read_bytes().lower()
        hits = [needle for needle in NEEDLES if needle in content]
        if hits:
            found[file.name] = hits
    return found


def test_after_erase_on_the_command_line_no_sqlite_file_holds_a_byte_of_the_person(
    client: TestClient, db: Database, tenant: Tenant, cli: CliRunner, database_url: str
) -> None:
    if db.backend != "sqlite":
        pytest.skip("scans SQLite's files")
    store_eva(client, db, tenant)
    files = _sqlite_files(database_url)
    assert _found_in(files), "the person is on disk before the erasure"

    result = cli.invoke(app, ["privacy", "erase", "-w", "acme", "--email", EMAIL, "--yes"])

    assert result.exit_code == 0, result.output
    assert traces(db, tenant.id) == []
    assert _found_in(files) == {}
    assert files[1].stat().st_size == 0


def test_the_erasure_service_empties_the_write_ahead_log_for_every_caller(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, database_url: str
) -> None:
    if db.backend != "sqlite":
        pytest.skip("scans SQLite's files")
    store_eva(client, db, tenant)

    report = erase_person(db, keys, by=tenant.principal(Role.ADMIN), email=EMAIL, now=NOW)

    assert report.scrubbed
    assert _found_in(_sqlite_files(database_url)) == {}


def _last_vacuums(database_url: str) -> dict[str, object]:
    engine = create_engine(normalize_url(database_url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT relname, last_vacuum FROM pg_stat_user_tables"
                    " WHERE schemaname = current_schema()"
                )
            )
            return {row.relname: row.last_vacuum for row in rows}
    finally:
        engine.dispose()


def test_on_postgresql_the_owner_vacuums_the_tables_the_erasure_touched(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, owner_database_url: str
) -> None:
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL's VACUUM")
    store_eva(client, db, tenant)
    before = _last_vacuums(owner_database_url)
    owner = Database(owner_database_url)
    try:
        report = erase_person(owner, keys, by=tenant.principal(Role.ADMIN), email=EMAIL, now=NOW)
    finally:
        owner.dispose()

    after = _last_vacuums(owner_database_url)
    assert report.scrubbed
    for table in ("contacts", "leads", "outbox_events"):
        assert after[table] is not None and after[table] != before[table], table


def test_an_application_role_that_owns_no_table_leaves_the_vacuum_to_autovacuum_and_says_so(
    client: TestClient, db: Database, tenant: Tenant, keys: PrivacyKeys, owner_database_url: str
) -> None:
    if db.backend != "postgresql" or owner_database_url == str(db.engine.url):
        pytest.skip("needs PostgreSQL with an application role apart from the owner")
    store_eva(client, db, tenant)

    report = erase_person(db, keys, by=tenant.principal(Role.ADMIN), email=EMAIL, now=NOW)

    assert report.contacts == 1
    assert not report.scrubbed


def test_a_retention_purge_leaves_no_byte_of_the_purged_person_in_the_sqlite_files(
    db: Database, tenant: Tenant, database_url: str
) -> None:
    if db.backend != "sqlite":
        pytest.skip("scans SQLite's files")
    rule = {"name": "unqualified", "stages": ["prospect"], "months": 24}
    long_ago = NOW - timedelta(days=30 * 31)
    admin = tenant.principal(Role.ADMIN)
    in_unit_of_work(
        db,
        admin.workspace_id,
        lambda uow: retention.set_retention_rules(uow, [rule], by=admin, now=long_ago),
    )
    new_lead(
        db, tenant, at=long_ago, email=EMAIL, first_name="Eva", last_name="Fischer",
        phone="0711 1234560",
    )  # fmt: skip
    files = _sqlite_files(database_url)
    assert _found_in(files)

    report = retention.purge(db, tenant.id, now=NOW, dry_run=False)

    assert len(report.expired) == 1
    assert _found_in(files) == {}
