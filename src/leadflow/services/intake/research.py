"""Target research for outbound campaigns: the ideal-customer profile selects accounts and the
people at them (from the workspace and from imported target lists); people without a lead enter
the campaign as prospects (actor `research`); each account shows which buying roles are known."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leadflow.adapters.db.research import AccountRow, PersonRow
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.lead import Lead, StageChange, enter
from leadflow.domain.predictive import seniority
from leadflow.domain.principal import Principal
from leadflow.domain.privacy import provenance
from leadflow.domain.stages import Actor, Stage
from leadflow.domain.target_profile import TargetProfile, buying_role, missing_roles, profile_from
from leadflow.services.intake import lead_hooks
from leadflow.services.lifecycle import rules

ENTERED, WOULD_ENTER, IN_FUNNEL = "entered", "would enter", "already a lead"


@dataclass(frozen=True)
class Target:
    contact_id: int
    account_id: int
    account: str
    name: str
    job_title: str | None
    seniority: str
    buying_role: str
    outcome: str
    lead_id: int | None = None
    stage: str | None = None


@dataclass(frozen=True)
class ResearchResult:
    campaign_id: int
    dry_run: bool
    accounts: int
    targets: list[Target]

    def count(self, outcome: str) -> int:
        return sum(target.outcome == outcome for target in self.targets)


@dataclass(frozen=True)
class AccountRoles:
    account_id: int
    account: str
    people: int
    roles: dict[str, list[str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def set_target_profile(
    uow: UnitOfWork, *, by: Principal, campaign_id: int, profile: dict[str, Any]
) -> TargetProfile:
    """Check and store the ideal-customer profile of a campaign."""
    by.require(Actor.MARKETING)
    checked = profile_from(profile)
    uow.research.set_profile(campaign_id, checked.as_data())
    return checked


def target_profile(uow: UnitOfWork, *, by: Principal, campaign_id: int) -> TargetProfile:
    """A campaign's ideal-customer profile (empty: every account fits)."""
    return profile_from(uow.research.profile(campaign_id))


def _fitting(uow: UnitOfWork, profile: TargetProfile) -> tuple[list[AccountRow], list[PersonRow]]:
    repository = uow.research
    found = repository.accounts(
        countries=profile.countries,
        min_employees=profile.min_employees,
        max_employees=profile.max_employees,
    )
    fitting = [
        a for a in found if profile.account_fits(a.industry, a.employees, a.country, a.postal_code)
    ]
    people = repository.people_at([a.id for a in fitting])
    return fitting, [p for p in people if profile.contact_fits(p.job_title)]


def run_research(
    uow: UnitOfWork, *, by: Principal, campaign_id: int, now: datetime, dry_run: bool = False
) -> ResearchResult:
    """Select the campaign's targets by its profile and enter new ones as its prospects."""
    by.require(Actor.MARKETING)
    researcher = Principal(by.workspace_id, Actor.RESEARCH, by.user_id)
    uow.campaigns.get(campaign_id)
    profile = profile_from(uow.research.profile(campaign_id))
    accounts, people = _fitting(uow, profile)
    names = {account.id: account.name for account in accounts}
    table = rules.transition_table(uow.directory.workspace_config(uow.workspace_id))
    targets = []
    for person in people:
        lead_id, outcome = person.lead_id, IN_FUNNEL
        if person.lead_id is None:
            outcome = WOULD_ENTER if dry_run else ENTERED
            if not dry_run:
                lead_id = _enter(uow, person, campaign_id, table, researcher, now)
        targets.append(_target(person, names[person.account_id], outcome, lead_id))
    return ResearchResult(campaign_id, dry_run, len(accounts), targets)


def _target(person: PersonRow, account: str, outcome: str, lead_id: int | None) -> Target:
    name = " ".join(part for part in (person.first_name, person.last_name) if part)
    return Target(
        person.contact_id, person.account_id, account, name, person.job_title,
        seniority(person.job_title).value, buying_role(person.buying_role, person.job_title),
        outcome, lead_id, person.stage if outcome == IN_FUNNEL else Stage.PROSPECT.value,
    )  # fmt: skip


def _enter(
    uow: UnitOfWork,
    person: PersonRow,
    campaign_id: int,
    table: Any,
    by: Principal,
    now: datetime,
) -> int:
    """A researched person becomes a prospect of the campaign, through the transition table."""
    move = enter(table, Stage.PROSPECT, by.actor)
    lead = Lead(
        workspace_id=uow.workspace_id, contact_id=person.contact_id, stage=move.target,
        created_at=now, stage_entered_at=now, account_id=person.account_id,
        campaign_id=campaign_id, source="research",
        provenance=provenance("research", campaign_id=campaign_id),
    )  # fmt: skip
    lead_id = uow.leads.add(lead, now)
    entry = StageChange(lead_id, None, move.target, now, by.actor, by.user_id, None,
                        "target research", move.automatic)  # fmt: skip
    uow.leads.log(entry)
    lead_hooks.lead_created(uow, lead, entry, now=now)
    return lead_id


def buying_roles(
    uow: UnitOfWork, *, by: Principal, campaign_id: int | None = None
) -> list[AccountRoles]:
    """Per account (those fitting the campaign's profile, or all), the buying roles known by
    name and the ones still missing."""
    if campaign_id is not None:
        uow.campaigns.get(campaign_id)
        stored = uow.research.profile(campaign_id)
        accounts, _ = _fitting(uow, profile_from(stored))
    else:
        accounts, _ = _fitting(uow, TargetProfile())
    people = uow.research.people_at([account.id for account in accounts])
    at: dict[int, list[PersonRow]] = defaultdict(list)
    for person in people:
        at[person.account_id].append(person)
    result = []
    for account in accounts:
        roles: dict[str, list[str]] = defaultdict(list)
        for person in at[account.id]:
            name = " ".join(p for p in (person.first_name, person.last_name) if p) or "?"
            roles[buying_role(person.buying_role, person.job_title)].append(name)
        result.append(
            AccountRoles(
                account.id, account.name, len(at[account.id]), dict(roles), missing_roles(roles)
            )  # fmt: skip
        )
    return result
