"""Scoring a workspace's open leads with its current models, in batches of lead ids.

Each batch is read in a read transaction, scored outside any transaction and written in one
short write transaction that replaces the stored scores of its id range. With several
workers, the batches are shared out among new worker processes, one database connection each.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress, repeat

import numpy as np

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.driver_io import bind_value
from leadflow.adapters.db.lead_features import (
    ReferencedRows,
    StoredLeads,
    open_lead_ids,
    open_leads,
    read_leads,
)
from leadflow.adapters.db.predictions import PredictionRepository, ScoreRow, StoredModel
from leadflow.adapters.db.tables import predictive_scores
from leadflow.adapters.ml import LeadModel
from leadflow.adapters.ml.base import model_fields
from leadflow.adapters.ml.factors import FactorTexts, score_with_factors
from leadflow.domain.errors import InvalidInput, ModelNotTrained
from leadflow.domain.predictive_history import SCORED_STAGES, Target
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor

BATCH_SIZE = 25_000
MAX_WORKERS = 16
PhaseHook = Callable[[str], None]
"""Told "read", "compute" and "write" as each phase begins (for progress and benchmarks)."""
Window = tuple[int, int | None]


@dataclass(frozen=True)
class Tally:
    """How many leads (a share of) a run scored: in all, and for each target."""

    scored: int = 0
    per_target: Mapping[Target, int] = field(default_factory=dict)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.scored + other.scored,
            {t: self.per_target.get(t, 0) + other.per_target.get(t, 0) for t in Target},
        )


@dataclass(frozen=True)
class ScoringRun:
    """What a scoring run did: how many open leads it scored (in all and for each target), in
    how many write batches."""

    scored: int
    per_target: Mapping[Target, int]
    batches: int
    models: Mapping[Target, StoredModel]


def score_workspace(
    db: Database,
    workspace_id: int,
    *,
    by: Principal,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    workers: int = 1,
    on_phase: PhaseHook | None = None,
) -> ScoringRun:
    """Score every open lead with the current models; scores of closed leads are removed."""
    by.require(Actor.AUTOMATIC)
    if not 1 <= workers <= MAX_WORKERS:
        raise InvalidInput(f"workers must be 1 to {MAX_WORKERS}", field="workers")
    if batch_size < 1:
        raise InvalidInput("a batch holds at least one lead", field="batch_size")
    with db.reading() as connection:
        stored = PredictionRepository(connection, workspace_id).current_models()
    if not stored:
        raise ModelNotTrained()
    report_phase(on_phase, "read")
    with db.reading() as connection:
        windows = _windows(open_lead_ids(connection, workspace_id), batch_size)
    if workers == 1 or len(windows) == 1:
        tally = _Job(workspace_id, stored, now).run(db, windows, on_phase)
    else:
        url = db.engine.url.render_as_string(hide_password=False)
        shares = [
            Share(url, workspace_id, stored, now, windows[index::workers])
            for index in range(workers)
        ]
        tally = _score_in_processes(shares)
    return ScoringRun(tally.scored, tally.per_target, len(windows), stored)


def default_workers() -> int:
    """One scoring process per CPU core this process may run on."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS))


def _windows(ids: Sequence[int], batch_size: int) -> list[Window]:
    """Id ranges (after, up_to] of batch_size open leads each; the last one is open-ended, so
    that the scores of leads closed since the last run above it go too."""
    ends: list[int | None] = [*ids[batch_size - 1 :: batch_size], None]
    if len(ends) > 1 and ends[-2] == ids[-1]:
        ends.pop(-2)
    starts = [0, *(end for end in ends[:-1] if end is not None)]
    return list(zip(starts, ends, strict=True))


@dataclass(frozen=True)
class Share:
    """A worker process's part of a scoring run: its id windows, and what it needs to score."""

    url: str
    workspace_id: int
    stored: Mapping[Target, StoredModel]
    now: datetime
    windows: Sequence[Window]


def score_share(share: Share) -> Tally:
    """Score a share of a run on a connection of its own; how many leads it scored."""
    db = Database(share.url)
    try:
        return _Job(share.workspace_id, share.stored, share.now).run(db, share.windows, None)
    finally:
        db.dispose()


def _score_in_processes(shares: Sequence[Share]) -> Tally:
    """Run each share in a new Python process of a pool that starts them by spawning.

    New processes rather than forks of this one: a fork copies the locks that other threads
    may hold at that moment (SQLite's, the connection pool's) and can hang for ever. A share
    goes to its process pickled through a pipe (the address of the database is never put on a
    command line), and its Tally comes back the same way; a failed share fails the run.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(shares), mp_context=context) as pool:
        tallies = list(pool.map(score_share, shares))
    return sum(tallies, Tally())


class _Job:
    """One scoring run's models and fields, and what it keeps between batches."""

    def __init__(self, workspace_id: int, stored: Mapping[Target, StoredModel], now: datetime):
        self.workspace_id = workspace_id
        self.stored = stored
        self.now = now
        self.models: dict[Target, LeadModel] = {t: m.load() for t, m in stored.items()}
        self.texts = {target: FactorTexts(model) for target, model in self.models.items()}
        self.referenced = ReferencedRows()
        names = {name for model in self.models.values() for name in model_fields(model)}
        self.fields = sorted(names)

    def run(self, db: Database, windows: Sequence[Window], on_phase: PhaseHook | None) -> Tally:
        stamp = bind_value(db.engine.dialect, predictive_scores, "scored_at", self.now)
        tally = Tally()
        for index, (after, up_to) in enumerate(windows):
            if index:
                report_phase(on_phase, "read")
            with db.reading() as connection:
                batch = read_leads(
                    connection,
                    self.workspace_id,
                    fields=self.fields,
                    where=[open_leads()],
                    after_id=after,
                    up_to_id=up_to,
                    times=False,
                    referenced=self.referenced,
                )
            report_phase(on_phase, "compute")
            rows, per_target = self.rows(batch, stamp)
            report_phase(on_phase, "write")
            with db.transaction() as connection:
                PredictionRepository(connection, self.workspace_id).replace_scores(
                    rows, after_id=after, up_to_id=up_to
                )
            tally += Tally(len(rows), per_target)
        return tally

    def rows(self, batch: StoredLeads, stamp: object) -> tuple[list[ScoreRow], dict[Target, int]]:
        """One row per lead with a score for at least one target, in SCORE_COLUMNS order, and
        how many leads got a score for each target."""
        size = len(batch.ids)
        stages = np.array(batch.stages, dtype=object)
        columns: list[list[object]] = []
        scored_any = np.zeros(size, dtype=bool)
        per_target: dict[Target, int] = {}
        for target in Target:
            if target not in self.models:
                columns += [[None] * size] * 3
                continue
            result = score_with_factors(
                self.models[target], batch.records, texts=self.texts[target]
            )
            keep = np.isin(stages, list(SCORED_STAGES[target]))
            scored_any |= keep
            per_target[target] = int(keep.sum())
            for values in (result.probabilities, result.factors, [self.stored[target].id] * size):
                held = np.array(values, dtype=object)
                held[~keep] = None
                columns.append(held.tolist())
        rows = zip(
            batch.ids, repeat(self.workspace_id, size), *columns, repeat(stamp, size), strict=True
        )
        return list(compress(rows, scored_any.tolist())), per_target


def report_phase(on_phase: PhaseHook | None, phase: str) -> None:
    if on_phase is not None:
        on_phase(phase)
