"""Background jobs: the API queues them, `leadflow worker` runs them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.jobs import Job, JobQueue, JobRepository
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import NotFound
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.imports.import_jobs import IMPORT_RUN, UploadImports, run_import_job
from leadflow.services.prediction.prediction_jobs import PREDICT, run_prediction_job
from leadflow.services.scores.rescore import rescore_workspace

RESCORE = "rescore"

Clock = Callable[[], datetime]


def enqueue_rescore(uow: UnitOfWork, *, by: Principal, now: datetime) -> Job:
    """Queue a full rescore of the workspace (or return the one already waiting or running)."""
    by.require(Actor.MARKETING)
    repository = uow.jobs
    waiting = repository.unfinished(RESCORE)
    if waiting is not None:
        return waiting
    return repository.get(repository.add(RESCORE, {"by_user_id": by.user_id}, now))


def job_status(uow: UnitOfWork, job_id: int, kind: str | None = None) -> Job:
    """A job of the workspace; with `kind`, a job of another kind is not found either."""
    job = uow.jobs.get(job_id)
    if kind is not None and job.kind != kind:
        raise NotFound("job", job_id)
    return job


def run_next_job(
    db: Database, *, clock: Clock, lease_seconds: float, imports: UploadImports | None = None
) -> Job | None:
    """Claim the next job of any workspace, run it and record how it ended; None when none waits.

    Imports of uploads need `imports` (where the uploads are, their limits); without it such an
    import fails."""
    token = uuid.uuid4().hex
    lease = timedelta(seconds=lease_seconds)
    start = clock()
    with db.transaction() as connection:
        job = JobQueue(connection).claim(start, lease_until=start + lease, token=token)
    if job is None:
        return None

    def report(done: int, total: int) -> bool:
        """Record progress and extend the lease; False when another worker took the job."""
        with db.transaction() as connection:
            return JobQueue(connection).report(
                job.id, token, progress=done, total=total, lease_until=clock() + lease
            )

    def progress(done: int, total: int) -> None:
        report(done, total)

    try:
        if job.kind == IMPORT_RUN:
            result = run_import_job(
                db, job, imports, now=clock(), heartbeat=lambda: report(0, 1),
                beat_seconds=lease_seconds / 3,
            )  # fmt: skip
        else:
            result = _run(db, job, clock(), progress)
    except Exception as error:  # noqa: BLE001 - a failed job is recorded, the worker goes on
        with db.transaction() as connection:
            JobQueue(connection).finish(
                job.id, token, now=clock(), error=f"{type(error).__name__}: {error}"
            )
    else:
        with db.transaction() as connection:
            JobQueue(connection).finish(job.id, token, now=clock(), result=result)
    with db.transaction() as connection:
        return JobRepository(connection, job.workspace_id).get(job.id)


def _run(
    db: Database, job: Job, now: datetime, progress: Callable[[int, int], None]
) -> dict[str, object]:
    if job.kind == PREDICT:
        return run_prediction_job(db, job, now, progress)
    if job.kind != RESCORE:
        raise ValueError(f"unknown job kind {job.kind!r}")
    done = rescore_workspace(
        db,
        job.workspace_id,
        by=Principal.process(job.workspace_id, Actor.AUTOMATIC),
        now=now,
        progress=progress,
    )
    return {
        "leads": done.leads,
        "rules_version": done.rules_version,
        "moved_to_mql": done.moved_to_mql,
    }
