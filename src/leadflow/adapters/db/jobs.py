"""Background jobs: queued by the API, claimed with a lease by a worker, with progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import background_jobs
from leadflow.domain.errors import NotFound

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


@dataclass(frozen=True)
class Job:
    id: int
    workspace_id: int
    kind: str
    status: str
    params: dict[str, Any]
    progress: int
    total: int | None
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobRepository:
    """Jobs of one workspace, as the API sees them."""

    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add(self, kind: str, params: dict[str, Any], now: datetime) -> int:
        result = self.connection.execute(
            insert(background_jobs).values(
                workspace_id=self.workspace_id,
                kind=kind,
                status=QUEUED,
                params=params,
                progress=0,
                created_at=now,
            )
        )
        return inserted_id(result)

    def get(self, job_id: int) -> Job:
        row = self.connection.execute(
            select(background_jobs).where(
                background_jobs.c.workspace_id == self.workspace_id,
                background_jobs.c.id == job_id,
            )
        ).first()
        if row is None:
            raise NotFound("job", job_id)
        return _job(row)

    def unfinished(self, kind: str) -> Job | None:
        row = self.connection.execute(
            select(background_jobs)
            .where(
                background_jobs.c.workspace_id == self.workspace_id,
                background_jobs.c.kind == kind,
                background_jobs.c.status.in_([QUEUED, RUNNING]),
            )
            .order_by(background_jobs.c.id)
            .limit(1)
        ).first()
        return _job(row) if row is not None else None


class JobQueue:
    """Jobs of every workspace, as a worker sees them."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def claim(self, now: datetime, *, lease_until: datetime, token: str) -> Job | None:
        """The oldest queued job, or a running one whose worker's lease ran out."""
        query = (
            select(background_jobs.c.id)
            .where(
                or_(
                    background_jobs.c.status == QUEUED,
                    and_(
                        background_jobs.c.status == RUNNING,
                        background_jobs.c.lease_until < now,
                    ),
                )
            )
            .order_by(background_jobs.c.id)
            .limit(1)
        )
        if self.connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job_id = self.connection.execute(query).scalar()
        if job_id is None:
            return None
        self.connection.execute(
            update(background_jobs)
            .where(background_jobs.c.id == job_id)
            .values(
                status=RUNNING,
                claim_token=token,
                lease_until=lease_until,
                started_at=now,
                progress=0,
            )
        )
        row = self.connection.execute(
            select(background_jobs).where(background_jobs.c.id == job_id)
        ).one()
        return _job(row)

    def unfinished(self, kind: str) -> list[Job]:
        """Jobs of this kind, of every workspace, waiting or running."""
        rows = self.connection.execute(
            select(background_jobs)
            .where(
                background_jobs.c.kind == kind,
                background_jobs.c.status.in_([QUEUED, RUNNING]),
            )
            .order_by(background_jobs.c.id)
        )
        return [_job(row) for row in rows]

    def report(
        self, job_id: int, token: str, *, progress: int, total: int, lease_until: datetime
    ) -> bool:
        """Record progress and extend the lease; False when another worker took the job."""
        return self._change(job_id, token, progress=progress, total=total, lease_until=lease_until)

    def finish(
        self,
        job_id: int,
        token: str,
        *,
        now: datetime,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> bool:
        return self._change(
            job_id,
            token,
            status=FAILED if error else DONE,
            result=result,
            error=error,
            finished_at=now,
            lease_until=None,
        )

    def _change(self, job_id: int, token: str, **values: object) -> bool:
        changed = self.connection.execute(
            update(background_jobs)
            .where(background_jobs.c.id == job_id, background_jobs.c.claim_token == token)
            .values(**values)
        ).rowcount
        return changed == 1


def _job(row: Any) -> Job:
    return Job(
        row.id,
        row.workspace_id,
        row.kind,
        row.status,
        dict(row.params or {}),
        row.progress,
        row.total,
        dict(row.result) if row.result is not None else None,
        row.error,
        row.created_at,
        row.started_at,
        row.finished_at,
    )
