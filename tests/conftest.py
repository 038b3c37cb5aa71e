"""Fixtures: a fresh database per test, on SQLite by default or on PostgreSQL when
LEADFLOW_TEST_DATABASE_URL points at one (then an unreachable server fails the run).

Only fixtures live here; tests import the data they build from tests.factories and the
settings they run with from tests.environment, never from this module."""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.engine import normalize_url
from leadflow.adapters.db.roles import grant_application_role
from leadflow.adapters.db.tables import metadata
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.environment import TEST_PUBLIC_URL, TEST_SECRET_KEY
from tests.factories import Tenant


def _postgres_url() -> str | None:
    return os.environ.get("LEADFLOW_TEST_DATABASE_URL") or None


_OWNERS: dict[str, str] = {}
"""PostgreSQL: the URL of the tables' owner for each application URL the tests use."""


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database made once per session: a SQLite file, or a PostgreSQL schema.

    On PostgreSQL the schema is migrated by its owner, and the application connects as a role
    of its own that may only read and write rows, as an installation does: row-level security
    holds for every test."""
    base = _postgres_url()
    if base is None:
        path = tmp_path_factory.mktemp("template") / "template.db"
        db = Database(f"sqlite:///{path}")
        db.upgrade()
        db.dispose()
        yield str(path)
        return
    schema = f"lf_test_{uuid.uuid4().hex[:10]}"
    role = f"{schema}_app"
    admin = create_engine(normalize_url(base))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS'))
    owner = make_url(normalize_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    owner_url = owner.render_as_string(hide_password=False)
    db = Database(owner_url)
    db.upgrade()
    grant_application_role(db.engine, role)
    db.dispose()
    app_url = owner.set(username=role, password=None).render_as_string(hide_password=False)
    _OWNERS[app_url] = owner_url
    try:
        yield app_url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


@pytest.fixture(autouse=True)
def secret_key_setting(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with LEADFLOW_SECRET_KEY set, as a PostgreSQL installation must."""
    monkeypatch.setenv("LEADFLOW_SECRET_KEY", TEST_SECRET_KEY)
    return TEST_SECRET_KEY


@pytest.fixture(autouse=True)
def public_url_setting(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test app is reached at the TestClient's host, as an installation at its public
    address; LEADFLOW_ALLOWED_HOSTS keeps its production default."""
    monkeypatch.setenv("LEADFLOW_PUBLIC_URL", TEST_PUBLIC_URL)
    return TEST_PUBLIC_URL


@pytest.fixture(autouse=True)
def api_rate_limit_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests make many API requests with one token; the rate limit's own tests switch it on."""
    monkeypatch.setenv("LEADFLOW_API_RATE_LIMIT", "0")
    monkeypatch.setenv("LEADFLOW_API_ADDRESS_RATE_LIMIT", "0")


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    """A clean, migrated database for one test."""
    if _postgres_url() is None:
        target = tmp_path / "leadflow.db"
        shutil.copyfile(database_template, target)
        return f"sqlite:///{target}"
    _empty_postgres_schema(_OWNERS[database_template])
    return database_template


@pytest.fixture
def owner_database_url(database_url: str) -> str:
    """The URL of the tables' owner: the application's own on SQLite."""
    return _OWNERS.get(database_url, database_url)


@functools.cache
def _cleaner(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


def _empty_postgres_schema(url: str) -> None:
    """Delete every row and restart the ids: far cheaper than TRUNCATE for near-empty tables."""
    serial = [t.name for t in metadata.sorted_tables if "id" in t.c and t.c.id.primary_key]
    restart = ", ".join(
        f"setval(pg_get_serial_sequence('{name}', 'id'), 1, false)" for name in serial
    )
    with _cleaner(url).begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(text(f"SELECT {restart}"))


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Runs `leadflow` commands against the test's database."""
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    return CliRunner()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def app_client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db=db)) as client:
        yield client


@pytest.fixture
def tenant(db: Database) -> Tenant:
    return Tenant(db, "acme")


@pytest.fixture
def other_tenant(db: Database) -> Tenant:
    return Tenant(db, "globex")


@pytest.fixture
def backend(db: Database) -> str:
    return db.backend
