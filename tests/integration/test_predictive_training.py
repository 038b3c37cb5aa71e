"""Training on a workspace's own closed leads, and what the stored models read."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.lead_features import ReferencedRows, lead_with_id, read_leads
from leadflow.adapters.db.predictions import StoredModel
from leadflow.adapters.db.uow import unit_of_work
from leadflow.adapters.ml import evaluate
from leadflow.adapters.ml.base import model_fields
from leadflow.adapters.ml.storage import CANDIDATES
from leadflow.domain.engagement import TouchType
from leadflow.domain.errors import PermissionDenied
from leadflow.domain.predictive_history import Target
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.services.intake.touches import record_touch
from leadflow.services.lifecycle.moves import move_lead
from leadflow.services.prediction.predictive import read_history, train_workspace, training_set
from tests.factories import NOW, Tenant, new_campaign, new_lead
from tests.integration.predictive_history import add_history, add_lead, configure, models_of

ADMIN = Actor.ADMIN


def _train(db: Database, tenant: Tenant) -> dict[Target, bytes]:
    models = train_workspace(db, tenant.id, by=Principal(tenant.id, ADMIN), now=NOW)
    return {model.target: model.data for model in models}


def test_training_stores_a_model_per_target_learned_from_closed_leads_only(
    db: Database, tenant: Tenant
) -> None:
    history = add_history(db, tenant.id, NOW, closed=80, open_count=15)

    _train(db, tenant)

    models = {model.target: model for model in models_of(db, tenant.id)}
    assert set(models) == {Target.SQL, Target.WON}
    assert models[Target.SQL].training_size == history.closed
    assert models[Target.WON].training_size < history.closed  # leads still in sql are open
    assert models[Target.SQL].model_name in CANDIDATES
    assert 0 < models[Target.SQL].positives < history.closed
    assert "lead.source" in model_fields(models[Target.SQL].load())
    assert models[Target.SQL].validation[models[Target.SQL].model_name]["auc"] > 0


def test_a_workspace_never_trains_on_another_workspaces_leads(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    add_history(db, tenant.id, NOW, prefix="acme")
    alone = _train(db, tenant)
    for index in range(40):
        add_lead(
            db,
            other_tenant.id,
            f"globex{index}",
            stage=Stage.WON if index % 2 else Stage.LOST,
            at=NOW - timedelta(days=index + 1),
            source="globex only source",
            extras={"Budget band": "globex band"},
        )

    beside_another = _train(db, tenant)

    assert beside_another == alone
    assert b"globex" not in beside_another[Target.SQL]
    others = {model.target: model for model in models_of(db, other_tenant.id)}
    assert others == {}


def test_leakage_fields_and_excluded_fields_are_never_read_by_a_model(
    db: Database, tenant: Tenant
) -> None:
    add_history(db, tenant.id, NOW)
    configure(db, tenant.id, by=tenant.principal(Role.ADMIN), exclude=["Budget band"])

    models = _train(db, tenant)

    for data in models.values():
        assert b"Lead Quality" not in data
        assert b"Budget band" not in data


def test_a_lead_nurtured_longer_than_the_set_age_counts_as_not_converted(
    db: Database, tenant: Tenant
) -> None:
    add_history(db, tenant.id, NOW)
    add_lead(db, tenant.id, "sleeper", stage=Stage.NURTURE, at=NOW - timedelta(days=50))
    before = {m.target: m.training_size for m in models_of(db, tenant.id)}
    _train(db, tenant)
    default_age = {m.target: m.training_size for m in models_of(db, tenant.id)}

    configure(db, tenant.id, by=tenant.principal(Role.ADMIN), nurture_days=30)
    _train(db, tenant)

    shorter_age = {m.target: m.training_size for m in models_of(db, tenant.id)}
    assert before == {}
    assert shorter_age[Target.SQL] == default_age[Target.SQL] + 1
    assert shorter_age[Target.WON] == default_age[Target.WON] + 1


def test_only_admins_and_leadflows_own_processes_may_train(db: Database, tenant: Tenant) -> None:
    with pytest.raises(PermissionDenied):
        train_workspace(db, tenant.id, by=tenant.principal(Role.MARKETING), now=NOW)

    trained = train_workspace(
        db, tenant.id, by=Principal.process(tenant.id, Actor.AUTOMATIC), now=NOW
    )

    assert [model.model_name for model in trained] == ["cold_start", "cold_start"]
    assert "fewer than 30" in trained[0].reason


def test_engagement_counts_only_touches_before_the_first_sales_stage(
    db: Database, tenant: Tenant
) -> None:
    lead_id = add_lead(db, tenant.id, "eager", stage=Stage.MQL, at=NOW - timedelta(days=10))
    marketing = Principal.process(tenant.id, Actor.IMPORT)
    for days, kind in ((9, TouchType.WEBINAR_ATTENDED), (8, TouchType.EMAIL_CLICKED)):
        with unit_of_work(db, tenant.id) as uow:
            record_touch(uow, lead_id, kind, NOW - timedelta(days=days), by=marketing, now=NOW)
    with unit_of_work(db, tenant.id) as uow:
        move_lead(
            uow, lead_id, Stage.SAL, by=tenant.principal(Role.SALES), now=NOW - timedelta(days=7)
        )
    for days in (6, 5, 4):
        with unit_of_work(db, tenant.id) as uow:
            record_touch(
                uow,
                lead_id,
                TouchType.EMAIL_CLICKED,
                NOW - timedelta(days=days),
                by=marketing,
                now=NOW,
            )

    with db.reading() as connection:
        stored = read_leads(connection, tenant.id, where=[lead_with_id(lead_id)])

    assert stored.records[0]["engagement.touches"] == 2


def test_a_stored_lead_is_read_with_its_derived_and_imported_fields(
    db: Database, tenant: Tenant
) -> None:
    lead_id = add_lead(
        db,
        tenant.id,
        "fritz",
        stage=Stage.MQL,
        at=NOW,
        source="webinar",
        free_mail=True,
        job_title="Geschäftsführer",
        extras={"Budget band": "high"},
    )

    with db.reading() as connection:
        stored = read_leads(connection, tenant.id, where=[lead_with_id(lead_id)])
        only_some = read_leads(
            connection,
            tenant.id,
            fields=["lead.source", "extras.Budget band"],
            where=[lead_with_id(lead_id)],
        )

    record = stored.records[0]
    assert record["lead.source"] == "webinar"
    assert record["contact.seniority"] == "c_level"
    assert record["contact.email_free_mail"] == "yes"
    assert record["extras.Budget band"] == "high"
    assert "fritz@" not in json.dumps(record)
    assert only_some.records[0] == {"lead.source": "webinar", "extras.Budget band": "high"}


def test_a_scoring_run_reads_accounts_and_campaigns_by_reference_as_a_join_would(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    campaign = new_campaign(
        db, tenant, name="Messe Hannover", channel="event", starts_on=date(2026, 1, 5)
    )
    new_lead(
        db,
        tenant,
        email="a@nordwerk.de",
        company="Nordwerk GmbH",
        industry="Maschinenbau",
        employees=250,
        country="DE",
        campaign_id=campaign.id,
    )
    new_lead(
        db, tenant, email="b@suedhaus.at", company="Suedhaus AG", industry="Handel", country="AT"
    )
    new_lead(db, tenant, email="c@gmail.com", last_name="Ohne Firma")
    add_lead(db, other_tenant.id, "fremd", stage=Stage.MQL, at=NOW, source="webinar")
    fields = ["lead.campaign", "campaign.channel", "account.industry", "account.employees",
              "account.country", "lead.source"]  # fmt: skip

    referenced = ReferencedRows()
    with db.reading() as connection:
        joined = read_leads(connection, tenant.id, fields=fields)
        first = read_leads(connection, tenant.id, fields=fields, referenced=referenced)
        again = read_leads(connection, tenant.id, fields=fields, referenced=referenced)

    assert list(first.records) == list(joined.records) == list(again.records)
    assert [record.get("account.industry") for record in first.records] == [
        "Maschinenbau", "Handel", None,
    ]  # fmt: skip
    assert first.records[0]["lead.campaign"] == "Messe Hannover"
    assert first.records[0]["campaign.channel"] == "event"
    assert "lead.campaign" not in first.records[1]


def test_evaluating_a_workspaces_closed_leads_names_the_model_training_deployed(
    db: Database, tenant: Tenant
) -> None:
    add_history(db, tenant.id, NOW, closed=120, open_count=0, seed=3)
    trained = {model.target: model for model in _models(db, tenant)}

    with db.reading() as connection:
        history = read_history(connection, tenant.id, NOW)
    for target, model in trained.items():
        _, records, labels, times = training_set(target, history)
        # The same leads, handed over newest first: only their times order them.
        report = evaluate(records[::-1], labels[::-1], times[::-1], spec=model.load().spec)

        assert report.best == model.model_name
        assert report.time_split is not None
        assert report.time_split[model.model_name].brier == pytest.approx(
            model.validation[model.model_name]["brier"]
        )


def _models(db: Database, tenant: Tenant) -> list[StoredModel]:
    return train_workspace(db, tenant.id, by=Principal(tenant.id, ADMIN), now=NOW)
