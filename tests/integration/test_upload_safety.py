"""Hostile and odd uploads over HTTP: refused with a clear error while the web process goes on
answering others; every failed import ends failed with its reason; leftovers are cleaned up."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.imports import ImportRepository
from leadflow.domain.stages import Role
from leadflow.services.imports.importer import file_sha256
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import NOW, Tenant
from tests.integration.automation_support import one_worker_round
from tests.integration.job_support import work_off
from tests.integration.ui_support import sign_in
from tests.unit.importing.hostile_files import expanding_sheet, shared_strings_bomb, small_workbook

MARKETING = Role.MARKETING
CSV = b"email;company\r\neva@nordwerk.de;Nordwerk GmbH\r\njan@suedbau.de;Suedbau AG\r\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def client(database_url: str, db: Database, uploads: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, upload_dir=str(uploads), xlsx_max_rows=3)
    with TestClient(create_app(settings, db=db)) as served:
        yield served


def _preview(client: TestClient, tenant: Tenant, name: str, data: bytes) -> Any:
    return client.post(
        "/api/v1/imports/preview",
        files={"file": (name, data, XLSX)},
        headers=tenant.headers(MARKETING),
    )


def _import(client: TestClient, tenant: Tenant, name: str, data: bytes, **form: str) -> Any:
    return client.post(
        "/api/v1/imports", files={"file": (name, data, "text/csv")}, data=form,
        headers=tenant.headers(MARKETING),
    )  # fmt: skip


def _first_child() -> multiprocessing.process.BaseProcess:
    while True:
        children = multiprocessing.active_children()
        if children:
            return children[0]


def test_the_server_answers_others_while_a_hostile_preview_is_being_read(
    client: TestClient, tenant: Tenant
) -> None:
    answer: dict[str, Any] = {}
    hostile = threading.Thread(
        target=lambda: answer.update(
            preview=_preview(client, tenant, "bomb.xlsx", expanding_sheet())
        )
    )
    hostile.start()
    child = _first_child()
    assert child.pid is not None
    os.kill(child.pid, signal.SIGSTOP)  # the hostile read is held in the middle of its work
    try:
        health = client.get("/health")
        created = client.post(
            "/api/v1/leads", json={"email": "anna@hafen.example", "company": "Hafen GmbH"},
            headers=tenant.headers(MARKETING),
        )  # fmt: skip
        still_reading = child.is_alive()
    finally:
        os.kill(child.pid, signal.SIGCONT)
    hostile.join()

    assert health.status_code == 200
    assert created.status_code == 201, created.text
    assert still_reading
    refused = answer["preview"]
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith(
        "bomb.xlsx: refused, its part xl/worksheets/sheet1.xml"
    )
    assert "LEADFLOW_XLSX_MAX_EXPANSION_RATIO" in refused.json()["detail"]


def test_an_import_of_a_shared_strings_bomb_is_refused_and_records_nothing(
    client: TestClient, tenant: Tenant
) -> None:
    refused = _import(client, tenant, "strings.xlsx", shared_strings_bomb())

    assert refused.status_code == 422
    assert (
        "strings.xlsx: refused, its part xl/sharedStrings.xml expands" in refused.json()["detail"]
    )
    assert client.get("/api/v1/imports", headers=tenant.headers(MARKETING)).json() == []
    assert client.get("/health").status_code == 200


def test_an_import_that_passes_a_limit_while_running_ends_failed_with_the_reason(
    client: TestClient, tenant: Tenant, uploads: Path
) -> None:
    rows = [["email"], *([f"p{n}@nordwerk.de"] for n in range(5))]

    started = _import(client, tenant, "long.xlsx", small_workbook(rows))
    work_off(client)
    ended = client.get(f"/api/v1/imports/{started.json()['id']}", headers=tenant.headers(MARKETING))

    assert started.status_code == 202
    assert ended.json()["status"] == "failed"
    assert "long.xlsx: refused, its sheet has more than 3 rows" in ended.json()["error"]
    assert list(uploads.iterdir()) == []


def test_a_random_binary_named_csv_is_refused_by_preview_and_import(
    client: TestClient, tenant: Tenant
) -> None:
    noise = os.urandom(32 * 1024)

    previewed = _preview(client, tenant, "random.csv", noise)
    imported = _import(client, tenant, "random.csv", noise)

    for refused in (previewed, imported):
        assert refused.status_code == 422
        assert refused.json()["detail"].startswith("random.csv: not a text table")


def test_a_utf16_file_without_byte_order_mark_is_imported(
    client: TestClient, tenant: Tenant
) -> None:
    started = _import(client, tenant, "leads.csv", CSV.decode().encode("utf-16-le"))
    work_off(client)
    ended = client.get(f"/api/v1/imports/{started.json()['id']}", headers=tenant.headers(MARKETING))

    assert ended.json()["status"] == "done"
    assert (ended.json()["created"], ended.json()["rejected"]) == (2, 0)


@pytest.mark.parametrize("whose", ["unknown", "another workspace's"])
def test_an_import_into_a_campaign_the_workspace_lacks_is_refused_naming_campaign_id(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, whose: str
) -> None:
    campaign_id = 424242
    if whose != "unknown":
        body = {"name": "Theirs", "channel": "print", "starts_on": "2026-01-01"}
        theirs = client.post(
            "/api/v1/campaigns", json=body, headers=other_tenant.headers(MARKETING)
        )
        campaign_id = theirs.json()["id"]

    refused = _import(client, tenant, "leads.csv", CSV, campaign_id=str(campaign_id))

    assert refused.status_code == 422
    assert refused.json()["field"] == "campaign_id"
    assert client.get("/api/v1/imports", headers=tenant.headers(MARKETING)).json() == []


def test_the_import_page_refuses_an_unknown_campaign_and_a_hostile_workbook(
    client: TestClient, tenant: Tenant, db: Database
) -> None:
    csrf = sign_in(client, db, tenant, MARKETING)
    form = {"csrf_token": csrf, "action": "import", "campaign": "424242"}

    campaign = client.post("/app/import", data=form, files={"file": ("leads.csv", CSV, "text/csv")})
    bomb = client.post(
        "/app/import", data={**form, "action": "preview", "campaign": ""},
        files={"file": ("bomb.xlsx", expanding_sheet(), XLSX)},
    )  # fmt: skip

    assert campaign.status_code == 422
    assert bomb.status_code == 422 and "LEADFLOW_XLSX_MAX_EXPANSION_RATIO" in bomb.text


def test_an_upload_larger_than_its_limit_answers_413_and_leaves_no_file(
    database_url: str, db: Database, tenant: Tenant, uploads: Path
) -> None:
    settings = Settings(database_url=database_url, upload_dir=str(uploads), upload_csv_max_mb=1)
    big = b"email\n" + b"someone@nordwerk.de\n" * 60_000

    with TestClient(create_app(settings, db=db)) as client:
        refused = _import(client, tenant, "big.csv", big)

    assert refused.status_code == 413
    assert "allowed for a CSV file (LEADFLOW_UPLOAD_CSV_MAX_MB)" in refused.json()["detail"]
    assert list(uploads.iterdir()) == []


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_an_import_left_running_by_a_dead_process_fails_at_start_and_resumes_on_upload(
    database_url: str, db: Database, tenant: Tenant, tmp_path: Path, uploads: Path
) -> None:
    upload = tmp_path / "leads.csv"
    upload.write_bytes(CSV)
    with db.transaction() as connection:
        import_id = ImportRepository(connection, tenant.id).start(
            file_name="leads.csv", file_sha256=file_sha256(upload), preset="generic",
            options={"runner": {"host": socket.gethostname(), "pid": _dead_pid()}},
            dry_run=False, by_user_id=None, now=NOW,
        )  # fmt: skip
    settings = Settings(database_url=database_url, upload_dir=str(uploads))

    with TestClient(create_app(settings, db=db)) as client:
        abandoned = client.get(f"/api/v1/imports/{import_id}", headers=tenant.headers(MARKETING))
        again = _import(client, tenant, "leads.csv", CSV)
        work_off(client)
        resumed = client.get(f"/api/v1/imports/{import_id}", headers=tenant.headers(MARKETING))

    assert abandoned.json()["status"] == "failed"
    assert abandoned.json()["error"].startswith("interrupted: the process running it stopped")
    assert again.json()["id"] == import_id
    assert (resumed.json()["status"], resumed.json()["created"]) == ("done", 2)


def test_the_worker_fails_an_import_left_running_by_a_dead_process(
    db: Database, tenant: Tenant
) -> None:
    with db.transaction() as connection:
        import_id = ImportRepository(connection, tenant.id).start(
            file_name="leads.csv", file_sha256="0" * 64, preset="generic",
            options={"runner": {"host": socket.gethostname(), "pid": _dead_pid()}},
            dry_run=False, by_user_id=None, now=NOW,
        )  # fmt: skip
    logged = one_worker_round(db, now=NOW)

    with db.reading() as connection:
        record = ImportRepository(connection, tenant.id).get(import_id)
    assert record.status == "failed"
    assert record.error is not None and "process running it stopped" in record.error
    assert any(str(import_id) in line for line in logged)


def test_uploads_left_behind_by_a_stopped_process_are_deleted_at_start(
    database_url: str, db: Database, uploads: Path
) -> None:
    uploads.mkdir(mode=0o700)
    left = uploads / f"{_dead_pid()}-leftover.csv"
    ours = uploads / f"{os.getpid()}-running.csv"
    left.write_bytes(CSV)
    ours.write_bytes(CSV)
    settings = Settings(database_url=database_url, upload_dir=str(uploads))

    with TestClient(create_app(settings, db=db)):
        remaining = sorted(uploads.iterdir())

    assert remaining == [ours]
    assert uploads.stat().st_mode & 0o777 == 0o700


def test_an_import_whose_child_dies_ends_failed_with_the_reason(
    client: TestClient, tenant: Tenant, uploads: Path
) -> None:
    many = b"email\n" + b"".join(f"p{n}@nordwerk.de\n".encode() for n in range(20_000))
    started = _import(client, tenant, "many.csv", many)
    worker = threading.Thread(target=work_off, args=(client,))

    worker.start()
    os.kill(_first_child().pid or 0, signal.SIGKILL)
    worker.join()

    ended = client.get(f"/api/v1/imports/{started.json()['id']}", headers=tenant.headers(MARKETING))
    assert ended.json()["status"] == "failed"
    assert ended.json()["error"].startswith("many.csv: reading it stopped (exit code -9)")
    assert list(uploads.iterdir()) == []


def test_an_upload_body_far_over_every_limit_is_refused_before_it_is_parsed(
    database_url: str, db: Database, tenant: Tenant, uploads: Path
) -> None:
    settings = Settings(
        database_url=database_url, upload_dir=str(uploads), upload_csv_max_mb=1,
        upload_xlsx_max_mb=1,
    )  # fmt: skip
    boundary = "leadflowboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nemail\r\n"
    ).encode()
    filler = b"someone@nordwerk.de\r\n" * 50_000
    headers = {
        **tenant.headers(MARKETING),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }

    with TestClient(create_app(settings, db=db)) as client:
        declared = client.post("/api/v1/imports", content=head + filler * 3, headers=headers)
        streamed = client.post(
            "/api/v1/imports/preview", content=iter([head, filler, filler, filler]), headers=headers
        )

    for refused in (declared, streamed):
        assert refused.status_code == 413
        assert refused.json()["field"] == "file"
        assert "LEADFLOW_UPLOAD_CSV_MAX_MB" in refused.json()["detail"]


def test_a_preview_that_outlasts_its_time_limit_is_stopped_with_a_clear_error(
    database_url: str, db: Database, tenant: Tenant, uploads: Path
) -> None:
    settings = Settings(
        database_url=database_url, upload_dir=str(uploads), upload_preview_seconds=1
    )
    answer: dict[str, Any] = {}

    with TestClient(create_app(settings, db=db)) as client:
        slow = threading.Thread(
            target=lambda: answer.update(preview=_preview(client, tenant, "slow.csv", CSV))
        )
        slow.start()
        child = _first_child()
        os.kill(child.pid or 0, signal.SIGSTOP)  # it never goes on: the limit has to end it
        slow.join()
        after = client.get("/health")

    assert answer["preview"].status_code == 422
    assert answer["preview"].json()["detail"] == (
        "slow.csv: stopped after 1 s, the time limit (LEADFLOW_UPLOAD_PREVIEW_SECONDS)"
    )
    assert not child.is_alive()
    assert after.status_code == 200


def test_a_preview_that_needs_more_memory_than_allowed_is_stopped_with_a_clear_error(
    database_url: str, db: Database, tenant: Tenant, uploads: Path
) -> None:
    settings = Settings(database_url=database_url, upload_dir=str(uploads), upload_memory_mb=256)

    with TestClient(create_app(settings, db=db)) as client:
        refused = _preview(client, tenant, "leads.xlsx", small_workbook([["email"], ["a@b.de"]]))
        after = client.get("/health")

    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("leads.xlsx: ")
    assert "256 MB of memory (LEADFLOW_UPLOAD_MEMORY_MB)" in refused.json()["detail"]
    assert after.status_code == 200
