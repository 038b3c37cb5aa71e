"""What the settings pages show to admins, each read in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.principal import Principal
from leadflow.domain.qualification import Framework
from leadflow.services.lifecycle import rules
from leadflow.services.workspaces import directory


@dataclass(frozen=True)
class SettingsOverview:
    member_count: int
    live_token_count: int
    framework: Framework
    lifecycle: TransitionTable


def settings_overview(uow: UnitOfWork, *, by: Principal) -> SettingsOverview:
    """The sections' counts and the workspace's rules as they stand; admins only."""
    members = directory.members_of(uow, by=by)
    tokens = directory.tokens_of(uow, by=by)
    config = uow.directory.workspace_config(uow.workspace_id)
    return SettingsOverview(
        member_count=len(members),
        live_token_count=sum(1 for token in tokens if not token.revoked),
        framework=rules.framework(config),
        lifecycle=rules.transition_table(config),
    )
