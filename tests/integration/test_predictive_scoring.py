"""Scoring a workspace's open leads, explaining one lead, and leaving the database writable."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import update

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import workspaces
from leadflow.adapters.db.uow import unit_of_work
from leadflow.domain.errors import LeadNotFound, ModelNotTrained
from leadflow.domain.predictive_history import Target
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.services.lifecycle.moves import move_lead
from leadflow.services.prediction.predictive import train_workspace
from leadflow.services.prediction.predictive_scoring import ScoringRun, score_workspace
from tests.factories import NOW, Tenant
from tests.integration.predictive_history import History, add_history, prediction_of, scores_of


@pytest.fixture
def history(db: Database, tenant: Tenant) -> History:
    history = add_history(db, tenant.id, NOW, closed=70, open_count=12)
    train_workspace(db, tenant.id, by=Principal(tenant.id, Actor.ADMIN), now=NOW)
    return history


def _score(db: Database, tenant: Tenant, **options: object) -> ScoringRun:
    return score_workspace(db, tenant.id, by=Principal(tenant.id, Actor.ADMIN), now=NOW, **options)  # type: ignore[arg-type]


def test_every_open_lead_gets_a_score_and_closed_leads_get_none(
    db: Database, tenant: Tenant, history: History
) -> None:
    _score(db, tenant)

    scores = scores_of(db, tenant.id, history.open_ids + history.closed_ids)
    assert set(history.open_ids) <= set(scores)
    for lead_id in history.open_ids:
        assert 0 < scores[lead_id].targets[Target.SQL].probability < 1
        assert len(scores[lead_id].targets[Target.SQL].factors) <= 3
    for lead_id in set(history.closed_ids) & set(scores):
        # a lead in sql has reached one target and still awaits the other
        assert set(scores[lead_id].targets) == {Target.WON}


def test_a_lead_that_closes_loses_its_score_at_the_next_run(
    db: Database, tenant: Tenant, history: History
) -> None:
    _score(db, tenant)
    lead_id = next(
        i for i in history.open_ids if prediction_of(db, tenant.id, i).stage is Stage.MQL
    )
    with unit_of_work(db, tenant.id) as uow:
        move_lead(
            uow, lead_id, Stage.DISQUALIFIED, by=tenant.principal(Role.SALES), now=NOW,
            reason="no_fit",
        )  # fmt: skip

    _score(db, tenant)

    assert lead_id not in scores_of(db, tenant.id, [lead_id])


def test_scoring_in_small_batches_stores_the_same_scores_as_in_one(
    db: Database, tenant: Tenant, history: History
) -> None:
    _score(db, tenant)
    at_once = scores_of(db, tenant.id, history.open_ids)

    _score(db, tenant, batch_size=5)

    assert scores_of(db, tenant.id, history.open_ids) == at_once


def test_scoring_in_two_worker_processes_stores_the_same_scores_as_in_one(
    db: Database, tenant: Tenant, history: History
) -> None:
    in_one = _score(db, tenant, batch_size=4)
    alone = scores_of(db, tenant.id, history.open_ids)

    in_two = _score(db, tenant, batch_size=4, workers=2)

    assert scores_of(db, tenant.id, history.open_ids) == alone
    assert (in_two.scored, in_two.per_target) == (in_one.scored, in_one.per_target)
    assert in_two.per_target[Target.SQL] == len(history.open_ids)


def test_the_explanation_of_a_score_adds_up_to_the_stored_score(
    db: Database, tenant: Tenant, history: History
) -> None:
    _score(db, tenant)

    for lead_id in history.open_ids:
        prediction = prediction_of(db, tenant.id, lead_id, top=2)
        assert prediction.stored is not None
        for target_prediction in prediction.predictions:
            explanation = target_prediction.explanation
            log_odds = explanation.base + explanation.rest
            log_odds += sum(factor.contribution for factor in explanation.factors)
            probability = 1 / (1 + math.exp(-log_odds))
            stored = prediction.stored.targets.get(target_prediction.target)
            assert probability == pytest.approx(target_prediction.probability, abs=1e-12)
            if stored is not None:
                assert stored.probability == pytest.approx(probability, abs=1e-12)


def test_training_and_scoring_leave_the_database_open_to_other_writers_while_computing(
    db: Database, tenant: Tenant, history: History
) -> None:
    other = Database(db.engine.url.render_as_string(hide_password=False))
    phases: list[str] = []

    def write_meanwhile(phase: str) -> None:
        phases.append(phase)
        if phase != "compute":
            return
        with other.engine.connect() as connection:
            if other.backend == "sqlite":
                # fail at once, instead of waiting, if anyone held the write lock
                connection.exec_driver_sql("PRAGMA busy_timeout = 0")
                connection.commit()
            connection.execute(
                update(workspaces).where(workspaces.c.id == tenant.id).values(name="renamed")
            )
            connection.commit()

    try:
        train_workspace(
            db, tenant.id, by=Principal(tenant.id, Actor.ADMIN), now=NOW, on_phase=write_meanwhile
        )
        _score(db, tenant, batch_size=5, on_phase=write_meanwhile)
    finally:
        other.dispose()

    assert phases == ["read", "compute", "write"] * (len(phases) // 3)
    assert len(phases) // 3 >= 1 + len(history.open_ids) // 5


def test_scoring_or_explaining_before_any_training_says_so(db: Database, tenant: Tenant) -> None:
    lead_ids = add_history(db, tenant.id, NOW, closed=0, open_count=1).open_ids

    with pytest.raises(ModelNotTrained, match="train one first"):
        _score(db, tenant)
    with pytest.raises(ModelNotTrained):
        prediction_of(db, tenant.id, lead_ids[0])


def test_another_workspaces_lead_cannot_be_explained(
    db: Database, tenant: Tenant, other_tenant: Tenant, history: History
) -> None:
    with pytest.raises(LeadNotFound):
        prediction_of(db, other_tenant.id, history.open_ids[0])
