"""Closed and open leads for predictive tests, made through the lead service as an import."""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.predictions import StoredModel, StoredScore
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Stage
from leadflow.services.prediction.prediction_views import (
    LeadPrediction,
    configure_predictive,
    current_models,
    lead_prediction,
    stored_scores,
)
from tests.factories import enter_lead_as

SOURCES = ("webinar", "trade fair", "ads")
TITLES = ("Geschäftsführer", "Einkaufsleiter", "Werkstudent")


@dataclass(frozen=True)
class History:
    closed: int
    open_ids: list[int]
    closed_ids: list[int]


def add_lead(
    db: Database,
    workspace_id: int,
    name: str,
    *,
    stage: Stage,
    at: datetime,
    source: str | None = None,
    extras: dict[str, str] | None = None,
    free_mail: bool = False,
    job_title: str | None = None,
) -> int:
    domain = "gmail.com" if free_mail else f"{name}.example"
    created = enter_lead_as(
        db,
        Principal.process(workspace_id, Actor.IMPORT),
        at=at,
        email=f"{name}@{domain}",
        last_name=name.title(),
        source=source,
        job_title=job_title,
        stage=stage,
        extras=extras or {},
    )
    lead_id = created.details.lead.id
    assert lead_id is not None and not created.merged
    return lead_id


def add_history(
    db: Database,
    workspace_id: int,
    now: datetime,
    *,
    closed: int = 80,
    open_count: int = 12,
    prefix: str = "lead",
    seed: int = 1,
) -> History:
    """Closed leads where webinars and company e-mail make sql and won likelier, then open ones."""
    rng = random.Random(seed)
    open_ids: list[int] = []
    closed_ids: list[int] = []
    for index in range(closed + open_count):
        source = rng.choice(SOURCES)
        free_mail = rng.random() < 0.4
        chance = 0.15 + 0.45 * (source == "webinar") - 0.1 * free_mail
        if index >= closed:
            stage = rng.choice((Stage.MQL, Stage.SAL, Stage.PROSPECT))
        elif rng.random() < chance:
            stage = rng.choice((Stage.SQL, Stage.WON))
        else:
            stage = rng.choice((Stage.LOST, Stage.DISQUALIFIED))
        lead_id = add_lead(
            db,
            workspace_id,
            f"{prefix}{index}",
            stage=stage,
            at=now - timedelta(days=300 - index),
            source=source,
            free_mail=free_mail,
            job_title=rng.choice(TITLES),
            extras={"Budget band": rng.choice(("low", "high")), "Lead Quality": "High"},
        )
        (open_ids if index >= closed else closed_ids).append(lead_id)
    return History(closed, open_ids, closed_ids)


def models_of(db: Database, workspace_id: int) -> list[StoredModel]:
    """The workspace's current models, read as the API reads them."""
    with reading(db, workspace_id) as uow:
        return current_models(uow)


def scores_of(db: Database, workspace_id: int, lead_ids: Collection[int]) -> dict[int, StoredScore]:
    """The stored predictive scores of these leads."""
    with reading(db, workspace_id) as uow:
        return stored_scores(uow, lead_ids)


def prediction_of(db: Database, workspace_id: int, lead_id: int, *, top: int = 5) -> LeadPrediction:
    """One lead's prediction with its factors."""
    with reading(db, workspace_id) as uow:
        return lead_prediction(uow, lead_id, top=top)


def configure(db: Database, workspace_id: int, *, by: Principal, **settings: Any) -> None:
    """Change the workspace's predictive settings in a unit of work of its own."""
    in_unit_of_work(db, workspace_id, lambda uow: configure_predictive(uow, by=by, **settings))
