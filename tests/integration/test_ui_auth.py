"""Signing in and out of the web UI, session cookies, CSRF, workspace and language switch."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import users, web_sessions
from leadflow.adapters.db.uow import directory_transaction
from leadflow.domain.stages import Role
from tests.factories import PASSWORD, Tenant
from tests.integration.ui_support import csrf_of, sign_in


def _sessions(db: Database) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(web_sessions)).scalar_one())


def _login(client: TestClient, email: str, password: str) -> Response:
    form = client.get("/app/login")
    return client.post(
        "/app/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )


def test_a_user_signs_in_with_the_password_and_gets_a_protected_session_cookie(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    answer = _login(app_client, "sales@acme.example", PASSWORD)

    cookie = answer.headers["set-cookie"]
    assert answer.status_code == 303
    assert cookie.startswith("lf_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert app_client.get("/app/board").status_code == 200
    with db.reading() as connection:
        stored = connection.execute(select(web_sessions.c.token_hash)).scalar_one()
    assert stored not in cookie


def test_over_tls_the_session_cookie_is_secure(app_client: TestClient, tenant: Tenant) -> None:
    app_client.base_url = app_client.base_url.copy_with(scheme="https")

    answer = _login(app_client, "sales@acme.example", PASSWORD)

    assert "Secure" in answer.headers["set-cookie"]


def test_a_wrong_password_opens_no_session(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    answer = _login(app_client, "sales@acme.example", "wrong password")
    unknown = _login(app_client, "nobody@acme.example", PASSWORD)

    assert answer.status_code == unknown.status_code == 401
    assert _sessions(db) == 0


def test_a_sign_in_post_without_the_csrf_token_is_refused(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    app_client.get("/app/login")

    answer = app_client.post(
        "/app/login", data={"email": "sales@acme.example", "password": PASSWORD}
    )

    assert answer.status_code == 403
    assert _sessions(db) == 0


def test_pages_send_a_visitor_without_session_to_the_sign_in_form(
    app_client: TestClient,
) -> None:
    answer = app_client.get("/app/leads?stage=mql", follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/login?next=/app/leads%3Fstage%3Dmql"


def test_signing_out_ends_the_session(app_client: TestClient, tenant: Tenant, db: Database) -> None:
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    token = app_client.cookies["lf_session"]

    app_client.post("/app/logout", data={"csrf_token": csrf})
    app_client.cookies.set("lf_session", token)

    assert _sessions(db) == 0
    assert app_client.get("/app/board", follow_redirects=False).status_code == 303


def test_a_user_of_two_workspaces_switches_between_them(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Database
) -> None:
    with directory_transaction(db) as directory:
        directory.set_role(other_tenant.id, tenant.user_ids[Role.SALES], Role.VIEWER)
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    switched = app_client.post("/app/workspace", data={"csrf_token": csrf, "workspace": "globex"})

    assert switched.status_code == 200
    assert '<option value="globex" selected>' in switched.text
    assert "(Viewer)" in switched.text or "(Lesezugriff)" in switched.text


def test_switching_to_a_workspace_of_others_is_not_found_and_changes_nothing(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    answer = app_client.post("/app/workspace", data={"csrf_token": csrf, "workspace": "globex"})

    assert answer.status_code == 404
    with db.reading() as connection:
        assert connection.execute(select(web_sessions.c.workspace_id)).scalar_one() == tenant.id


def test_the_language_follows_the_browser_until_the_user_chooses_one(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.SALES)
    english = app_client.get("/app/board", headers={"Accept-Language": "en-GB,en;q=0.9"})

    app_client.post(
        "/app/language", data={"csrf_token": csrf, "locale": "de", "next": "/app/leads"}
    )
    german = app_client.get("/app/board", headers={"Accept-Language": "en-GB,en;q=0.9"})

    assert '<html lang="en">' in english.text and ">Sign out<" in english.text
    assert '<html lang="de">' in german.text and ">Abmelden<" in german.text
    with db.reading() as connection:
        stored = connection.execute(
            select(users.c.locale).where(users.c.id == tenant.user_ids[Role.SALES])
        ).scalar_one()
    assert stored == "de"
