"""What the form for a new lead offers: the stages the user may enter a lead in, the
workspace's campaigns and the members who can own it."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.campaign import Campaign
from leadflow.domain.errors import DomainError
from leadflow.domain.lead import enter
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Stage
from leadflow.domain.workspace import Member
from leadflow.services.lifecycle import rules
from leadflow.services.workspaces.campaigns import all_campaigns
from leadflow.services.workspaces.directory import workspace_members

ENTRY_STAGES = (Stage.PROSPECT, Stage.MQL, Stage.SAL, Stage.NURTURE)


@dataclass(frozen=True)
class NewLeadChoices:
    stages: list[Stage]
    campaigns: list[Campaign]
    members: list[Member]


def new_lead_choices(uow: UnitOfWork, *, by: Principal) -> NewLeadChoices:
    """The stages the workspace's transition table lets `by` enter a lead in (needing no
    reason), its campaigns, and the members who can own the lead."""
    table = rules.transition_table(uow.directory.workspace_config(uow.workspace_id))
    return NewLeadChoices(
        [stage for stage in ENTRY_STAGES if _may_enter(table, stage, by)],
        all_campaigns(uow),
        workspace_members(uow),
    )


def _may_enter(table: TransitionTable, stage: Stage, by: Principal) -> bool:
    try:
        enter(table, stage, by.actor)
    except DomainError:
        return False
    return True
