"""A full rescore of a workspace: its current fit rules applied to every lead, set-based."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Update, func, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.database import Database, declare_scope
from leadflow.adapters.db.engine import WRITE_OPTION
from leadflow.adapters.db.fit_sql import compile_fit_rules, drop_temp_tables, rescore_update
from leadflow.adapters.db.tables import leads
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.principal import Principal
from leadflow.domain.stages import PROCESSES, Actor
from leadflow.services.scores.auto_mql import check_auto_mql
from leadflow.services.scores.scoring_settings import current_fit_rules, scoring_settings

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
    move_crossing: bool = True,
) -> RescoreResult:
    """Score every lead with the current fit rules, then (unless told not to) move those now
    over the threshold.

    Each range of `chunk_size` lead ids is one UPDATE in its own transaction, so other writers
    wait at most one chunk; leads created meanwhile are scored on creation with the same rules.
    """
    if by.actor not in PROCESSES:
        by.require(Actor.MARKETING)
    with reading(db, workspace_id) as uow:
        rules = current_fit_rules(uow)
    writer = db.engine.execution_options(**{WRITE_OPTION: True})
    with writer.connect() as connection:
        with connection.begin():
            declare_scope(connection, workspace_id)
            compiled = compile_fit_rules(connection, workspace_id, rules.ruleset)
            total, first, last = _extent(connection, workspace_id)
        done = 0
        try:
            for low in range(first, last + 1, chunk_size):
                with connection.begin():
                    declare_scope(connection, workspace_id)
                    done += _updated(
                        connection,
                        rescore_update(
                            compiled, workspace_id, rules.version, low, low + chunk_size - 1
                        ),
                    )
                if progress is not None:
                    progress(done, total)
        finally:
            with connection.begin():
                declare_scope(connection, workspace_id)
                drop_temp_tables(connection, compiled)
    moved = _move_crossing_leads(db, workspace_id, now) if move_crossing else 0
    return RescoreResult(done, rules.version, moved)


def _move_crossing_leads(db: Database, workspace_id: int, now: datetime) -> int:
    with reading(db, workspace_id) as uow:
        threshold = scoring_settings(uow.directory.workspace_config(workspace_id)).threshold
        if threshold is None:
            return 0
        candidates = uow.scoring.threshold_candidates(threshold.min_fit, threshold.min_engagement)
    moved = 0
    for lead_id in candidates:
        with unit_of_work(db, workspace_id) as uow:
            moved += check_auto_mql(uow, lead_id, now=now).move
    return moved


def _updated(connection: Connection, statement: Update) -> int:
    """Run the UPDATE and return how many rows it changed."""
    count = connection.execute(statement).rowcount
    if count < 0:  # the sqlite3 module counts no statement that starts with WITH
        count = int(connection.exec_driver_sql("SELECT changes()").scalar_one())
    return count


def _extent(connection: Connection, workspace_id: int) -> tuple[int, int, int]:
    """How many leads the workspace has, and its lowest and highest lead id."""
    row = connection.execute(
        select(func.count(), func.min(leads.c.id), func.max(leads.c.id)).where(
            leads.c.workspace_id == workspace_id
        )
    ).one()
    return int(row[0]), int(row[1] or 0), int(row[2] or -1)
