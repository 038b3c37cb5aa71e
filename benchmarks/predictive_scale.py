"""Scale of predictive scoring: train on 100,000 closed leads, score 1,000,000 open leads.

Each is measured against the raw time to read the same leads with the driver (the least any
scoring from the database can take), in the same run. A second writer commits every 50 ms
throughout, on its own connection: the longest it had to wait shows how long leadflow held
the write lock at a time.

    .venv/bin/python -m benchmarks.predictive_scale [--open 1000000] [--closed 100000]
        [--seed 7] [--database URL]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import ColumnElement, select, update

from benchmarks.predictive_data import NOW, SLUG, build
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.driver_io import unindexed
from leadflow.adapters.db.lead_features import closed_leads, open_leads
from leadflow.adapters.db.tables import accounts, campaigns, contacts, leads, workspaces
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.prediction.predictive import train_workspace
from leadflow.services.prediction.predictive_scoring import score_workspace

T = TypeVar("T")


class Phases:
    """Seconds spent reading, computing and writing, from the services' phase reports."""

    def __init__(self) -> None:
        self.seconds = {"read": 0.0, "compute": 0.0, "write": 0.0}
        self.phase: str | None = None
        self.since = time.perf_counter()

    def __call__(self, phase: str) -> None:
        self.finish()
        self.phase = phase

    def finish(self) -> None:
        now = time.perf_counter()
        if self.phase is not None:
            self.seconds[self.phase] += now - self.since
        self.since = now

    def __str__(self) -> str:
        return ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in self.seconds.items())


class Writer(threading.Thread):
    """Commits a small update every 50 ms on its own connection and records the longest wait."""

    def __init__(self, url: str, workspace_id: int) -> None:
        super().__init__(daemon=True)
        self.db = Database(url)
        self.workspace_id = workspace_id
        self.commits = 0
        self.longest = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            started = time.perf_counter()
            with self.db.transaction() as connection:
                connection.execute(
                    update(workspaces)
                    .where(workspaces.c.id == self.workspace_id)
                    .values(name=f"Scale GmbH {self.commits}")
                )
            self.longest = max(self.longest, time.perf_counter() - started)
            self.commits += 1


@contextmanager
def concurrent_writer(url: str, workspace_id: int) -> Iterator[Writer]:
    writer = Writer(url, workspace_id)
    writer.start()
    try:
        yield writer
    finally:
        writer.stop.set()
        writer.join()
        writer.db.dispose()


def raw_read_seconds(
    db: Database, workspace_id: int, where: ColumnElement[bool]
) -> tuple[float, int]:
    """Fetch the leads' feature columns through the driver, without any processing.

    The workspace condition is kept out of the indexes (`+workspace_id` on SQLite), so that
    SQLite reads the table in id order: the fastest plan when one workspace fills the file.
    """
    query = (
        select(
            leads.c.id,
            leads.c.stage,
            leads.c.source,
            campaigns.c.name,
            campaigns.c.channel,
            leads.c.fit_score,
            leads.c.extras,
            contacts.c.seniority,
            contacts.c.job_title,
            contacts.c.email,
            accounts.c.industry,
            accounts.c.employees,
            accounts.c.country,
        )  # fmt: skip
        .select_from(
            leads.join(contacts, contacts.c.id == leads.c.contact_id)
            .outerjoin(accounts, accounts.c.id == leads.c.account_id)
            .outerjoin(campaigns, campaigns.c.id == leads.c.campaign_id)
        )
        .where(unindexed(leads.c.workspace_id) == workspace_id, where)
    )
    started = time.perf_counter()
    with db.engine.connect() as connection:
        compiled = query.compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        cursor = connection.connection.cursor()
        params = compiled.params
        if compiled.positiontup is not None:
            cursor.execute(str(compiled), [params[name] for name in compiled.positiontup])
        else:
            cursor.execute(str(compiled), params)
        count = len(cursor.fetchall())
        cursor.close()
    return time.perf_counter() - started, count


def existing_workspace(db: Database) -> int | None:
    with db.reading() as connection:
        found = connection.execute(select(workspaces.c.id).where(workspaces.c.slug == SLUG))
        workspace_id = found.scalar()
    return int(workspace_id) if workspace_id is not None else None


def timed(run: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def waits(writer: Writer) -> str:
    return f"{writer.commits} commits meanwhile, longest wait {writer.longest * 1000:.0f} ms"


def benchmark_training(db: Database, url: str, workspace_id: int) -> None:
    admin = Principal(workspace_id, Actor.ADMIN)
    where = closed_leads(workspace_id, NOW - timedelta(days=90))
    raw, count = raw_read_seconds(db, workspace_id, where)
    phases = Phases()
    with concurrent_writer(url, workspace_id) as writer:
        seconds, models = timed(
            lambda: train_workspace(db, workspace_id, by=admin, now=NOW, on_phase=phases)
        )
    phases.finish()
    print(f"\ntraining on {count:,} closed leads: {seconds:.1f} s")
    print(f"  baseline, raw read of the same rows: {raw:.2f} s (ratio {seconds / raw:.1f})")
    print(f"  phases: {phases}")
    for model in models:
        print(f"  {model.target}: {model.model_name} on {model.training_size:,}; {model.reason}")
    print(f"  other writer: {waits(writer)}")


def benchmark_scoring(db: Database, url: str, workspace_id: int, workers: int) -> None:
    admin = Principal(workspace_id, Actor.ADMIN)
    raw, count = raw_read_seconds(db, workspace_id, open_leads())
    phases = Phases()
    hook = phases if workers == 1 else None
    with concurrent_writer(url, workspace_id) as writer:
        seconds, run = timed(
            lambda: score_workspace(
                db, workspace_id, by=admin, now=NOW, workers=workers, on_phase=hook
            )
        )
    phases.finish()
    print(
        f"\nscoring {count:,} open leads (P(sql), P(won), 3 top factors each), "
        f"{workers} worker process{'es' if workers > 1 else ''}: {seconds:.1f} s"
    )
    print(f"  baseline, raw read of the same rows: {raw:.2f} s (ratio {seconds / raw:.1f})")
    if hook is not None:
        print(f"  phases: {phases}")
    print(f"  {run.scored:,} scores written in {run.batches} write transactions")
    print(f"  other writer: {waits(writer)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--open", type=int, default=1_000_000, dest="open_count")
    parser.add_argument("--closed", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database",
        help="a database to fill (default: a temporary SQLite); one that holds the workspace "
        "'scale' from an earlier run is measured again as it is",
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadflow-scale-") as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'scale.db'}"
        db = Database(url)
        db.upgrade()
        found = existing_workspace(db)
        if found is None:
            seconds, workspace_id = timed(
                lambda: build(
                    db, open_leads=args.open_count, closed_leads=args.closed, seed=args.seed
                )
            )
            print(f"{db.backend}: generated {args.open_count:,} open, {args.closed:,} closed leads")
            print(f"  in {seconds:.1f} s (seed {args.seed})")
        else:
            workspace_id = found
            print(f"{db.backend}: measuring the workspace '{SLUG}' of an earlier run again")
        print(f"  load average before measuring: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
        benchmark_training(db, url, workspace_id)
        for workers in args.workers:
            benchmark_scoring(db, url, workspace_id, workers)
        print(f"\nload average at the end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
        db.dispose()


if __name__ == "__main__":
    main()
