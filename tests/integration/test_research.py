"""Target research: an ideal-customer profile selects accounts and people from the workspace and
from imported target lists, enters new ones as prospects of the campaign, and shows the buying
roles each account has."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import leads, stage_changes
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.campaign import Campaign
from leadflow.domain.errors import InvalidInput
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Role
from leadflow.services.imports.importer import ImportRequest, run_import
from leadflow.services.intake.research import (
    ResearchResult,
    buying_roles,
    run_research,
    set_target_profile,
)
from tests.factories import NOW, Tenant, new_campaign

TARGET_LIST = """Firma;Branche;Mitarbeiter;Land;PLZ;Vorname;Nachname;E-Mail;Position
Schmidt Fördertechnik GmbH;Maschinenbau;250;DE;70173;Petra;Schmidt;p.schmidt@schmidt-foerdertechnik.de;Geschäftsführerin
Schmidt Fördertechnik GmbH;Maschinenbau;250;DE;70173;Jan;Berg;j.berg@schmidt-foerdertechnik.de;Leiter Einkauf
Schmidt Fördertechnik GmbH;Maschinenbau;250;DE;70173;Lea;Vogt;l.vogt@schmidt-foerdertechnik.de;Assistenz der Geschäftsführung
Nordlicht Software AG;Software;40;DE;20095;Tom;Hansen;t.hansen@nordlicht.de;CEO
Alpen Antriebe GmbH;Maschinenbau;900;AT;6020;Eva;Huber;e.huber@alpen-antriebe.at;Head of Engineering
"""  # noqa: E501


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant, name="Outbound Maschinenbau", channel="telemarketing")


@pytest.fixture
def target_list(db: Database, tenant: Tenant, tmp_path: Path) -> None:
    path = tmp_path / "zielkunden.csv"
    path.write_text(TARGET_LIST, encoding="cp1252")
    report = run_import(
        db, path, ImportRequest(tenant.id, list_only=True),
        by=tenant.principal(Role.MARKETING), now=NOW,
    )  # fmt: skip
    assert report.created == 5


def _profile(db: Database, tenant: Tenant, campaign: Campaign, **profile: object) -> None:
    by = tenant.principal(Role.MARKETING)
    in_unit_of_work(
        db,
        tenant.id,
        lambda uow: set_target_profile(uow, by=by, campaign_id=campaign.id or 0, profile=profile),
    )


def _research(db: Database, by: Principal, campaign: Campaign, **options: Any) -> ResearchResult:
    return in_unit_of_work(
        db,
        by.workspace_id,
        lambda uow: run_research(uow, by=by, campaign_id=campaign.id or 0, now=NOW, **options),
    )


def test_a_target_list_import_stores_people_but_no_leads(db: Database, target_list: None) -> None:
    with db.reading() as connection:
        assert connection.execute(select(leads.c.id)).all() == []


def test_the_profile_selects_fitting_people_and_enters_them_as_prospects(
    db: Database, tenant: Tenant, campaign: Campaign, target_list: None
) -> None:
    _profile(db, tenant, campaign, industries=["maschinenbau"], min_employees=100,
             countries=["DE", "AT"], seniorities=["c_level", "vp_director"])  # fmt: skip

    result = _research(db, tenant.principal(Role.MARKETING), campaign)

    assert result.accounts == 2
    assert sorted(t.name for t in result.targets) == ["Eva Huber", "Jan Berg", "Petra Schmidt"]
    assert result.count("entered") == 3
    with db.reading() as connection:
        entered = connection.execute(
            select(leads.c.stage, leads.c.campaign_id, leads.c.source)
        ).all()
        log = connection.execute(select(stage_changes.c.actor, stage_changes.c.target)).all()
    assert {tuple(row) for row in entered} == {("prospect", campaign.id, "research")}
    assert {tuple(row) for row in log} == {("research", "prospect")}


def test_a_second_run_finds_them_as_leads_and_enters_nobody_twice(
    db: Database, tenant: Tenant, campaign: Campaign, target_list: None
) -> None:
    _profile(db, tenant, campaign, postal_prefixes=["7"])
    marketing = tenant.principal(Role.MARKETING)
    _research(db, marketing, campaign)

    again = _research(db, marketing, campaign)

    assert (again.count("entered"), again.count("already a lead")) == (0, 3)


def test_a_dry_run_lists_the_targets_and_stores_nothing(
    db: Database, tenant: Tenant, campaign: Campaign, target_list: None
) -> None:
    _profile(db, tenant, campaign, roles=["einkauf"])

    result = _research(db, tenant.principal(Role.MARKETING), campaign, dry_run=True)

    assert [(t.name, t.outcome) for t in result.targets] == [("Jan Berg", "would enter")]
    with db.reading() as connection:
        assert connection.execute(select(leads.c.id)).all() == []


def test_each_account_shows_the_buying_roles_it_knows_and_misses(
    db: Database, tenant: Tenant, campaign: Campaign, target_list: None
) -> None:
    _profile(db, tenant, campaign, industries=["Maschinenbau"], countries=["DE"])

    with reading(db, tenant.id) as uow:
        found = buying_roles(uow, by=tenant.principal(Role.SALES), campaign_id=campaign.id)

    assert [account.account for account in found] == ["Schmidt Fördertechnik GmbH"]
    assert found[0].roles == {
        "decision_maker": ["Petra Schmidt"], "buyer": ["Jan Berg"], "gatekeeper": ["Lea Vogt"],
    }  # fmt: skip
    assert found[0].missing == ["influencer", "user"]


def test_a_broken_profile_is_refused_with_its_place(
    db: Database, tenant: Tenant, campaign: Campaign
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _profile(db, tenant, campaign, seniorities=["king"])

    assert refused.value.field == "profile.seniorities"


def test_research_over_the_api(
    app_client: TestClient, tenant: Tenant, campaign: Campaign, target_list: None
) -> None:
    marketing = tenant.headers(Role.MARKETING)
    profile = app_client.put(
        f"/api/v1/campaigns/{campaign.id}/target-profile",
        json={"countries": ["AT"]}, headers=marketing,
    )  # fmt: skip

    dry = app_client.post(
        f"/api/v1/campaigns/{campaign.id}/research", json={"dry_run": True}, headers=marketing
    )
    done = app_client.post(f"/api/v1/campaigns/{campaign.id}/research", json={}, headers=marketing)
    roles = app_client.get(
        f"/api/v1/research/buying-roles?campaign_id={campaign.id}", headers=marketing
    )

    assert profile.status_code == 200 and profile.json()["countries"] == ["AT"]
    assert (dry.json()["entered"], done.json()["entered"]) == (1, 1)
    assert done.json()["targets"][0]["name"] == "Eva Huber"
    assert roles.json()[0]["roles"] == {"influencer": ["Eva Huber"]}


def test_another_workspace_cannot_research_this_campaign(
    app_client: TestClient, campaign: Campaign, other_tenant: Tenant
) -> None:
    answer = app_client.post(
        f"/api/v1/campaigns/{campaign.id}/research", json={},
        headers=other_tenant.headers(Role.MARKETING),
    )  # fmt: skip

    assert answer.status_code == 404


def test_a_person_of_a_target_list_who_writes_in_becomes_a_lead_of_the_same_contact(
    app_client: TestClient, tenant: Tenant, target_list: None
) -> None:
    answer = app_client.post(
        "/api/v1/leads", json={"email": "j.berg@schmidt-foerdertechnik.de", "stage": "mql"},
        headers=tenant.headers(Role.MARKETING),
    )  # fmt: skip

    assert answer.status_code == 201, answer.text
    assert answer.json()["contact"]["last_name"] == "Berg"
    assert answer.json()["account"]["name"] == "Schmidt Fördertechnik GmbH"
