"""What the sales team page shows: each member's capacity and the recorded absences."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.adapters.db.routing import StoredAbsence
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.workspace import Member
from leadflow.services.handover.routing import absences, capacities
from leadflow.services.workspaces.directory import workspace_members


@dataclass(frozen=True)
class SalesTeamView:
    members: list[Member]
    capacities: dict[int, int]
    """Leads per 30 days by user id; a user without an entry has no limit."""
    absences: list[StoredAbsence]


def sales_team_view(uow: UnitOfWork) -> SalesTeamView:
    """The members with their capacities, and every absence."""
    return SalesTeamView(workspace_members(uow), capacities(uow), absences(uow))
