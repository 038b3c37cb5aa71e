"""Routing rules and teams read from TOML, with errors that name the rule or team and the key."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from typing import TypeGuard, TypeVar

from leadflow.domain.errors import InvalidInput
from leadflow.domain.routing import PostalCodePattern, RoutingRule, RoutingRules, Team, TeamMember

_RULE_KEYS = frozenset(
    {
        "type",
        "team",
        "label",
        "countries",
        "postal_codes",
        "industries",
        "employees_min",
        "employees_max",
        "campaign_ids",
    }
)
RULE_TYPES = ("team", "account_owner")

Fail = Callable[[str, str], InvalidInput]
T = TypeVar("T")


def parse_routing_rules(toml_text: str) -> RoutingRules:
    """Read `default_team`, `[[team]]` and `[[rule]]` tables (format in the module's tests)."""
    try:
        document = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"routing rules are not valid TOML: {error}", field="rule") from error
    unknown = set(document) - {"default_team", "team", "rule"}
    if unknown:
        key = sorted(unknown)[0]
        raise InvalidInput(f"unknown top-level key {key!r}", field=key)
    teams: dict[str, Team] = {}
    for index, table in enumerate(_tables(document, "team"), 1):
        team = _parse_team(index, table)
        if team.name in teams:
            raise _failer("team", index)("name", f"team {team.name!r} is defined twice")
        teams[team.name] = team
    default_name = document.get("default_team")
    if default_name not in teams:
        raise InvalidInput(
            f"default_team must name one of the teams, not {default_name!r}", field="default_team"
        )
    rules = tuple(
        _parse_rule(index, table, teams) for index, table in enumerate(_tables(document, "rule"), 1)
    )
    return RoutingRules(rules=rules, default_team=teams[str(default_name)])


def _tables(document: dict[str, object], key: str) -> list[dict[str, object]]:
    tables = document.get(key, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise InvalidInput(f"{key!r} must be an array of tables: write [[{key}]]", field=key)
    return tables


def _failer(kind: str, index: int) -> Fail:
    def fail(key: str, message: str) -> InvalidInput:
        return InvalidInput(f"{kind} {index}: {message}", field=f"{kind}[{index}].{key}")

    return fail


def _parse_team(index: int, table: dict[str, object]) -> Team:
    fail = _failer("team", index)
    extra = set(table) - {"name", "members"}
    if extra:
        raise fail(sorted(extra)[0], f"unknown key {sorted(extra)[0]!r}")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "a team needs a name")
    members = table.get("members")
    if not isinstance(members, list) or not members:
        raise fail("members", "members must be a non-empty list like [{ user = 7, weight = 2 }]")
    parsed: list[TeamMember] = []
    for member in members:
        if not isinstance(member, dict) or set(member) - {"user", "weight"}:
            raise fail("members", f"a member is {{ user = ID, weight = N }}, not {member!r}")
        user, weight = _whole(member.get("user")), _whole(member.get("weight", 1))
        if user is None:
            raise fail("members", f"user must be a user id, not {member.get('user')!r}")
        if weight is None or weight < 1:
            raise fail("members", f"weight of user {user} must be a whole number from 1")
        parsed.append(TeamMember(user, weight))
    if len({m.user_id for m in parsed}) != len(parsed):
        raise fail("members", "a user is listed twice")
    return Team(name.strip(), tuple(parsed))


def _parse_rule(index: int, table: dict[str, object], teams: dict[str, Team]) -> RoutingRule:
    fail = _failer("rule", index)
    extra = set(table) - _RULE_KEYS
    if extra:
        raise fail(sorted(extra)[0], f"unknown key {sorted(extra)[0]!r}")
    kind = table.get("type", "team")
    if kind not in RULE_TYPES:
        raise fail("type", f"unknown rule type {kind!r} (known: {', '.join(RULE_TYPES)})")
    team_name = table.get("team")
    if kind == "account_owner" and team_name is not None:
        raise fail("team", "an account_owner rule routes to the owner and takes no team")
    if kind == "team" and team_name not in teams:
        raise fail("team", f"unknown team {team_name!r} (known: {', '.join(teams)})")
    label = table.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise fail("label", "label must be non-empty text")
    low, high = _whole(table.get("employees_min")), _whole(table.get("employees_max"))
    for key, bound in (("employees_min", low), ("employees_max", high)):
        if table.get(key) is not None and bound is None:
            raise fail(key, f"{key} must be a whole number")
    if low is not None and high is not None and low > high:
        raise fail("employees_max", f"employees_max {high} is below employees_min {low}")
    campaign_ids = _list(fail, table, "campaign_ids", _is_int)
    try:
        postal_codes = tuple(
            PostalCodePattern.parse(text) for text in _list(fail, table, "postal_codes", _is_text)
        )
    except ValueError as error:
        raise fail("postal_codes", str(error)) from None
    return RoutingRule(
        team=teams[str(team_name)] if kind == "team" else None,
        countries=tuple(_list(fail, table, "countries", _is_text)),
        postal_codes=postal_codes,
        industries=tuple(_list(fail, table, "industries", _is_text)),
        employees_min=low,
        employees_max=high,
        campaign_ids=frozenset(campaign_ids),
        label=label.strip() if isinstance(label, str) else None,
    )


def _list(
    fail: Fail, table: dict[str, object], key: str, check: Callable[[object], TypeGuard[T]]
) -> list[T]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(check(v) for v in values):
        kind = "whole numbers" if check is _is_int else "texts"
        raise fail(key, f"{key} must be a list of {kind}")
    return [value for value in values if check(value)]


def _whole(value: object) -> int | None:
    return value if _is_int(value) else None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())
