"""A workspace's scoring settings: fit rules (versioned TOML), engagement decay, MQL threshold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from leadflow.adapters.db.scoring import StoredRuleSet
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.regex import compile_pattern, compile_stored_pattern
from leadflow.domain.engagement import (
    ENGAGEMENT_KEYS,
    EngagementSettings,
    engagement_settings_from,
    setting_number,
)
from leadflow.domain.errors import InvalidInput
from leadflow.domain.mql_threshold import MqlThreshold
from leadflow.domain.principal import Principal
from leadflow.domain.scoring import FitRuleSet, parse_fit_rules
from leadflow.domain.stages import Actor

CONFIG_KEY = "scoring"


@dataclass(frozen=True)
class ScoringSettings:
    engagement: EngagementSettings
    threshold: MqlThreshold | None
    """None: leads move to mql by threshold only once a workspace sets one."""


@dataclass(frozen=True)
class CurrentRules:
    ruleset: FitRuleSet
    stored: StoredRuleSet | None
    """None while the workspace has no rules of its own (every lead then scores 0)."""

    @property
    def version(self) -> int | None:
        return self.stored.version if self.stored else None


def current_fit_rules(uow: UnitOfWork) -> CurrentRules:
    stored = uow.scoring.current_rule_set()
    if stored is None:
        return CurrentRules(FitRuleSet(), None)
    return CurrentRules(parse_fit_rules(stored.rules_toml, compile_stored_pattern), stored)


def fit_rules_of_version(uow: UnitOfWork, version: int | None) -> FitRuleSet:
    if version is None:
        return FitRuleSet()
    stored = uow.scoring.rule_set(version)
    return parse_fit_rules(stored.rules_toml, compile_stored_pattern)


def set_fit_rules(
    uow: UnitOfWork, rules_toml: str, *, by: Principal, now: datetime
) -> CurrentRules:
    """Check and store a new version of the workspace's fit rules (a rescore applies them)."""
    by.require(Actor.MARKETING)
    ruleset = parse_fit_rules(rules_toml, compile_pattern)
    repository = uow.scoring
    version = repository.add_rule_set(rules_toml, by.user_id, now)
    return CurrentRules(ruleset, repository.rule_set(version))


def scoring_settings(config: Mapping[str, object]) -> ScoringSettings:
    raw = config.get(CONFIG_KEY)
    if not isinstance(raw, Mapping):
        return ScoringSettings(EngagementSettings(), None)
    return _settings_from(raw)


def current_scoring_settings(uow: UnitOfWork) -> ScoringSettings:
    """The workspace's touch points, engagement half-life and bands, and MQL threshold."""
    return scoring_settings(uow.directory.workspace_config(uow.workspace_id))


def set_scoring_settings(
    uow: UnitOfWork, changes: Mapping[str, object], *, by: Principal
) -> ScoringSettings:
    """Change some settings (keys of `settings_as_dict`); a None threshold value removes it."""
    by.require(Actor.MARKETING)
    config = uow.directory.workspace_config(uow.workspace_id)
    current = settings_as_dict(scoring_settings(config))
    unknown = set(changes) - set(current)
    if unknown:
        key = sorted(unknown)[0]
        raise InvalidInput(f"unknown scoring setting {key!r}", field=key)
    merged = {**current, **changes}
    stored_points, new_points = current["points"], changes.get("points")
    if isinstance(new_points, Mapping) and isinstance(stored_points, Mapping):
        merged["points"] = {**stored_points, **new_points}
    settings = _settings_from(merged)
    config[CONFIG_KEY] = settings_as_dict(settings)
    uow.directory.set_workspace_config(uow.workspace_id, config)
    return settings


def settings_as_dict(settings: ScoringSettings) -> dict[str, object]:
    engagement, threshold = settings.engagement, settings.threshold
    return {
        "half_life_days": engagement.half_life_days,
        "hot_from": engagement.hot_from,
        "warm_from": engagement.warm_from,
        "points": {str(kind): worth for kind, worth in engagement.points.items()},
        "mql_min_fit": threshold.min_fit if threshold else None,
        "mql_min_engagement": threshold.min_engagement if threshold else None,
    }


def _settings_from(raw: Mapping[str, object]) -> ScoringSettings:
    engagement = engagement_settings_from({k: raw[k] for k in ENGAGEMENT_KEYS if k in raw})
    min_fit, min_engagement = raw.get("mql_min_fit"), raw.get("mql_min_engagement")
    if min_fit is None and min_engagement is None:
        return ScoringSettings(engagement, None)
    if not isinstance(min_fit, int) or isinstance(min_fit, bool):
        raise InvalidInput("mql_min_fit must be a whole number", field="mql_min_fit")
    min_engagement = 0.0 if min_engagement is None else min_engagement
    return ScoringSettings(
        engagement, MqlThreshold(min_fit, setting_number("mql_min_engagement", min_engagement))
    )
