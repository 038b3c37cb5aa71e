"""Cold start: a workspace with little history scores its leads from fit and engagement, from
a model pooled across the installation's workspaces that share their history if it does too."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import update

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import leads
from leadflow.adapters.ml.cold_start import ColdStartModel
from leadflow.domain.predictive_history import Target
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.services.prediction.predictive import train_workspace
from leadflow.services.prediction.predictive_scoring import score_workspace
from tests.factories import NOW, Tenant
from tests.integration.predictive_history import add_lead, configure, scores_of


def _leads(db: Database, tenant: Tenant, prefix: str, count: int, *, stage_of: object) -> list[int]:
    """Leads with fit scores 0..99 spread out; `stage_of(fit)` says where each one is."""
    ids = []
    for index in range(count):
        fit = (index * 37) % 100
        lead_id = add_lead(
            db, tenant.id, f"{prefix}{index}", stage=stage_of(fit),  # type: ignore[operator]
            at=NOW - timedelta(days=count - index), source="web",
        )  # fmt: skip
        with db.transaction() as connection:
            connection.execute(update(leads).where(leads.c.id == lead_id).values(fit_score=fit))
        ids.append(lead_id)
    return ids


def _share(db: Database, tenant: Tenant) -> None:
    configure(db, tenant.id, by=tenant.principal(Role.ADMIN), pool=True)


def _train(db: Database, tenant: Tenant) -> dict[Target, ColdStartModel]:
    models = train_workspace(
        db, tenant.id, by=Principal.process(tenant.id, Actor.AUTOMATIC), now=NOW
    )
    loaded = {model.target: model.load() for model in models}
    assert all(isinstance(model, ColdStartModel) for model in loaded.values())
    return loaded  # type: ignore[return-value]


def _fit_decides(fit: int) -> Stage:
    """In the sharing workspace, a lead with a fit score above 60 is won, any other lost."""
    return Stage.WON if fit > 60 else Stage.LOST


def test_a_new_workspace_scores_every_open_lead_differently_with_its_factors(
    db: Database, tenant: Tenant
) -> None:
    _leads(db, tenant, "closed", 8, stage_of=lambda fit: Stage.LOST)
    open_ids = _leads(db, tenant, "open", 12, stage_of=lambda fit: Stage.MQL)
    by = Principal.process(tenant.id, Actor.AUTOMATIC)

    _train(db, tenant)
    score_workspace(db, tenant.id, by=by, now=NOW)

    scores = scores_of(db, tenant.id, open_ids)
    sql = [scores[lead_id].targets[Target.SQL] for lead_id in open_ids]
    assert len({round(score.probability, 6) for score in sql}) > 6
    assert all(score.factors and score.factors[0].field == "lead.fit_score" for score in sql if
               score.factors[0].contribution != 0)  # fmt: skip


def test_a_sharing_workspace_starts_from_the_pooled_model_of_the_others_that_share(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    _leads(db, other_tenant, "pooled", 200, stage_of=_fit_decides)
    _share(db, other_tenant)
    _leads(db, tenant, "own", 10, stage_of=lambda fit: Stage.LOST)
    alone = _train(db, tenant)[Target.WON]

    _share(db, tenant)
    pooled = _train(db, tenant)[Target.WON]

    assert alone.pooled_from == 0
    assert pooled.pooled_from == 200
    # The pool learned that fit decides; the workspace's own ten lost leads lower the odds of all.
    assert pooled.weights["lead.fit_score"] > 2 * alone.weights["lead.fit_score"] > 0
    two = [{"lead.fit_score": 95}, {"lead.fit_score": 5}]
    high, low = pooled.predict_proba(two)
    alone_high, alone_low = alone.predict_proba(two)
    assert high - low > 0.2 > alone_high - alone_low


def test_a_workspace_that_does_not_share_never_reads_the_others(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    _leads(db, tenant, "pooled", 200, stage_of=_fit_decides)
    _share(db, tenant)
    _leads(db, other_tenant, "own", 10, stage_of=lambda fit: Stage.LOST)

    model = _train(db, other_tenant)[Target.WON]

    assert model.pooled_from == 0
    stored = json.loads(model.to_bytes())
    assert stored["state"]["pooled_from"] == 0
