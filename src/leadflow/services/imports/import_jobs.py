"""Imports started from the web, run by `leadflow worker` as jobs of its durable queue.

The web process saves the upload, has a child check its header and mapping (within the
preview's limits), records the import `queued` together with the job that runs it, and answers.
The worker runs the job: the import in a child capped like every upload's, stopped after its
time limit, and the upload deleted once the import has ended. A job taken again after its
worker died does not import twice: an import that ended is left as it is, one left running
goes on after its last stored row."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from leadflow.adapters.child_process import (
    Child,
    ChildLimits,
    ChildStopped,
    Send,
    run_in_child,
    stop_with_parent,
)
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.imports import QUEUED, RUNNING, ImportRecord
from leadflow.adapters.db.jobs import Job, JobQueue, JobRepository
from leadflow.adapters.db.uow import reading
from leadflow.adapters.importing import MappingFile, TableError
from leadflow.adapters.secret_key import privacy_keys
from leadflow.adapters.upload_files import upload_dir, upload_in
from leadflow.domain.errors import DomainError, NotConfigured
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Stage
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.imports.import_recovery import fail_import
from leadflow.services.imports.importer import ImportRequest, begin_import, run_import
from leadflow.services.imports.upload_runs import (
    UploadPolicy,
    stopped_reason,
    unreadable,
    upload_policy,
)
from leadflow.settings import Settings

IMPORT_RUN = "import.run"


class LeaseLost(Exception):
    """Another worker took the job over (this one's lease ran out); the import is its now."""


@dataclass(frozen=True)
class UploadImports:
    """What a worker needs to run imports of uploads: where they are, their limits, and the
    keys of the suppression list (None where none are configured)."""

    directory: Path
    policy: UploadPolicy
    privacy: PrivacyKeys | None = None


def upload_imports(settings: Settings) -> UploadImports:
    """The upload directory, limits and privacy keys the settings ask for."""
    try:
        privacy: PrivacyKeys | None = privacy_keys(settings)
    except NotConfigured:
        privacy = None  # without a key nobody can be on the suppression list
    return UploadImports(upload_dir(settings), upload_policy(settings), privacy)


def queue_upload_import(
    db: Database,
    path: Path,
    plan: ImportRequest,
    policy: UploadPolicy,
    *,
    by: Principal,
    now: datetime,
) -> int:
    """Check the upload in a child and record its import `queued` with the job that runs it;
    a file the child refuses raises here, before any answer is given. The upload (in the
    upload directory) belongs to the job once this returns: the worker deletes it."""
    name = plan.file_name or path.name
    url = db.engine.url.render_as_string(hide_password=False)
    params = {"upload": path.name, "by": _by_params(by), "plan": _plan_params(plan)}
    limits = ChildLimits(policy.memory_bytes, policy.preview_seconds)
    checked = replace(plan, limits=policy.limits)
    try:
        import_id: int = run_in_child(_record, url, path, checked, by, now, params, limits=limits)
    except ChildStopped as stop:
        raise TableError(stopped_reason(name, stop, policy, importing=False)) from stop
    except (DomainError, SQLAlchemyError):
        raise
    except Exception as error:
        raise unreadable(name, error) from error
    return import_id


@dataclass(frozen=True)
class UnfinishedImports:
    """What the import jobs waiting or running still need: their imports and their uploads."""

    import_ids: frozenset[int]
    uploads: frozenset[str]


def unfinished_imports(db: Database) -> UnfinishedImports:
    """The imports (and their uploads) that a waiting or running job will run, or take over
    from a worker that died once its lease has run out."""
    with db.reading() as connection:
        jobs = JobQueue(connection).unfinished(IMPORT_RUN)
    return UnfinishedImports(
        frozenset(int(job.params["import_id"]) for job in jobs),
        frozenset(str(job.params["upload"]) for job in jobs),
    )


def run_import_job(
    db: Database,
    job: Job,
    imports: UploadImports | None,
    *,
    now: datetime,
    heartbeat: Callable[[], bool],
    beat_seconds: float,
) -> dict[str, object]:
    """Run a queued import in a child within the upload limits, calling `heartbeat` (which
    extends the job's lease) every `beat_seconds`; its upload is deleted once it has ended.
    An import that already ended is not run again."""
    import_id = int(job.params["import_id"])
    if imports is None:
        reason = "the worker that took it knows no upload directory; import the file again"
        fail_import(db, job.workspace_id, import_id, reason, now)
        return _outcome(_record_of(db, job.workspace_id, import_id))
    path = upload_in(imports.directory, str(job.params["upload"]))
    plan = _plan(job, imports, import_id)
    name = plan.file_name or path.name
    if _earlier_job(db, job, import_id) is not None:
        # The same file was uploaded again while its import ran: the earlier job, with its
        # own copy of the file, runs the import; two at once would store rows twice.
        path.unlink(missing_ok=True)
        return _outcome(_record_of(db, job.workspace_id, import_id))
    if _record_of(db, job.workspace_id, import_id).status in (QUEUED, RUNNING):
        if path.is_file():
            by = _principal(job.workspace_id, job.params["by"])
            _follow(db, path, plan, imports.policy, by, now, heartbeat, beat_seconds)
        else:
            reason = f"{name}: its upload is gone from the upload directory; import the file again"
            fail_import(db, job.workspace_id, import_id, reason, now)
    ended = _record_of(db, job.workspace_id, import_id)
    if ended.status not in (QUEUED, RUNNING):
        path.unlink(missing_ok=True)
    return _outcome(ended)


def _earlier_job(db: Database, job: Job, import_id: int) -> Job | None:
    """An earlier waiting or running job of the same import."""
    with db.reading() as connection:
        jobs = JobQueue(connection).unfinished(IMPORT_RUN)
    return next((j for j in jobs if j.id < job.id and j.params["import_id"] == import_id), None)


def _outcome(record: ImportRecord) -> dict[str, object]:
    return {"import_id": record.id, "status": record.status, "error": record.error}


def _follow(
    db: Database,
    path: Path,
    plan: ImportRequest,
    policy: UploadPolicy,
    by: Principal,
    now: datetime,
    heartbeat: Callable[[], bool],
    beat_seconds: float,
) -> None:
    """Wait for the import's child; an import it did not finish is marked failed with why."""
    assert plan.import_id is not None
    name = plan.file_name or path.name
    url = db.engine.url.render_as_string(hide_password=False)
    child = Child(_run, url, path, plan, by, now, memory_bytes=policy.memory_bytes)
    deadline = time.monotonic() + policy.import_seconds
    try:
        while not child.ready(max(0.0, min(beat_seconds, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                break
            if not heartbeat():
                raise LeaseLost(f"import {plan.import_id}: another worker took its job over")
        child.receive(0)
    except ChildStopped as stop:
        reason = stopped_reason(name, stop, policy, importing=True)
        fail_import(db, plan.workspace_id, plan.import_id, reason, now)
    except LeaseLost:
        raise
    except Exception as error:  # noqa: BLE001 - the import records its failure; a backstop
        fail_import(db, plan.workspace_id, plan.import_id, str(error), now)
    finally:
        child.close()
    if _record_of(db, plan.workspace_id, plan.import_id).status in (QUEUED, RUNNING):
        fail_import(db, plan.workspace_id, plan.import_id, f"{name}: the import did not end", now)


def _record(
    _send: Send,
    url: str,
    path: Path,
    plan: ImportRequest,
    by: Principal,
    now: datetime,
    params: dict[str, Any],
) -> int:
    db = Database(url, pooled=False)
    try:
        queue = partial(_add_job, plan.workspace_id, params, now)
        return begin_import(db, path, plan, by=by, now=now, queue=queue)
    finally:
        db.dispose()


def _add_job(
    workspace_id: int, params: dict[str, Any], now: datetime, connection: Connection, import_id: int
) -> int:
    return JobRepository(connection, workspace_id).add(
        IMPORT_RUN, {**params, "import_id": import_id}, now
    )


def _run(
    _send: Send, url: str, path: Path, plan: ImportRequest, by: Principal, now: datetime
) -> str:
    stop_with_parent()  # a worker that dies takes its import with it; the job is taken again
    db = Database(url, pooled=False)
    try:
        return run_import(db, path, plan, by=by, now=now).status
    finally:
        db.dispose()


def _record_of(db: Database, workspace_id: int, import_id: int) -> ImportRecord:
    with reading(db, workspace_id) as uow:
        return uow.imports.get(import_id)


def _by_params(by: Principal) -> dict[str, Any]:
    return {"actor": by.actor.value, "user_id": by.user_id, "token_id": by.token_id}


def _principal(workspace_id: int, params: dict[str, Any]) -> Principal:
    return Principal(workspace_id, Actor(params["actor"]), params["user_id"], params["token_id"])


def _plan_params(plan: ImportRequest) -> dict[str, Any]:
    """The plan as JSON; privacy keys and limits are the worker's own, never stored."""
    mapping = plan.mapping
    return {
        "preset": plan.preset,
        "mapping": None
        if mapping is None
        else {
            "name": mapping.name,
            "preset": mapping.preset,
            "columns": dict(mapping.columns),
            "values": {column: dict(values) for column, values in mapping.values.items()},
            "date_format": mapping.date_format,
            "allow_id_only": mapping.allow_id_only,
        },
        "dry_run": plan.dry_run,
        "campaign_id": plan.campaign_id,
        "stage": plan.stage.value,
        "chunk_rows": plan.chunk_rows,
        "file_name": plan.file_name,
        "list_only": plan.list_only,
        "history": plan.history,
        "allow_id_only": plan.allow_id_only,
    }


def _plan(job: Job, imports: UploadImports, import_id: int) -> ImportRequest:
    params = dict(job.params["plan"])
    mapping = params.pop("mapping")
    return ImportRequest(
        job.workspace_id,
        **params | {"stage": Stage(params["stage"])},
        mapping=MappingFile(**mapping) if mapping is not None else None,
        import_id=import_id,
        privacy=imports.privacy,
        limits=imports.policy.limits,
    )
