"""Who gets a new MQL: ordered rules pick a team, weighted round robin picks a person in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date


@dataclass(frozen=True)
class RoutingFacts:
    """What routing looks at in a lead."""

    country: str | None = None
    postal_code: str | None = None
    industry: str | None = None
    employees: int | None = None
    campaign_id: int | None = None
    account_owner_id: int | None = None


@dataclass(frozen=True)
class PostalCodePattern:
    """A range of equally long codes ('70000-79999') or a prefix ('7')."""

    low: str
    high: str | None = None

    @classmethod
    def parse(cls, text: str) -> PostalCodePattern:
        """Read '70000-79999' or '7'; raises ValueError for anything else."""
        low, dash, high = (part.strip().upper() for part in text.partition("-"))
        if not low.isalnum() or (dash and not high.isalnum()):
            raise ValueError(f"postal code pattern {text!r} is neither 'low-high' nor a prefix")
        if dash and (len(low) != len(high) or low > high):
            raise ValueError(f"postal code range {text!r} needs two equally long codes, low first")
        return cls(low, high if dash else None)

    def matches(self, postal_code: str) -> bool:
        code = postal_code.replace(" ", "").upper()
        if self.high is None:
            return code.startswith(self.low)
        return len(code) == len(self.low) and self.low <= code <= self.high

    def __str__(self) -> str:
        return f"{self.low}*" if self.high is None else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class TeamMember:
    user_id: int
    weight: int = 1


@dataclass(frozen=True)
class Team:
    name: str
    members: tuple[TeamMember, ...]


@dataclass(frozen=True)
class RoutingRule:
    """Conditions that all must hold (an empty one holds always) and where the lead goes.

    Without a team the rule routes to the owner of the lead's account, if that owner is available.
    """

    team: Team | None
    countries: tuple[str, ...] = ()
    postal_codes: tuple[PostalCodePattern, ...] = ()
    industries: tuple[str, ...] = ()
    employees_min: int | None = None
    employees_max: int | None = None
    campaign_ids: frozenset[int] = frozenset()
    label: str | None = None

    def matched_conditions(self, facts: RoutingFacts) -> list[str] | None:
        """The conditions in words when all hold, otherwise None."""
        said: list[str] = []
        if self.countries:
            if not _among(facts.country, self.countries):
                return None
            said.append(f"country {(facts.country or '').strip().upper()}")
        if self.postal_codes:
            code = facts.postal_code or ""
            hit = next((p for p in self.postal_codes if code and p.matches(code)), None)
            if hit is None:
                return None
            said.append(f"PLZ {hit}")
        if self.industries:
            if not _among(facts.industry, self.industries):
                return None
            said.append(f"industry {facts.industry}")
        if self.employees_min is not None or self.employees_max is not None:
            size = facts.employees
            low, high = self.employees_min, self.employees_max
            if (
                size is None
                or (low is not None and size < low)
                or (high is not None and size > high)
            ):
                return None
            said.append(f"employees {_size_range(low, high)}")
        if self.campaign_ids:
            if facts.campaign_id not in self.campaign_ids:
                return None
            said.append(f"campaign {facts.campaign_id}")
        return said


@dataclass(frozen=True)
class RoutingRules:
    rules: tuple[RoutingRule, ...]
    default_team: Team


@dataclass(frozen=True)
class Absence:
    """A user is away from `first_day` to `last_day`, both included."""

    user_id: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class TeamState:
    """What routing needs to know about people; the caller loads and persists it.

    `round_robin` holds the smooth weighted round robin's running weights per team and user.
    A user without an entry in `capacity` has no limit.
    """

    round_robin: Mapping[str, Mapping[int, int]] = field(default_factory=dict)
    assigned_last_30_days: Mapping[int, int] = field(default_factory=dict)
    capacity: Mapping[int, int] = field(default_factory=dict)
    absences: tuple[Absence, ...] = ()

    def unavailable_because(self, user_id: int, today: date) -> str | None:
        """Why the user cannot take a lead today, or None when they can."""
        for absence in self.absences:
            if absence.user_id == user_id and absence.first_day <= today <= absence.last_day:
                return f"absent until {absence.last_day.isoformat()}"
        limit = self.capacity.get(user_id)
        load = self.assigned_last_30_days.get(user_id, 0)
        if limit is not None and load >= limit:
            return f"at capacity {load}/{limit}"
        return None

    def after_assigning(self, user_id: int) -> TeamState:
        counts = dict(self.assigned_last_30_days)
        counts[user_id] = counts.get(user_id, 0) + 1
        return replace(self, assigned_last_30_days=counts)


@dataclass(frozen=True)
class Assignment:
    """The routing decision; `next_state` is what to persist if the lead is really assigned."""

    user_id: int | None
    reason: str
    team: str | None
    rule_number: int | None
    next_state: TeamState


def route(facts: RoutingFacts, rules: RoutingRules, state: TeamState, today: date) -> Assignment:
    """Decide who gets the lead and why, without assigning it (the function is pure)."""
    notes: list[str] = []
    for number, rule in enumerate(rules.rules, 1):
        matched = rule.matched_conditions(facts)
        if matched is None:
            continue
        head = rule.label or ", ".join(matched)
        if rule.team is not None:
            where = f"rule {number}: {head or 'any lead'} -> team {rule.team.name}"
            return _round_robin(rule.team, [*notes, where], number, state, today)
        owner = facts.account_owner_id
        if owner is None:
            continue
        said = f"rule {number}: {head + ' -> ' if head else ''}account owner user {owner}"
        why_not = state.unavailable_because(owner, today)
        if why_not is None:
            reason = "; ".join([*notes, said])
            return Assignment(owner, reason, None, number, state.after_assigning(owner))
        notes.append(f"{said} {why_not}, skipped")
    where = f"no rule matched -> default team {rules.default_team.name}"
    return _round_robin(rules.default_team, [*notes, where], None, state, today)


def _round_robin(
    team: Team, said: list[str], rule_number: int | None, state: TeamState, today: date
) -> Assignment:
    eligible: list[TeamMember] = []
    skipped: list[str] = []
    for member in team.members:
        why_not = state.unavailable_because(member.user_id, today)
        if why_not is None:
            eligible.append(member)
        else:
            skipped.append(f"user {member.user_id} {why_not}")
    if not eligible:
        reason = "; ".join([*said, f"nobody available: {', '.join(skipped)}"])
        return Assignment(None, reason, team.name, rule_number, state)

    # Smooth weighted round robin (as in nginx): deterministic, and evenly interleaved.
    running = dict(state.round_robin.get(team.name, {}))
    for member in eligible:
        running[member.user_id] = running.get(member.user_id, 0) + member.weight
    chosen = max(eligible, key=lambda member: running[member.user_id])
    running[chosen.user_id] -= sum(member.weight for member in eligible)

    user = chosen.user_id
    load = state.assigned_last_30_days.get(user, 0)
    limit = state.capacity.get(user)
    count = f"{load}/{limit}" if limit is not None else str(load)
    said = [*said, f"round robin -> user {user} (weight {chosen.weight}, {count} in 30 days)"]
    if skipped:
        said.append(f"skipped {', '.join(skipped)}")
    members_only = {m.user_id: running.get(m.user_id, 0) for m in team.members}
    next_state = replace(
        state.after_assigning(user), round_robin={**state.round_robin, team.name: members_only}
    )
    return Assignment(user, "; ".join(said), team.name, rule_number, next_state)


def _among(value: str | None, choices: tuple[str, ...]) -> bool:
    wanted = (value or "").strip().casefold()
    return bool(wanted) and wanted in {choice.strip().casefold() for choice in choices}


def _size_range(low: int | None, high: int | None) -> str:
    if high is None:
        return f">= {low}"
    if low is None:
        return f"<= {high}"
    return f"{low}-{high}"
