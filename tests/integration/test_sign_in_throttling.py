"""Password guessing is slowed down and stopped (OWASP ASVS 2.2): after a few wrong passwords
the next try must wait, longer each time, for the account and for the client address; after ten
in a row the account is locked until an admin unlocks it. Every web process sees the same
counts, because they live in the database; each throttle, lock-out and unlock is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import audit_log
from leadflow.cli.main import app
from leadflow.domain.errors import TooManyAttempts
from leadflow.services.workspaces.sessions import sign_in
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import NOW, PASSWORD, Tenant
from tests.integration.ui_support import csrf_of

SALES = "sales@acme.example"


def _login(client: TestClient, email: str, password: str) -> Response:
    form = client.get("/app/login")
    return client.post(
        "/app/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )


def _audited(db: Database) -> list[str]:
    with db.reading() as connection:
        actions = connection.execute(select(audit_log.c.action).order_by(audit_log.c.id))
        return [action for action in actions.scalars() if action.startswith("sign_in.")]


def _fail(db: Database, times: int, *, start: int = 0, address: str | None = None) -> None:
    """Wrong passwords, each after any wait has passed (the clock jumps 20 minutes a try)."""
    for n in range(start, start + times):
        assert (
            sign_in(db, SALES, "wrong", now=NOW + timedelta(minutes=20 * n), address=address)
            is None
        )


def test_after_three_wrong_passwords_the_next_try_must_wait_even_with_the_right_one(
    app_client: TestClient, tenant: Tenant
) -> None:
    wrong = [_login(app_client, SALES, "falsch").status_code for _ in range(3)]

    refused = _login(app_client, SALES, PASSWORD)

    assert wrong == [401, 401, 401]
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "lf_session" not in refused.headers.get("set-cookie", "")
    assert "Zu viele falsche Passw" in refused.text or "Too many wrong passwords" in refused.text


def test_fifteen_wrong_passwords_lock_the_account_until_an_admin_unlocks_it(
    db: Database, tenant: Tenant, cli: object
) -> None:
    with pytest.raises(TooManyAttempts):
        _fail(db, 15)
    later = NOW + timedelta(days=2)

    with pytest.raises(TooManyAttempts) as locked:
        sign_in(db, SALES, PASSWORD, now=later)
    unlocked = cli.invoke(app, ["user", "unlock", SALES])  # type: ignore[attr-defined]
    token = sign_in(db, SALES, PASSWORD, now=later)

    assert locked.value.locked
    assert unlocked.exit_code == 0 and "may sign in again" in unlocked.output
    assert token is not None
    assert _audited(db) == ["sign_in.throttled", "sign_in.locked", "sign_in.unlocked"]


def test_the_lock_comes_after_ten_failures_in_a_row_and_a_success_resets_the_count(
    db: Database, tenant: Tenant
) -> None:
    _fail(db, 9)
    assert sign_in(db, SALES, PASSWORD, now=NOW + timedelta(hours=4)) is not None

    _fail(db, 9, start=13)

    assert sign_in(db, SALES, PASSWORD, now=NOW + timedelta(hours=8)) is not None
    assert "sign_in.locked" not in _audited(db)


def test_one_address_trying_many_accounts_must_wait_too(db: Database, tenant: Tenant) -> None:
    for n in range(10):
        sign_in(db, f"guess{n}@acme.example", "x", now=NOW, address="203.0.113.7")

    with pytest.raises(TooManyAttempts):
        sign_in(db, SALES, PASSWORD, now=NOW + timedelta(seconds=1), address="203.0.113.7")
    assert sign_in(db, SALES, PASSWORD, now=NOW + timedelta(seconds=1), address="198.51.100.2")


def test_two_web_processes_share_the_counts(database_url: str, tenant: Tenant) -> None:
    settings = Settings(database_url=database_url)
    first_db, second_db = Database(database_url), Database(database_url)
    try:
        with TestClient(create_app(settings, db=first_db)) as first:
            wrong = [_login(first, SALES, "falsch").status_code for _ in range(3)]
        with TestClient(create_app(settings, db=second_db)) as second:
            refused = _login(second, SALES, PASSWORD)
    finally:
        first_db.dispose()
        second_db.dispose()

    assert wrong == [401, 401, 401]
    assert refused.status_code == 429
