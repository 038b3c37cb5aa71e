"""Duplicates are found on entry inside a workspace, never across, with the reason they matched;
merges are logged and can be undone."""

from __future__ import annotations

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.errors import Conflict, InvalidInput
from leadflow.domain.lead import LeadFilter
from leadflow.domain.stages import Role, Stage
from leadflow.services.intake import leads as lead_service
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.intake.leads import Created
from leadflow.services.intake.merges import merge_leads, merges_of, unmerge
from leadflow.services.tasks.activities import add_task
from tests.factories import NOW, Tenant, enter_lead


def _add(db: Database, tenant: Tenant, **fields: object) -> Created:
    """Enter an MQL with these fields."""
    return enter_lead(db, tenant, **{"stage": Stage.MQL, **fields})


def test_the_same_e_mail_written_differently_finds_the_lead(db: Database, tenant: Tenant) -> None:
    first = _add(db, tenant, email="Eva.Fischer@Nordwerk.de", last_name="Fischer")

    again = _add(db, tenant, email="eva.fischer@NORDWERK.DE ", phone="0711 1234560")

    assert again.merged
    assert again.match_reason == "same e-mail"
    assert again.details.lead.id == first.details.lead.id
    assert again.details.contact.phone == "+497111234560"


def test_the_same_phone_with_a_similar_company_is_a_duplicate(db: Database, tenant: Tenant) -> None:
    first = _add(db, tenant, last_name="Fischer", phone="+49 711 1234560", company="Müller GmbH")

    again = _add(db, tenant, last_name="Fischer", phone="0711/123 45 60", company="Mueller AG")

    assert again.details.lead.id == first.details.lead.id
    assert again.match_reason == "phone +497111234560, company 100% similar"


def test_a_colleague_on_the_same_switchboard_number_is_not_a_duplicate(
    db: Database, tenant: Tenant
) -> None:
    _add(db, tenant, last_name="Fischer", phone="0711 1234560")

    other = _add(db, tenant, last_name="Braun", phone="0711 1234560")

    assert not other.merged


def test_the_same_name_at_a_fuzzily_matching_company_is_a_duplicate(
    db: Database, tenant: Tenant
) -> None:
    first = _add(
        db, tenant, first_name="Eva", last_name="Fischer", company="Schmidt Fördertechnik GmbH"
    )

    again = _add(
        db, tenant, first_name="Eva", last_name="Fischer", company="Schmid Foerdertechnik AG"
    )

    assert again.details.lead.id == first.details.lead.id
    assert again.details.account is not None
    assert again.match_reason is not None
    assert again.match_reason.startswith("same name Eva Fischer at Schmidt Fördertechnik GmbH")
    assert "% similar" in again.match_reason


def test_a_company_e_mail_domain_finds_the_account(db: Database, tenant: Tenant) -> None:
    first = _add(db, tenant, email="eva@nordwerk.de", company="Nordwerk GmbH")

    colleague = _add(db, tenant, email="jan@nordwerk.de")

    assert colleague.details.account is not None and first.details.account is not None
    assert colleague.details.account.id == first.details.account.id


def test_duplicates_are_never_matched_across_workspaces(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    _add(db, tenant, email="eva@nordwerk.de", phone="0711 1234560", last_name="Fischer")

    theirs = _add(db, other_tenant, email="eva@nordwerk.de", phone="0711 1234560")

    assert not theirs.merged


def test_a_bad_phone_number_beside_a_name_is_dropped_with_a_warning(
    db: Database, tenant: Tenant
) -> None:
    created = _add(db, tenant, last_name="Fischer", phone="0711-BITTE-ANRUFEN")

    assert created.details.contact.phone is None
    [(field, message)] = created.warnings
    assert field == "phone" and "contains letters" in message
    assert created.details.lead.extras["phone (invalid)"] == "0711-BITTE-ANRUFEN"


def test_a_bad_phone_number_that_is_the_only_identity_is_refused_with_the_field(
    db: Database, tenant: Tenant
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _add(db, tenant, first_name="Eva", phone="12")

    assert refused.value.field == "phone"


def test_a_merge_keeps_the_survivor_says_why_and_can_be_undone(
    db: Database, tenant: Tenant
) -> None:
    survivor = _add(db, tenant, email="eva@nordwerk.de", last_name="Fischer").details.lead
    duplicate = _add(
        db, tenant, email="e.fischer@gmx.de", last_name="Fischer", phone="0711 1234560"
    ).details.lead
    assert survivor.id is not None and duplicate.id is not None
    with unit_of_work(db, tenant.id) as uow:
        task = add_task(
            uow, duplicate.id, title="Rückruf", due_on=NOW.date(), assignee_id=None,
            by=tenant.principal(Role.SALES), now=NOW,
        )  # fmt: skip
    sales = tenant.principal(Role.SALES)

    with unit_of_work(db, tenant.id) as uow:
        merge = merge_leads(uow, survivor.id, duplicate.id, by=sales, now=NOW)
    with reading(db, tenant.id) as uow:
        merged_view = uow.leads.details(survivor.id)
        listed, total = uow.leads.search(LeadFilter(), limit=10, offset=0)
        tasks_after_merge = [t.id for t in uow.work.tasks(survivor.id)]
    with unit_of_work(db, tenant.id) as uow:
        undone = unmerge(uow, merge.id, by=sales, now=NOW)
    with reading(db, tenant.id) as uow:
        restored = uow.leads.details(survivor.id)
        tasks_after_undo = [t.id for t in uow.work.tasks(duplicate.id)]
        log = merges_of(uow, survivor.id)

    assert merge.reason == f"chosen by sales (user {tenant.user_ids[Role.SALES]})"
    assert merged_view.contact.phone == "+497111234560"
    assert [item.lead.id for item in listed] == [survivor.id] and total == 1
    assert tasks_after_merge == [task.id]
    assert undone.undone_at is not None
    assert restored.contact.phone is None
    assert tasks_after_undo == [task.id]
    assert [entry.id for entry in log] == [merge.id]


def test_a_merge_of_two_leads_with_the_same_phone_names_the_match(
    db: Database, tenant: Tenant
) -> None:
    a = _add(db, tenant, email="eva@nordwerk.de", last_name="Fischer", phone="0711 1234560")
    with unit_of_work(db, tenant.id) as uow:
        b_id = lead_service.create_lead(
            uow,
            LeadInput(email="eva.f@web.de", last_name="Braun", stage=Stage.MQL),
            by=tenant.principal(Role.MARKETING),
            now=NOW,
        ).details.lead.id
        uow.connection.exec_driver_sql(
            f"UPDATE contacts SET phone = '+497111234560', last_name = 'Fischer' "
            f"WHERE id = (SELECT contact_id FROM leads WHERE id = {b_id})"
        )
    assert a.details.lead.id is not None and b_id is not None

    with unit_of_work(db, tenant.id) as uow:
        merge = merge_leads(uow, a.details.lead.id, b_id, by=tenant.principal(Role.SALES), now=NOW)

    assert merge.reason == "phone +497111234560"


def test_a_lead_cannot_be_merged_twice_or_unmerged_twice(db: Database, tenant: Tenant) -> None:
    a = _add(db, tenant, email="a@nordwerk.de").details.lead.id
    b = _add(db, tenant, email="b@nordwerk.de").details.lead.id
    c = _add(db, tenant, email="c@nordwerk.de").details.lead.id
    assert a is not None and b is not None and c is not None
    sales = tenant.principal(Role.SALES)
    with unit_of_work(db, tenant.id) as uow:
        merge = merge_leads(uow, a, b, by=sales, now=NOW)

    with pytest.raises(Conflict), unit_of_work(db, tenant.id) as uow:
        merge_leads(uow, c, b, by=sales, now=NOW)
    with unit_of_work(db, tenant.id) as uow:
        unmerge(uow, merge.id, by=sales, now=NOW)
    with pytest.raises(Conflict), unit_of_work(db, tenant.id) as uow:
        unmerge(uow, merge.id, by=sales, now=NOW)
