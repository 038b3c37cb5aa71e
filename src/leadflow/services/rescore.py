"""A full rescore of a workspace: its current fit rules applied to every lead, set-based."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.engine import WRITE_OPTION
from leadflow.adapters.db.fit_sql import compile_fit_rules, drop_temp_tables, rescore_update
from leadflow.adapters.db.scoring import ScoringRepository
from leadflow.adapters.db.tables import leads
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.principal import Principal
from leadflow.domain.stages import PROCESSES, Actor
from leadflow.services.auto_mql import check_auto_mql
from leadflow.services.scoring_settings import current_fit_rules, scoring_settings

CHUNK_SIZE = 50_000

Progress = Callable[[int, int], None]
"""Called with (leads scored so far, leads in the workspace) after every chunk."""


@dataclass(frozen=True)
class RescoreResult:
    leads: int
    rules_version: int | None
    moved_to_mql: int


def rescore_workspace(
    db: Database,
    workspace_id: int,
    *,
    by: Principal,
    now: datetime,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> RescoreResult:
    """Score every lead with the current fit rules, then move those now over the threshold.

    Each chunk of leads is one UPDATE in its own transaction, so other writers wait at most
    one chunk; leads created meanwhile are scored on creation with the same rules.
    """
    if by.actor not in PROCESSES:
        by.require(Actor.MARKETING)
    with reading(db, workspace_id) as uow:
        rules = current_fit_rules(uow)
    writer = db.engine.execution_options(**{WRITE_OPTION: True})
    with writer.connect() as connection:
        with connection.begin():
            compiled = compile_fit_rules(connection, workspace_id, rules.ruleset)
            chunks = _chunks(connection, workspace_id, chunk_size)
        total = sum(size for _, _, size in chunks)
        done = 0
        try:
            for first, last, size in chunks:
                with connection.begin():
                    connection.execute(
                        rescore_update(compiled, workspace_id, rules.version, first, last)
                    )
                done += size
                if progress is not None:
                    progress(done, total)
        finally:
            with connection.begin():
                drop_temp_tables(connection, compiled)
    return RescoreResult(done, rules.version, _move_crossing_leads(db, workspace_id, now))


def _move_crossing_leads(db: Database, workspace_id: int, now: datetime) -> int:
    with reading(db, workspace_id) as uow:
        threshold = scoring_settings(uow.directory.workspace_config(workspace_id)).threshold
        if threshold is None:
            return 0
        candidates = ScoringRepository(uow.connection, workspace_id).threshold_candidates(
            threshold.min_fit, threshold.min_engagement
        )
    moved = 0
    for lead_id in candidates:
        with unit_of_work(db, workspace_id) as uow:
            moved += check_auto_mql(uow, lead_id, now=now).move
    return moved


def _chunks(connection: Connection, workspace_id: int, size: int) -> list[tuple[int, int, int]]:
    """Id ranges of the workspace's leads holding `size` leads each (the last one fewer)."""
    ids = connection.execute(
        select(leads.c.id).where(leads.c.workspace_id == workspace_id).order_by(leads.c.id)
    ).scalars()
    ranges: list[tuple[int, int, int]] = []
    first = last = None
    count = 0
    for lead_id in ids:
        if first is None:
            first = lead_id
        last = lead_id
        count += 1
        if count == size:
            ranges.append((first, last, count))
            first, count = None, 0
    if first is not None and last is not None:
        ranges.append((first, last, count))
    return ranges
