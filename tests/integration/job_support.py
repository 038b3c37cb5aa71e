"""Run the queued jobs the way `leadflow worker` does, for tests of what the web queues."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from fastapi import FastAPI
from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.jobs import Job
from leadflow.services.imports.import_jobs import upload_imports
from leadflow.services.worker.jobs import run_next_job
from leadflow.settings import Settings
from tests.factories import NOW


def run_queued_jobs(db: Database, settings: Settings, *, now: datetime = NOW) -> list[Job]:
    """Run every queued job with the worker's job runner, at `now`; the jobs as they ended."""
    ran = []
    while (
        job := run_next_job(
            db, clock=lambda: now, lease_seconds=60, imports=upload_imports(settings)
        )
    ) is not None:
        ran.append(job)
    return ran


def work_off(client: TestClient, *, now: datetime = NOW) -> list[Job]:
    """Run the jobs queued through this app, as its worker would."""
    app = cast(FastAPI, client.app)
    return run_queued_jobs(app.state.db, app.state.settings, now=now)
