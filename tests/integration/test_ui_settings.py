"""Settings for admins: users and roles, API tokens, and the workspace's rules read back."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import api_tokens, audit_log, memberships
from leadflow.cli.main import app as cli_app
from leadflow.domain.stages import Role
from tests.factories import Tenant
from tests.integration.ui_support import sign_in

ENGLISH = {"Accept-Language": "en"}


def _roles(db: Database, tenant: Tenant) -> dict[int, str]:
    with db.reading() as connection:
        rows = connection.execute(
            select(memberships.c.user_id, memberships.c.role).where(
                memberships.c.workspace_id == tenant.id
            )
        )
        return {int(user_id): role for user_id, role in rows}


def _audited(db: Database, tenant: Tenant) -> list[tuple[str, str]]:
    with db.reading() as connection:
        rows = connection.execute(
            select(audit_log.c.action, audit_log.c.subject)
            .where(audit_log.c.workspace_id == tenant.id)
            .order_by(audit_log.c.id)
        )
        return [(action, subject) for action, subject in rows]


def _token_ids(db: Database, tenant: Tenant) -> dict[str, int]:
    with db.reading() as connection:
        rows = connection.execute(
            select(api_tokens.c.id, api_tokens.c.role).where(api_tokens.c.workspace_id == tenant.id)
        )
        return {role: int(token_id) for token_id, role in rows}


def test_an_admin_adds_a_user_who_then_appears_in_the_list_and_the_audit_log(
    app_client: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    form = {
        "csrf_token": csrf,
        "email": "Neu@Acme.example",
        "name": "Nina Neu",
        "role": "sales",
        "password": "ein-langes-passwort",
    }

    page = app_client.post("/app/settings/users", data=form, headers=ENGLISH)

    assert page.status_code == 200
    assert "The user was added." in page.text
    assert "neu@acme.example" in page.text and "Nina Neu" in page.text
    assert len(_roles(db, tenant)) == len(Role) + 1
    assert len(_roles(db, other_tenant)) == len(Role)
    assert _audited(db, tenant)[-1][0] == "role.set"


def test_a_new_user_without_a_long_enough_password_is_refused_and_not_added(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    form = {"csrf_token": csrf, "email": "kurz@acme.example", "role": "sales", "password": "kurz"}

    page = app_client.post("/app/settings/users", data=form, headers=ENGLISH)

    assert page.status_code == 422
    assert "Initial password" in page.text
    assert len(_roles(db, tenant)) == len(Role)


def test_an_admin_changes_a_role_and_removes_a_member_whose_tokens_stop_working(
    app_client: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    sales, viewer = tenant.user_ids[Role.SALES], tenant.user_ids[Role.VIEWER]

    changed = app_client.post(
        f"/app/settings/users/{sales}/role", data={"csrf_token": csrf, "role": "marketing"}
    )
    removed = app_client.post(f"/app/settings/users/{viewer}/remove", data={"csrf_token": csrf})

    assert changed.status_code == removed.status_code == 200
    roles = _roles(db, tenant)
    assert roles[sales] == "marketing" and viewer not in roles
    assert [a for a, _ in _audited(db, tenant)][-2:] == ["role.set", "role.removed"]
    assert app_client.get("/api/v1/leads", headers=tenant.headers(Role.VIEWER)).status_code == 401
    assert (
        app_client.get("/api/v1/leads", headers=other_tenant.headers(Role.VIEWER)).status_code
        == 200
    )
    assert len(_roles(db, other_tenant)) == len(Role)


def test_the_last_admin_can_neither_be_demoted_nor_removed(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    admin = tenant.user_ids[Role.ADMIN]

    demoted = app_client.post(
        f"/app/settings/users/{admin}/role",
        data={"csrf_token": csrf, "role": "viewer"},
        headers=ENGLISH,
    )
    removed = app_client.post(
        f"/app/settings/users/{admin}/remove", data={"csrf_token": csrf}, headers=ENGLISH
    )

    assert demoted.status_code == removed.status_code == 409
    assert "last administrator" in demoted.text and "last administrator" in removed.text
    assert _roles(db, tenant)[admin] == "admin"


def test_an_admin_may_step_down_once_there_is_a_second_admin(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    admin, marketing = tenant.user_ids[Role.ADMIN], tenant.user_ids[Role.MARKETING]
    app_client.post(
        f"/app/settings/users/{marketing}/role", data={"csrf_token": csrf, "role": "admin"}
    )

    app_client.post(f"/app/settings/users/{admin}/role", data={"csrf_token": csrf, "role": "sales"})

    assert _roles(db, tenant)[admin] == "sales"


def test_an_admin_creates_a_token_shown_once_that_works_until_revoked(
    app_client: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)

    created = app_client.post(
        "/app/settings/tokens",
        data={"csrf_token": csrf, "name": "CRM-Sync", "role": "sales"},
        headers=ENGLISH,
    )
    secret = created.text.split('<code id="new-token">')[1].split("</code>")[0]
    listed = app_client.get("/app/settings/tokens", headers=ENGLISH)
    token_id = max(_token_ids(db, tenant).values())
    works = app_client.get("/api/v1/leads", headers={"Authorization": f"Bearer {secret}"})
    app_client.post(f"/app/settings/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    refused = app_client.get("/api/v1/leads", headers={"Authorization": f"Bearer {secret}"})

    assert secret.startswith("lf_")
    assert "CRM-Sync" in listed.text and secret not in listed.text
    assert with_hash_only(db, secret)
    assert works.status_code == 200
    assert refused.status_code == 401
    assert [a for a, _ in _audited(db, tenant)][-2:] == ["token.created", "token.revoked"]
    assert "revoked on" in app_client.get("/app/settings/tokens", headers=ENGLISH).text
    assert (
        app_client.get("/api/v1/leads", headers=other_tenant.headers(Role.SALES)).status_code == 200
    )


def with_hash_only(db: Database, secret: str) -> bool:
    with db.reading() as connection:
        stored = connection.execute(select(api_tokens.c.token_hash)).scalars().all()
    return secret not in stored and all(len(value) == 64 for value in stored)


def test_another_workspaces_token_cannot_be_revoked_and_keeps_working(
    app_client: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    foreign = _token_ids(db, other_tenant)["sales"]

    page = app_client.post(f"/app/settings/tokens/{foreign}/revoke", data={"csrf_token": csrf})

    assert page.status_code == 404
    assert (
        app_client.get("/api/v1/leads", headers=other_tenant.headers(Role.SALES)).status_code == 200
    )


def test_another_workspaces_member_cannot_be_changed_from_here(
    app_client: TestClient, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    csrf = sign_in(app_client, db, tenant, Role.ADMIN)
    foreign = other_tenant.user_ids[Role.SALES]

    changed = app_client.post(
        f"/app/settings/users/{foreign}/role", data={"csrf_token": csrf, "role": "admin"}
    )
    removed = app_client.post(f"/app/settings/users/{foreign}/remove", data={"csrf_token": csrf})

    assert changed.status_code == removed.status_code == 404
    assert _roles(db, other_tenant)[foreign] == "sales"


def test_other_roles_get_403_pages_and_no_settings_link(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    for role in (Role.MARKETING, Role.SALES, Role.VIEWER):
        csrf = sign_in(app_client, db, tenant, role)
        board = app_client.get("/app/board")
        pages = [app_client.get(path) for path in ("/app/settings", "/app/settings/users")]
        posted = app_client.post(
            "/app/settings/tokens", data={"csrf_token": csrf, "name": "x", "role": "admin"}
        )
        added = app_client.post(
            "/app/settings/users",
            data={"csrf_token": csrf, "email": "x@acme.example", "role": "admin",
                  "password": "ein-langes-passwort"},
        )  # fmt: skip

        assert 'href="/app/settings"' not in board.text
        assert [p.status_code for p in pages] == [403, 403]
        assert posted.status_code == added.status_code == 403
    assert len(_token_ids(db, tenant)) == len(Role)
    assert len(_roles(db, tenant)) == len(Role)


def test_the_overview_links_its_sections_and_shows_framework_and_lifecycle(
    app_client: TestClient, db: Database, tenant: Tenant
) -> None:
    sign_in(app_client, db, tenant, Role.ADMIN)

    board = app_client.get("/app/board", headers=ENGLISH)
    page = app_client.get("/app/settings", headers=ENGLISH)

    assert 'href="/app/settings"' in board.text
    assert page.status_code == 200
    assert 'href="/app/settings/users"' in page.text and 'href="/app/settings/tokens"' in page.text
    assert "BANT" in page.text
    assert 'id="lifecycle-table"' in page.text and "(no_budget)" in page.text


def test_the_cli_lists_users_and_tokens_and_revokes_a_token(
    cli: CliRunner, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    token_id = _token_ids(db, tenant)["marketing"]

    revoked = cli.invoke(cli_app, ["token", "revoke", str(token_id), "--workspace", "acme"])
    tokens = cli.invoke(cli_app, ["token", "list", "--workspace", "acme"])
    users = cli.invoke(cli_app, ["user", "list", "--workspace", "acme"])
    foreign = cli.invoke(
        cli_app,
        ["token", "revoke", str(_token_ids(db, other_tenant)["sales"]), "--workspace", "acme"],
    )

    assert revoked.exit_code == 0, revoked.output
    lines = {line.split("\t")[0]: line.split("\t") for line in tokens.output.splitlines()}
    assert lines[str(token_id)][-1] != "-"
    assert all(row[-1] == "-" for key, row in lines.items() if key not in {"id", str(token_id)})
    assert "admin@acme.example\tadmin" in users.output
    assert "globex" not in users.output
    assert foreign.exit_code != 0


def test_the_cli_refuses_to_demote_the_last_admin_too(
    cli: CliRunner, db: Database, tenant: Tenant
) -> None:
    result = cli.invoke(
        cli_app, ["user", "add", "admin@acme.example", "--workspace", "acme", "--role", "sales"]
    )

    assert result.exit_code != 0
    assert "last admin" in result.output
    assert _roles(db, tenant)[tenant.user_ids[Role.ADMIN]] == "admin"
