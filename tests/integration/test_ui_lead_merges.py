"""Merging a duplicate from the lead page and undoing it from the merge log shown there."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.domain.stages import Role
from leadflow.services.intake.merges import merges_of
from tests.factories import ERIKA, Tenant, new_lead
from tests.integration.ui_support import sign_in


def _merges(db: Database, tenant: Tenant, lead_id: int) -> list[tuple[int | None, bool]]:
    with reading(db, tenant.id) as uow:
        return [(m.merged_id, m.undone_at is not None) for m in merges_of(uow, lead_id)]


def test_sales_merges_a_duplicate_and_undoes_it_from_the_lead_page(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    survivor = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    duplicate = new_lead(db, tenant, first_name="Erika", last_name="Muster", phone="0711 555")
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    merged = app_client.post(
        f"/app/leads/{survivor}/merge",
        data={"csrf_token": csrf, "duplicate_id": str(duplicate)},
        follow_redirects=False,
    )
    page = unescape(app_client.get(f"/app/leads/{survivor}").text)
    merge_id = page.split(f"/app/leads/{survivor}/merges/")[1].split("/undo")[0]
    undone = app_client.post(
        f"/app/leads/{survivor}/merges/{merge_id}/undo",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )

    assert merged.headers["location"] == f"/app/leads/{survivor}?done=merged"
    assert f"Lead {duplicate} in Lead {survivor} zusammengeführt" in page
    assert undone.headers["location"] == f"/app/leads/{survivor}?done=unmerged"
    assert _merges(db, tenant, survivor) == [(duplicate, True)]


def test_a_lead_of_another_workspace_cannot_be_merged_in_and_the_page_says_why(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Database
) -> None:
    survivor = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    foreign = new_lead(db, other_tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.SALES)

    refused = app_client.post(
        f"/app/leads/{survivor}/merge",
        data={"csrf_token": csrf, "duplicate_id": str(foreign)},
    )

    assert "keinen Lead mit dieser Nummer" in unescape(refused.text)
    assert _merges(db, tenant, survivor) == []
    assert _merges(db, other_tenant, foreign) == []


def test_a_viewer_sees_the_merge_log_but_no_merge_form(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    survivor = new_lead(db, tenant, like=ERIKA, email="erika@muster.example")
    csrf = sign_in(app_client, db, tenant, Role.VIEWER)

    page = app_client.get(f"/app/leads/{survivor}").text
    refused = app_client.post(
        f"/app/leads/{survivor}/merge", data={"csrf_token": csrf, "duplicate_id": "1"}
    )

    assert "Dubletten und Zusammenführungen" in unescape(page)
    assert f'action="/app/leads/{survivor}/merge"' not in page
    assert refused.status_code == 403
