"""The lead page and the lead list read everything they show in one unit of work, and only
from their own workspace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.lead_listing import ListFilter
from leadflow.adapters.db.uow import UnitOfWork, reading, unit_of_work
from leadflow.domain.activity import ActivityKind, Outcome
from leadflow.domain.engagement import TouchType
from leadflow.domain.errors import LeadNotFound
from leadflow.domain.lead import LeadFilter
from leadflow.domain.stages import Role, Stage
from leadflow.services.intake.leads import lead_details, qualification_of
from leadflow.services.intake.touches import record_touch
from leadflow.services.lifecycle.moves import stage_history
from leadflow.services.tasks.activities import activities_of, add_task, log_activity, tasks_of
from leadflow.services.views.lead_views import lead_list_view, lead_page_view, move_dialog_view
from leadflow.services.workspaces.campaigns import create_campaign
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import move


def _worked_lead(db: Database, tenant: Tenant) -> int:
    """An accepted lead from a trade fair campaign with a call, a task and a download."""
    sales = tenant.principal(Role.SALES)
    campaign = create_campaign(
        db,
        by=tenant.principal(Role.MARKETING),
        name="Messe Stuttgart",
        channel="event",
        starts_on=date(2026, 2, 1),
        now=NOW,
    )
    lead_id = new_lead(
        db, tenant, first_name="Jana", last_name="Kraus", source="messe", campaign_id=campaign.id
    )
    move(db, tenant, lead_id, Stage.MQL, role=Role.MARKETING)
    move(db, tenant, lead_id, Stage.SAL, at=NOW + timedelta(minutes=5))
    with unit_of_work(db, tenant.id) as uow:
        log_activity(
            uow,
            lead_id,
            kind=ActivityKind.CALL,
            outcome=Outcome.REACHED,
            subject="Erstgespräch",
            body=None,
            at=NOW,
            by=sales,
            now=NOW,
        )
        add_task(
            uow,
            lead_id,
            title="Angebot schicken",
            due_on=date(2026, 3, 9),
            assignee_id=sales.user_id,
            by=sales,
            now=NOW,
        )
        record_touch(
            uow, lead_id, TouchType.DOWNLOAD, NOW, by=tenant.principal(Role.MARKETING), now=NOW
        )
    return lead_id


def test_the_lead_page_view_holds_the_leads_work_touches_history_and_campaign(
    db: Database, tenant: Tenant
) -> None:
    lead_id = _worked_lead(db, tenant)

    with reading(db, tenant.id) as uow:
        view = lead_page_view(uow, lead_id, now=NOW + timedelta(hours=1))

    assert view.details.contact.full_name == "Jana Kraus"
    assert view.card is not None and (view.card.id, view.card.stage) == (lead_id, Stage.SAL)
    assert [change.target for change in view.history][:2] == [Stage.SAL, Stage.MQL]
    assert [activity.subject for activity in view.activities] == ["Erstgespräch"]
    assert [(task.title, task.assignee_id) for task in view.tasks] == [
        ("Angebot schicken", tenant.principal(Role.SALES).user_id)
    ]
    assert view.score.touches == 1 and view.score.engagement > 0
    assert view.campaign is not None and view.campaign.name == "Messe Stuttgart"
    assert view.sla is not None and view.sla.stopped_at is not None
    assert tenant.principal(Role.SALES).user_id in view.members
    assert view.prediction is None
    assert view.framework.criteria and view.transitions.rules_from(Stage.SAL)


def test_a_new_lead_has_no_work_campaign_or_hand_over_yet(db: Database, tenant: Tenant) -> None:
    lead_id = new_lead(db, tenant)

    with reading(db, tenant.id) as uow:
        view = lead_page_view(uow, lead_id, now=NOW)

    assert (view.activities, view.tasks, view.campaign, view.sla) == ([], [], None, None)
    assert view.score.touches == 0


def test_a_lead_of_another_workspace_is_not_found(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    lead_id = new_lead(db, other_tenant)

    with reading(db, tenant.id) as uow, pytest.raises(LeadNotFound):
        lead_page_view(uow, lead_id, now=NOW)


def test_the_move_dialog_view_holds_the_lead_and_the_workspaces_moves(
    db: Database, tenant: Tenant
) -> None:
    lead_id = new_lead(db, tenant, stage=Stage.MQL)

    with reading(db, tenant.id) as uow:
        view = move_dialog_view(uow, lead_id)

    assert (view.details.lead.id, view.details.lead.stage) == (lead_id, Stage.MQL)
    assert Stage.SAL in {rule.target for rule in view.transitions.rules_from(Stage.MQL)}


@pytest.mark.parametrize(
    "read",
    [move_dialog_view, stage_history, activities_of, tasks_of, lead_details, qualification_of],
)
def test_the_reads_of_one_lead_do_not_find_a_lead_of_another_workspace(
    db: Database, tenant: Tenant, other_tenant: Tenant, read: Callable[[UnitOfWork, int], object]
) -> None:
    lead_id = new_lead(db, other_tenant)

    with reading(db, tenant.id) as uow, pytest.raises(LeadNotFound):
        read(uow, lead_id)


def test_a_leads_history_activities_and_tasks_are_read_in_order(
    db: Database, tenant: Tenant
) -> None:
    lead_id = _worked_lead(db, tenant)

    with reading(db, tenant.id) as uow:
        history = stage_history(uow, lead_id)
        activities, tasks = activities_of(uow, lead_id), tasks_of(uow, lead_id)

    assert [change.target for change in history][-2:] == [Stage.MQL, Stage.SAL]
    assert [activity.subject for activity in activities] == ["Erstgespräch"]
    assert [task.title for task in tasks] == ["Angebot schicken"]


def test_the_lead_list_view_offers_each_source_of_the_workspace_once(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    for source in ("trade_fair", "website", "trade_fair", None):
        new_lead(db, tenant, source=source)
    new_lead(db, other_tenant, source="partner")

    with reading(db, tenant.id) as uow:
        view = lead_list_view(uow, ListFilter(), sort="newest", after=None, before=None, limit=2)

    assert sorted(view.sources) == ["trade_fair", "website"]
    assert view.page.total == 4 and len(view.page.rows) == 2
    assert view.page.next_cursor is not None
    assert tenant.principal(Role.SALES).user_id in view.members


def test_the_lead_list_view_pages_through_the_filtered_leads(db: Database, tenant: Tenant) -> None:
    fair = {new_lead(db, tenant, source="trade_fair") for _ in range(3)}
    new_lead(db, tenant, source="website")
    where = ListFilter(base=LeadFilter(source="trade_fair"))

    with reading(db, tenant.id) as uow:
        first = lead_list_view(uow, where, sort="newest", after=None, before=None, limit=2)
        second = lead_list_view(
            uow, where, sort="newest", after=first.page.next_cursor, before=None, limit=2
        )

    assert {row.id for row in first.page.rows + second.page.rows} == fair
    assert first.page.total == 3
