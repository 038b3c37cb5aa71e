"""Imports started from the web are jobs of the worker's queue: they outlive the web process,
run once however often their job is taken, and leave no upload behind."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.jobs import Job, JobQueue
from leadflow.adapters.db.tables import background_jobs, imports, leads
from leadflow.domain.stages import Role
from leadflow.services.imports.import_jobs import (
    IMPORT_RUN,
    LeaseLost,
    run_import_job,
    upload_imports,
)
from leadflow.services.worker.jobs import run_next_job
from leadflow.services.worker.process import WorkerOptions, run_worker
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import NOW, Tenant
from tests.integration.job_support import run_queued_jobs

MARKETING = Role.MARKETING
CSV = b"email;company\r\neva@nordwerk.de;Nordwerk GmbH\r\njan@suedbau.de;Suedbau AG\r\n"


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def settings(database_url: str, uploads: Path) -> Settings:
    return Settings(database_url=database_url, upload_dir=str(uploads))


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db=db)) as served:
        yield served


def _import(client: TestClient, tenant: Tenant, data: bytes = CSV, **form: str) -> Any:
    started = client.post(
        "/api/v1/imports", files={"file": ("leads.csv", data, "text/csv")}, data=form,
        headers=tenant.headers(MARKETING),
    )  # fmt: skip
    assert started.status_code == 202, started.text
    return started.json()


def _read(client: TestClient, tenant: Tenant, import_id: int) -> Any:
    return client.get(f"/api/v1/imports/{import_id}", headers=tenant.headers(MARKETING)).json()


def _waiting_job(db: Database) -> Job:
    with db.reading() as connection:
        (job,) = JobQueue(connection).unfinished(IMPORT_RUN)
    return job


def _lead_count(db: Database) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(leads)).scalar_one())


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _as_if_its_worker_died(db: Database, job: Job, *, import_status: str | None = None) -> None:
    """The job stays claimed by a worker whose lease ran out; the import, if told, is left
    with that status by the worker's child, which is gone."""
    with db.transaction() as connection:
        connection.execute(
            update(background_jobs)
            .where(background_jobs.c.id == job.id)
            .values(status="running", claim_token="dead", lease_until=NOW - timedelta(seconds=1))
        )
        if import_status is not None:
            runner = {"host": socket.gethostname(), "pid": _dead_pid()}
            connection.execute(
                update(imports)
                .where(imports.c.id == job.params["import_id"])
                .values(status=import_status, options={"runner": runner})
            )


def test_an_import_is_queued_and_the_worker_runs_it_and_deletes_its_upload(
    client: TestClient, tenant: Tenant, db: Database, settings: Settings, uploads: Path
) -> None:
    started = _import(client, tenant)
    waiting = list(uploads.iterdir())

    (job,) = run_queued_jobs(db, settings)

    ended = _read(client, tenant, started["id"])
    assert started["status"] == "queued"
    assert [path.name for path in waiting] == [_name_of(job)]
    assert (job.kind, job.status, job.result) == (
        IMPORT_RUN, "done", {"import_id": started["id"], "status": "done", "error": None},
    )  # fmt: skip
    assert (ended["status"], ended["created"]) == ("done", 2)
    assert list(uploads.iterdir()) == []


def _name_of(job: Job) -> str:
    return str(job.params["upload"])


def test_a_queued_import_outlives_a_restart_of_the_web_process_and_the_worker_ends_it(
    settings: Settings, db: Database, tenant: Tenant, uploads: Path
) -> None:
    with TestClient(create_app(settings, db=db)) as before:
        started = _import(before, tenant)
    job = _waiting_job(db)
    # Saved by a web process that has stopped since: its process id is gone.
    saved_by_it = uploads / f"{_dead_pid()}-{_name_of(job).partition('-')[2]}"
    (uploads / _name_of(job)).rename(saved_by_it)
    with db.transaction() as connection:
        connection.execute(
            update(background_jobs)
            .where(background_jobs.c.id == job.id)
            .values(params={**job.params, "upload": saved_by_it.name})
        )

    with TestClient(create_app(settings, db=db)) as after:
        queued = _read(after, tenant, started["id"])
        kept = saved_by_it.exists()
        run_queued_jobs(db, settings)
        ended = _read(after, tenant, started["id"])

    assert queued["status"] == "queued"
    assert kept
    assert (ended["status"], ended["created"]) == ("done", 2)
    assert list(uploads.iterdir()) == []


def test_a_job_taken_again_after_its_import_ended_imports_nothing_twice(
    client: TestClient, tenant: Tenant, db: Database, settings: Settings, uploads: Path
) -> None:
    started = _import(client, tenant)
    job = _waiting_job(db)
    run_queued_jobs(db, settings)
    # The worker died after the import ended, before it recorded the job's end and deleted
    # the upload.
    _as_if_its_worker_died(db, job)
    (uploads / _name_of(job)).write_bytes(CSV)

    (again,) = run_queued_jobs(db, settings)

    ended = _read(client, tenant, started["id"])
    assert (again.id, again.status) == (job.id, "done")
    assert (ended["status"], ended["created"], ended["merged"]) == ("done", 2, 0)
    assert _lead_count(db) == 2
    assert list(uploads.iterdir()) == []


def test_a_job_taken_over_from_a_dead_worker_finishes_the_import_it_left_running(
    client: TestClient, tenant: Tenant, db: Database, settings: Settings, uploads: Path
) -> None:
    started = _import(client, tenant)
    job = _waiting_job(db)
    _as_if_its_worker_died(db, job, import_status="running")
    with TestClient(create_app(settings, db=db)) as restarted:
        left_to_its_job = _read(restarted, tenant, started["id"])

    logged: list[str] = []
    run_worker(
        db, key=b"k" * 32, options=WorkerOptions(), stop=threading.Event(), log=logged.append,
        once=True, clock=lambda: NOW + timedelta(minutes=5), imports=upload_imports(settings),
    )  # fmt: skip

    ended = _read(client, tenant, started["id"])
    assert left_to_its_job["status"] == "running"
    assert f"job {job.id} (import.run) done" in logged[0]
    assert (ended["status"], ended["created"]) == ("done", 2)
    assert _lead_count(db) == 2
    assert list(uploads.iterdir()) == []


def test_a_file_uploaded_again_while_its_import_runs_is_imported_once_by_the_first_job(
    client: TestClient, tenant: Tenant, db: Database, settings: Settings, uploads: Path
) -> None:
    started = _import(client, tenant)
    first = _waiting_job(db)
    with db.transaction() as connection:  # a worker runs it, its lease still good
        connection.execute(
            update(background_jobs)
            .where(background_jobs.c.id == first.id)
            .values(status="running", claim_token="alive", lease_until=NOW + timedelta(hours=1))
        )
        connection.execute(
            update(imports).where(imports.c.id == started["id"]).values(status="running")
        )
    again = _import(client, tenant)

    (second,) = run_queued_jobs(db, settings)
    meanwhile = _lead_count(db)
    _as_if_its_worker_died(db, first)
    run_queued_jobs(db, settings)

    ended = _read(client, tenant, started["id"])
    assert again["id"] == started["id"]
    assert second.id != first.id and meanwhile == 0
    assert (ended["status"], ended["created"], ended["merged"]) == ("done", 2, 0)
    assert list(uploads.iterdir()) == []


def test_a_worker_that_lost_its_lease_stops_the_import_and_leaves_the_upload_to_the_next(
    client: TestClient, tenant: Tenant, db: Database, settings: Settings, uploads: Path
) -> None:
    started = _import(client, tenant)
    job = _waiting_job(db)

    with pytest.raises(LeaseLost):
        run_import_job(
            db, job, upload_imports(settings), now=NOW, heartbeat=lambda: False,
            beat_seconds=0.01,
        )  # fmt: skip

    assert (uploads / _name_of(job)).exists()
    assert _lead_count(db) == 0
    run_queued_jobs(db, settings)
    assert _read(client, tenant, started["id"])["status"] == "done"


def test_an_import_whose_upload_is_gone_fails_with_the_reason(
    client: TestClient, tenant: Tenant, db: Database, settings: Settings, uploads: Path
) -> None:
    started = _import(client, tenant)
    (uploads / _name_of(_waiting_job(db))).unlink()

    (job,) = run_queued_jobs(db, settings)

    ended = _read(client, tenant, started["id"])
    assert ended["status"] == "failed"
    assert ended["error"] == (
        "leads.csv: its upload is gone from the upload directory; import the file again"
    )
    assert job.result is not None and job.result["status"] == "failed"
    assert _lead_count(db) == 0


def test_a_worker_without_an_upload_directory_fails_the_import_instead_of_leaving_it(
    client: TestClient, tenant: Tenant, db: Database
) -> None:
    started = _import(client, tenant)

    job = run_next_job(db, clock=lambda: NOW, lease_seconds=60)

    ended = _read(client, tenant, started["id"])
    assert job is not None and job.kind == IMPORT_RUN
    assert ended["status"] == "failed"
    assert "knows no upload directory" in ended["error"]


def test_a_dry_run_keeps_its_mapping_and_choices_on_the_way_through_the_queue(
    client: TestClient, tenant: Tenant, db: Database, settings: Settings
) -> None:
    own_headers = b"Mail;Firma;Seit\r\neva@nordwerk.de;Nordwerk GmbH;03.02.2026\r\n"
    mapping = (
        'date_format = "%d.%m.%Y"\n[columns]\n"Mail" = "email"\n"Firma" = "company"\n'
        '"Seit" = "created_at"\n'
    )
    started = _import(client, tenant, own_headers, mapping=mapping, dry_run="true", history="true")

    run_queued_jobs(db, settings)

    ended = _read(client, tenant, started["id"])
    assert (ended["status"], ended["dry_run"], ended["history"]) == ("done", True, True)
    assert (ended["created"], ended["rejected"], ended["warnings"]) == (1, 0, 0)
    assert ended["columns"] == {"Mail": "email", "Firma": "company", "Seit": "created_at"}
    assert _lead_count(db) == 0


def test_uploads_of_queued_imports_are_kept_when_a_process_starts(
    settings: Settings, db: Database, tenant: Tenant, uploads: Path
) -> None:
    with TestClient(create_app(settings, db=db)) as first:
        _import(first, tenant)
    queued = uploads / _name_of(_waiting_job(db))
    os.utime(queued, (0, 0))  # older than any import may run: waiting for a worker that is down
    left = uploads / f"{_dead_pid()}-leftover.csv"
    left.write_bytes(CSV)

    with TestClient(create_app(settings, db=db)):
        remaining = sorted(uploads.iterdir())

    assert remaining == [queued]
