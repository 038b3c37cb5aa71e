"""The pipeline board reads its columns, members and moves in one unit of work, and only from
its own workspace."""

from __future__ import annotations

from datetime import timedelta

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading
from leadflow.domain.stages import Role, Stage
from leadflow.services.views.board import board_view
from tests.factories import NOW, Tenant, new_lead


def test_each_column_counts_its_leads_and_shows_the_latest_cards(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    new_lead(db, tenant, stage=Stage.MQL, at=NOW)
    latest = new_lead(db, tenant, stage=Stage.MQL, at=NOW + timedelta(minutes=1))
    prospect = new_lead(db, tenant)
    new_lead(db, other_tenant, stage=Stage.MQL)

    with reading(db, tenant.id) as uow:
        view = board_view(uow, (Stage.MQL, Stage.PROSPECT, Stage.WON), cards=1)

    shown = [(stage, count, [card.id for card in cards]) for stage, count, cards in view.columns]
    assert shown == [
        (Stage.MQL, 2, [latest]),
        (Stage.PROSPECT, 1, [prospect]),
        (Stage.WON, 0, []),
    ]
    assert tenant.principal(Role.SALES).user_id in view.members
    assert view.transitions.rules_from(Stage.MQL)


def test_with_an_owner_the_board_shows_only_that_users_leads(db: Database, tenant: Tenant) -> None:
    owner_id = tenant.principal(Role.SALES).user_id
    owned = new_lead(db, tenant, stage=Stage.MQL, owner_id=owner_id)
    new_lead(db, tenant, stage=Stage.MQL)

    with reading(db, tenant.id) as uow:
        view = board_view(uow, (Stage.MQL,), cards=5, owner_id=owner_id)

    [(stage, count, cards)] = view.columns
    assert (stage, count, [card.id for card in cards]) == (Stage.MQL, 1, [owned])
