"""A workspace's rules as data: its transition table and its qualification framework."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime

from leadflow.adapters.db.directory import Directory
from leadflow.domain.audit import AuditAction
from leadflow.domain.errors import InvalidInput
from leadflow.domain.lifecycle import TransitionTable, table_from_config
from leadflow.domain.principal import Principal
from leadflow.domain.qualification import BANT, PRESETS, Framework, framework_from_toml
from leadflow.services import audit


def transition_table(config: Mapping[str, object]) -> TransitionTable:
    lifecycle = config.get("lifecycle")
    return table_from_config(lifecycle if isinstance(lifecycle, Mapping) else None)


def framework(config: Mapping[str, object]) -> Framework:
    chosen = config.get("framework")
    if not isinstance(chosen, Mapping):
        return BANT
    if "toml" in chosen:
        return framework_from_toml(str(chosen["toml"]))
    return PRESETS[str(chosen.get("preset", "bant"))]


def set_framework(
    directory: Directory,
    workspace_id: int,
    *,
    preset: str | None,
    toml: str | None,
    by: Principal | None = None,
    now: datetime | None = None,
) -> Framework:
    """Choose a preset framework or a workspace's own, checked before it is stored."""
    if (preset is None) == (toml is None):
        raise InvalidInput("give either a preset or a framework file", field="framework")
    if preset is not None:
        if preset not in PRESETS:
            raise InvalidInput(
                f"unknown framework '{preset}': use one of {', '.join(PRESETS)}", field="preset"
            )
        chosen: dict[str, str] = {"preset": preset}
        result = PRESETS[preset]
    else:
        assert toml is not None
        result = framework_from_toml(toml)
        chosen = {"toml": toml}
    config = directory.workspace_config(workspace_id)
    config["framework"] = chosen
    directory.set_workspace_config(workspace_id, config)
    _audit(directory, workspace_id, AuditAction.FRAMEWORK_CHANGED, by, now, framework=result.key)
    return result


def set_lifecycle(
    directory: Directory,
    workspace_id: int,
    toml: str,
    *,
    by: Principal | None = None,
    now: datetime | None = None,
) -> TransitionTable:
    """Override the transition table and reason codes of a workspace from a TOML document."""
    try:
        data = tomllib.loads(toml)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"lifecycle file is not valid TOML: {error}") from error
    table = table_from_config(data)
    config = directory.workspace_config(workspace_id)
    config["lifecycle"] = data
    directory.set_workspace_config(workspace_id, config)
    _audit(directory, workspace_id, AuditAction.LIFECYCLE_CHANGED, by, now, rules=len(table.rules))
    return table


def _audit(
    directory: Directory,
    workspace_id: int,
    action: AuditAction,
    by: Principal | None,
    now: datetime | None,
    **details: object,
) -> None:
    at = now or datetime.now(UTC)
    audit.record(
        directory.connection, by, action, "rules", workspace_id=workspace_id, at=at, **details
    )
