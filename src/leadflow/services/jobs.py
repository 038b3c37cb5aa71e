"""Background jobs: the API queues them, `leadflow worker` runs them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.jobs import Job, JobQueue, JobRepository
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import NotFound
from leadflow.domain.predictive_history import Target
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.import_jobs import IMPORT_RUN, UploadImports, run_import_job
from leadflow.services.predictive import train_workspace
from leadflow.services.predictive_scoring import score_workspace
from leadflow.services.rescore import rescore_workspace

RESCORE = "rescore"
PREDICT = "predict"
PREDICT_STEPS = 2
"""A predict job's progress counts its steps: 1 once the models are trained, 2 once scored."""

Clock = Callable[[], datetime]


def enqueue_rescore(uow: UnitOfWork, *, by: Principal, now: datetime) -> Job:
    """Queue a full rescore of the workspace (or return the one already waiting or running)."""
    by.require(Actor.MARKETING)
    repository = JobRepository(uow.connection, uow.workspace_id)
    waiting = repository.unfinished(RESCORE)
    if waiting is not None:
        return waiting
    return repository.get(repository.add(RESCORE, {"by_user_id": by.user_id}, now))


def enqueue_prediction(uow: UnitOfWork, *, by: Principal, now: datetime, score: bool = True) -> Job:
    """Queue training the workspace's models, then (with `score`) scoring its open leads.

    Admins only, like training itself. The job already waiting or running is returned as it
    is, whatever its `score`."""
    by.require(Actor.AUTOMATIC)
    repository = JobRepository(uow.connection, uow.workspace_id)
    waiting = repository.unfinished(PREDICT)
    if waiting is not None:
        return waiting
    params = {"by_user_id": by.user_id, "score": score}
    return repository.get(repository.add(PREDICT, params, now))


def job_status(uow: UnitOfWork, job_id: int, kind: str | None = None) -> Job:
    """A job of the workspace; with `kind`, a job of another kind is not found either."""
    job = JobRepository(uow.connection, uow.workspace_id).get(job_id)
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
        return _predict(db, job, now, progress)
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


def _predict(
    db: Database, job: Job, now: datetime, progress: Callable[[int, int], None]
) -> dict[str, object]:
    """Train, then score in this process alone: a worker leaves the other cores to the rest."""
    by = Principal.process(job.workspace_id, Actor.AUTOMATIC)
    step = 0

    def phase(_: str) -> None:
        # Training and scoring announce each phase outside their own transactions; the report
        # (a short transaction of its own) also extends the job's lease.
        progress(step, PREDICT_STEPS)

    progress(step, PREDICT_STEPS)
    models = train_workspace(db, job.workspace_id, by=by, now=now, on_phase=phase)
    step = 1
    progress(step, PREDICT_STEPS)
    targets: dict[str, dict[str, object]] = {
        model.target.value: {
            "model_id": model.id,
            "model": model.model_name,
            "training_size": model.training_size,
            "positives": model.positives,
        }
        for model in models
    }
    if not job.params.get("score", True):
        return {"targets": targets, "scored": None}
    run = score_workspace(db, job.workspace_id, by=by, now=now, workers=1, on_phase=phase)
    step = 2
    progress(step, PREDICT_STEPS)
    for target, entry in targets.items():
        entry["scored"] = run.per_target.get(Target(target), 0)
    return {"targets": targets, "scored": run.scored, "batches": run.batches}
