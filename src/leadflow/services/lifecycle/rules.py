"""A workspace's rules as data: its transition table and its qualification framework."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.audit import AuditAction
from leadflow.domain.errors import InvalidInput
from leadflow.domain.lifecycle import (
    LIFECYCLE_KEYS,
    TRANSITION_KEYS,
    TransitionTable,
    merged_lifecycle,
    table_from_config,
    unknown_lifecycle_key,
)
from leadflow.domain.principal import Principal
from leadflow.domain.qualification import BANT, PRESETS, Framework, framework_from_toml
from leadflow.services.workspaces import audit


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


def current_framework(uow: UnitOfWork) -> tuple[Framework, str]:
    """The workspace's qualification framework (BANT until it chooses another) and, for a
    framework of its own, the TOML it was given as."""
    config = uow.directory.workspace_config(uow.workspace_id)
    chosen = config.get("framework")
    own = chosen.get("toml") if isinstance(chosen, dict) else None
    return framework(config), own if isinstance(own, str) else ""


def set_framework(
    uow: UnitOfWork,
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
    config = uow.directory.workspace_config(uow.workspace_id)
    config["framework"] = chosen
    uow.directory.set_workspace_config(uow.workspace_id, config)
    _audit(uow, AuditAction.FRAMEWORK_CHANGED, by, now, framework=result.key)
    return result


def set_lifecycle(
    uow: UnitOfWork,
    toml: str,
    *,
    replace: bool = False,
    by: Principal | None = None,
    now: datetime | None = None,
) -> TransitionTable:
    """Lay a TOML document's transitions and reason codes over the workspace's current table
    (a row replaces the rules from its source stages to its target), or with `replace` make it
    the whole table (the defaults fill in what it leaves out). Unknown keys are refused."""
    try:
        data = tomllib.loads(toml)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"lifecycle file is not valid TOML: {error}") from error
    unknown = unknown_lifecycle_key(data)
    if unknown is not None:
        key, row = unknown
        where = f"transitions[{row}].{key}" if row else key
        allowed = TRANSITION_KEYS if row else LIFECYCLE_KEYS
        line = _line_of(toml, key, row)
        at = f" (line {line})" if line else ""
        raise InvalidInput(
            f"unknown key '{where}'{at} in the lifecycle file; allowed: {', '.join(allowed)}",
            field=where,
        )
    config = uow.directory.workspace_config(uow.workspace_id)
    stored = data if replace else merged_lifecycle(transition_table(config), data)
    table = table_from_config(stored)
    config["lifecycle"] = stored
    uow.directory.set_workspace_config(uow.workspace_id, config)
    _audit(uow, AuditAction.LIFECYCLE_CHANGED, by, now, rules=len(table.rules))
    return table


def _line_of(toml: str, key: str, row: int | None) -> int | None:
    """The line of `key` in the file: at the top level, or inside the row-th [[transitions]]."""
    rows_seen = 0
    for number, line in enumerate(toml.splitlines(), 1):
        stripped = line.strip()
        if stripped.replace(" ", "") == "[[transitions]]":
            rows_seen += 1
            continue
        if row is not None and rows_seen != row:
            continue
        if row is None and stripped.startswith("["):
            if stripped.strip("[] ") == key:
                return number
            continue
        name = stripped.split("=", 1)[0].strip().strip("\"'")
        if "=" in stripped and name == key:
            return number
    return None


def _audit(
    uow: UnitOfWork,
    action: AuditAction,
    by: Principal | None,
    now: datetime | None,
    **details: object,
) -> None:
    at = now or datetime.now(UTC)
    audit.record(
        uow.connection, by, action, "rules", workspace_id=uow.workspace_id, at=at, **details
    )
