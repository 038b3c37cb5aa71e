"""A workspace's hand-over SLA settings and its business calendar with German holidays."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.holiday_calendar import german_holidays
from leadflow.domain.principal import Principal
from leadflow.domain.sla import BusinessCalendar
from leadflow.domain.sla_settings import SlaSettings, parse_sla_settings
from leadflow.domain.stages import Actor

CONFIG_KEY = "sla"
_ANY_YEAR = 2026


def sla_settings(config: Mapping[str, object]) -> SlaSettings:
    stored = config.get(CONFIG_KEY)
    if isinstance(stored, Mapping) and isinstance(stored.get("toml"), str):
        return parse_sla_settings(str(stored["toml"]))
    return SlaSettings()


def sla_settings_toml(config: Mapping[str, object]) -> str:
    """The stored TOML document, or an empty one for the defaults."""
    stored = config.get(CONFIG_KEY)
    if isinstance(stored, Mapping) and isinstance(stored.get("toml"), str):
        return str(stored["toml"])
    return ""


def current_sla_settings(uow: UnitOfWork) -> tuple[SlaSettings, str]:
    """The workspace's SLA settings and the TOML document they come from (empty: defaults)."""
    config = uow.directory.workspace_config(uow.workspace_id)
    return sla_settings(config), sla_settings_toml(config)


def set_sla_settings(uow: UnitOfWork, toml_text: str, *, by: Principal) -> SlaSettings:
    """Check and store the workspace's SLA settings (deadlines already set stay as they are)."""
    by.require(Actor.ADMIN)
    settings = parse_sla_settings(toml_text)
    calendar(settings, [_ANY_YEAR])
    for user_id in settings.escalate_to:
        uow.directory.member(uow.workspace_id, user_id)
    config = uow.directory.workspace_config(uow.workspace_id)
    config[CONFIG_KEY] = {"toml": toml_text}
    uow.directory.set_workspace_config(uow.workspace_id, config)
    return settings


def calendar(settings: SlaSettings, years: Iterable[int]) -> BusinessCalendar:
    """The business calendar for deadlines within the given years (and the years around them)."""
    wanted = set(years)
    span = range(min(wanted) - 1, max(wanted) + 2)
    holidays = german_holidays(settings.bundesland, span) | set(settings.extra_holidays)
    return BusinessCalendar(settings.hours, frozenset(holidays), settings.time_zone)


def calendar_around(settings: SlaSettings, *moments: datetime) -> BusinessCalendar:
    return calendar(settings, [moment.year for moment in moments])
