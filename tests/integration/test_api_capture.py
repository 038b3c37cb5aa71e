"""Batch creation, idempotency keys (replays, reuse with another body, parallel twins), merges
and imports over HTTP."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import contacts, idempotency_keys, leads
from leadflow.domain.stages import Role
from tests.factories import Tenant
from tests.integration.job_support import work_off

MARKETING, SALES, VIEWER = Role.MARKETING, Role.SALES, Role.VIEWER


def _count(db: Database, table: object) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _post(client: TestClient, tenant: Tenant, path: str, body: Any, key: str | None = None) -> Any:
    headers = tenant.headers(MARKETING) | ({"Idempotency-Key": key} if key else {})
    return client.post(path, json=body, headers=headers)


def test_a_batch_answers_per_item_and_a_bad_item_keeps_the_others(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    _post(app_client, tenant, "/api/v1/leads", {"email": "eva@nordwerk.de", "last_name": "Fischer"})
    items = [
        {"email": "anna@nordwerk.de", "last_name": "Schmidt", "stage": "mql"},
        {"email": "EVA@nordwerk.de", "phone": "0711 1234560"},
        {"email": "kaputt@", "last_name": "Braun"},
        {"last_name": "Klein", "phone": "12"},
        {"email": "nur-kaputt@"},
        {"email": "otto@nordwerk.de", "favourite_colour": "blue"},
    ]

    response = _post(app_client, tenant, "/api/v1/leads/batch", {"leads": items})

    assert response.status_code == 200, response.text
    answer = response.json()
    assert [r["status"] for r in answer["results"]] == [
        "created", "merged", "created", "created", "rejected", "rejected",
    ]  # fmt: skip
    assert (answer["created"], answer["merged"], answer["rejected"]) == (3, 1, 2)
    assert answer["results"][1]["match_reason"] == "same e-mail"
    assert [w["field"] for w in answer["results"][2]["warnings"]] == ["email"]
    assert [w["field"] for w in answer["results"][3]["warnings"]] == ["phone"]
    assert [e["field"] for e in answer["results"][4]["errors"]] == ["email"]
    assert [e["field"] for e in answer["results"][5]["errors"]] == ["favourite_colour"]
    assert _count(db, leads) == 4


def test_a_batch_of_more_than_1000_leads_is_refused_whole(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    items = [{"email": f"p{n}@nordwerk.de"} for n in range(1001)]

    response = _post(app_client, tenant, "/api/v1/leads/batch", {"leads": items})

    assert response.status_code == 422
    assert _count(db, leads) == 0


def test_a_replayed_request_returns_the_first_answer_and_creates_nothing_more(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    body = {"email": "anna@nordwerk.de", "last_name": "Schmidt"}
    first = _post(app_client, tenant, "/api/v1/leads", body, key="order-4711")

    again = _post(app_client, tenant, "/api/v1/leads", body, key="order-4711")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(db, leads) == 1


def test_the_same_key_with_another_body_answers_422_and_changes_nothing(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    _post(app_client, tenant, "/api/v1/leads", {"email": "anna@nordwerk.de"}, key="k-1")

    reused = _post(app_client, tenant, "/api/v1/leads", {"email": "jan@nordwerk.de"}, key="k-1")

    assert reused.status_code == 422
    assert reused.json()["field"] == "Idempotency-Key"
    assert _count(db, leads) == 1


def test_a_key_belongs_to_its_workspace(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Database
) -> None:
    body = {"email": "anna@nordwerk.de"}
    _post(app_client, tenant, "/api/v1/leads", body, key="shared")

    theirs = _post(app_client, other_tenant, "/api/v1/leads", body, key="shared")

    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert _count(db, leads) == 2


def test_a_batch_is_replayed_by_its_key(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    body = {"leads": [{"email": "anna@nordwerk.de"}, {"email": "jan@nordwerk.de"}]}
    first = _post(app_client, tenant, "/api/v1/leads/batch", body, key="batch-1")

    again = _post(app_client, tenant, "/api/v1/leads/batch", body, key="batch-1")

    assert again.json() == first.json()
    assert [r["status"] for r in again.json()["results"]] == ["created", "created"]
    assert _count(db, leads) == 2


def _in_parallel(count: int, call: Any) -> list[Any]:
    start = threading.Barrier(count)
    answers: list[Any] = [None] * count

    def run(index: int) -> None:
        start.wait()
        answers[index] = call(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_parallel_twins_with_one_key_create_the_lead_once(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    body = {"email": "anna@nordwerk.de", "last_name": "Schmidt", "stage": "mql"}

    answers = _in_parallel(
        6, lambda _: _post(app_client, tenant, "/api/v1/leads", body, key="twin")
    )

    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 5
    assert (_count(db, leads), _count(db, contacts), _count(db, idempotency_keys)) == (1, 1, 1)


def test_parallel_twins_without_a_key_find_each_other_by_e_mail(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    answers = _in_parallel(
        4,
        lambda _: _post(app_client, tenant, "/api/v1/leads", {"email": "anna@nordwerk.de"}),
    )

    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    assert _count(db, leads) == 1


def test_merge_and_undo_over_http(app_client: TestClient, tenant: Tenant) -> None:
    a = _post(
        app_client, tenant, "/api/v1/leads", {"email": "eva@nordwerk.de", "last_name": "Fischer"}
    ).json()  # noqa: E501
    b = _post(
        app_client,
        tenant,
        "/api/v1/leads",
        {"email": "eva.fischer@web.de", "phone": "0711 1234560"},
    ).json()  # noqa: E501
    sales = tenant.headers(SALES)

    merged = app_client.post(
        f"/api/v1/leads/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=sales
    )
    listed = app_client.get("/api/v1/leads", headers=sales).json()
    undone = app_client.post(f"/api/v1/merges/{merged.json()['id']}/undo", headers=sales)
    log = app_client.get(f"/api/v1/leads/{a['id']}/merges", headers=sales).json()

    assert merged.status_code == 201, merged.text
    assert merged.json()["changes"]["filled"] == {"phone": "+497111234560"}
    assert [item["id"] for item in listed["items"]] == [a["id"]]
    assert undone.status_code == 200 and undone.json()["undone_at"] is not None
    assert [entry["id"] for entry in log] == [merged.json()["id"]]


def test_a_viewer_may_not_merge(app_client: TestClient, tenant: Tenant) -> None:
    a = _post(app_client, tenant, "/api/v1/leads", {"email": "a@nordwerk.de"}).json()
    b = _post(app_client, tenant, "/api/v1/leads", {"email": "b@nordwerk.de"}).json()

    refused = app_client.post(
        f"/api/v1/leads/{a['id']}/merge", json={"duplicate_id": b["id"]},
        headers=tenant.headers(VIEWER),
    )  # fmt: skip

    assert refused.status_code == 403


CSV = ("E-Mail;Nachname;Telefon\nanna@nordwerk.de;Schmidt;0711 1234560\nkaputt@;;\n").encode(
    "cp1252"
)


def _upload(client: TestClient, tenant: Tenant, **form: str) -> Any:
    return client.post(
        "/api/v1/imports",
        files={"file": ("messe.csv", CSV, "text/csv")},
        data=form,
        headers=tenant.headers(MARKETING),
    )


def _finished(client: TestClient, tenant: Tenant, import_id: int) -> Any:
    work_off(client)
    return client.get(f"/api/v1/imports/{import_id}", headers=tenant.headers(MARKETING)).json()


def test_an_uploaded_file_is_imported_and_its_rejects_can_be_downloaded(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    started = _upload(app_client, tenant)

    assert started.status_code == 202, started.text
    assert started.json()["status"] == "queued"
    done = _finished(app_client, tenant, started.json()["id"])
    rejects = app_client.get(done["rejects_url"], headers=tenant.headers(MARKETING))
    assert (done["status"], done["created"], done["rejected"]) == ("done", 1, 1)
    assert done["columns"] == {"E-Mail": "email", "Nachname": "last_name", "Telefon": "phone"}
    assert rejects.headers["content-type"].startswith("text/csv")
    first, second = rejects.text.splitlines()[1:3]
    assert first.startswith('3,"E-Mail, Nachname, Telefon","the row has no usable')
    assert second.startswith("3,E-Mail,'kaputt@' is not a valid")
    assert _count(db, leads) == 1


def test_an_uploaded_dry_run_reports_and_stores_no_lead(
    app_client: TestClient, tenant: Tenant, db: Database
) -> None:
    started = _upload(app_client, tenant, dry_run="true")

    done = _finished(app_client, tenant, started.json()["id"])

    assert (done["dry_run"], done["created"], done["rejected"]) == (True, 1, 1)
    assert _count(db, leads) == 0


def test_a_preview_shows_the_mapping_and_the_first_rows(
    app_client: TestClient, tenant: Tenant
) -> None:
    preview = app_client.post(
        "/api/v1/imports/preview",
        files={"file": ("messe.csv", CSV, "text/csv")},
        headers=tenant.headers(MARKETING),
    ).json()

    assert preview["preset"] == "generic"
    assert preview["rows"][0]["values"]["phone"] == "+497111234560"
    assert preview["rows"][1]["errors"][1]["field"] == "E-Mail"


def test_an_import_of_another_workspace_answers_404(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    started = _upload(app_client, tenant).json()

    theirs = app_client.get(
        f"/api/v1/imports/{started['id']}", headers=other_tenant.headers(MARKETING)
    )

    assert theirs.status_code == 404


@pytest.mark.parametrize("preset", ["zoho"])
def test_an_unknown_preset_answers_422_before_anything_runs(
    app_client: TestClient, tenant: Tenant, preset: str
) -> None:
    refused = _upload(app_client, tenant, preset=preset)

    assert refused.status_code == 422
    assert refused.json()["field"] == "preset"
