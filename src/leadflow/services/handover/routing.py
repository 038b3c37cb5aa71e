"""Routing new MQLs to sales: rules, weighted round robin, capacity and absence."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from leadflow.adapters.db.routing import RoutingRepository, StoredAbsence, StoredAssignment
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import InvalidInput
from leadflow.domain.notification_mail import LEAD_ASSIGNED
from leadflow.domain.principal import Principal
from leadflow.domain.routing import (
    Absence,
    Assignment,
    RoutingFacts,
    RoutingRules,
    TeamState,
    route,
)
from leadflow.domain.routing_toml import parse_routing_rules
from leadflow.domain.stages import Actor
from leadflow.domain.webhooks import ASSIGNED
from leadflow.services.handover.sla_settings import sla_settings
from leadflow.services.notifications.inbox import notify
from leadflow.services.webhooks import events

CONFIG_KEY = "routing"
CAPACITY_WINDOW = timedelta(days=30)


def routing_toml(config: Mapping[str, object]) -> str | None:
    stored = config.get(CONFIG_KEY)
    if isinstance(stored, Mapping) and isinstance(stored.get("toml"), str):
        return str(stored["toml"])
    return None


def routing_rules(config: Mapping[str, object]) -> RoutingRules | None:
    """The workspace's rules, or None when it routes nothing (leads stay unassigned)."""
    text = routing_toml(config)
    return parse_routing_rules(text) if text is not None else None


def current_routing_rules(uow: UnitOfWork) -> tuple[str | None, RoutingRules | None]:
    """The workspace's routing rules as stored TOML and parsed; (None, None) when it has none."""
    config = uow.directory.workspace_config(uow.workspace_id)
    return routing_toml(config), routing_rules(config)


def set_routing_rules(uow: UnitOfWork, toml_text: str, *, by: Principal) -> RoutingRules:
    """Check and store the routing rules; every team member must be a user of the workspace."""
    by.require(Actor.ADMIN)
    rules = parse_routing_rules(toml_text)
    members = {member.user_id for member in uow.directory.members(uow.workspace_id)}
    teams = [rules.default_team, *(rule.team for rule in rules.rules if rule.team is not None)]
    for team in teams:
        for member in team.members:
            if member.user_id not in members:
                raise InvalidInput(
                    f"team {team.name!r}: user {member.user_id} is not in this workspace",
                    field="team.members",
                )
    config = uow.directory.workspace_config(uow.workspace_id)
    config[CONFIG_KEY] = {"toml": toml_text}
    uow.directory.set_workspace_config(uow.workspace_id, config)
    return rules


def simulate_route(
    uow: UnitOfWork, *, now: datetime, lead_id: int | None = None, facts: RoutingFacts | None = None
) -> Assignment:
    """Who would get the lead (or a lead with these facts) now, and why; nothing is assigned."""
    rules = _rules(uow)
    repository = uow.routing
    if facts is None:
        if lead_id is None:
            raise InvalidInput("give a lead or its facts", field="lead")
        facts = repository.facts(lead_id)
    return route(facts, rules, _team_state(repository, now), _today(uow, now))


def route_lead(uow: UnitOfWork, lead_id: int, *, now: datetime) -> Assignment:
    """Assign the lead by the workspace's rules, keep the reason and tell the webhooks."""
    rules = _rules(uow)
    repository = uow.routing
    repository.lock()
    facts = repository.facts(lead_id)
    assignment = route(facts, rules, _team_state(repository, now), _today(uow, now))
    assignment_id = repository.add_assignment(
        lead_id,
        user_id=assignment.user_id,
        team=assignment.team,
        rule_number=assignment.rule_number,
        reason=assignment.reason,
        at=now,
    )
    if assignment.user_id is not None:
        repository.set_owner(lead_id, assignment.user_id)
        uow.sla.set_assignee(lead_id, assignment.user_id)
        if assignment.team is not None:
            weights = assignment.next_state.round_robin.get(assignment.team, {})
            repository.save_round_robin(assignment.team, dict(weights))
        notify(
            uow, assignment.user_id, LEAD_ASSIGNED, lead_id=lead_id,
            params={"team": assignment.team}, cause=f"assigned:{assignment_id}", now=now,
        )  # fmt: skip
    events.record(
        uow,
        ASSIGNED,
        {
            "lead_id": lead_id,
            "user_id": assignment.user_id,
            "team": assignment.team,
            "rule_number": assignment.rule_number,
            "reason": assignment.reason,
            "at": now.isoformat(),
        },
        now=now,
    )
    return assignment


def route_new_mql(uow: UnitOfWork, lead_id: int, owner_id: int | None, now: datetime) -> None:
    """Route a lead that just became an MQL, unless it has an owner or the workspace no rules."""
    if owner_id is None and routing_rules(uow.directory.workspace_config(uow.workspace_id)):
        route_lead(uow, lead_id, now=now)


def assignments_of(uow: UnitOfWork, lead_id: int) -> list[StoredAssignment]:
    """Every routing decision about the lead, oldest first."""
    uow.leads.get(lead_id)
    return uow.routing.assignments(lead_id)


def set_capacity(
    uow: UnitOfWork, user_id: int, leads_per_30_days: int | None, *, by: Principal
) -> None:
    """Limit how many leads a user gets in 30 days (None: no limit)."""
    by.require(Actor.ADMIN)
    uow.directory.member(uow.workspace_id, user_id)
    if leads_per_30_days is not None and leads_per_30_days < 0:
        raise InvalidInput("capacity must not be negative", field="leads_per_30_days")
    uow.routing.set_capacity(user_id, leads_per_30_days)


def add_absence(
    uow: UnitOfWork,
    user_id: int,
    first_day: date,
    last_day: date,
    *,
    note: str | None,
    by: Principal,
    now: datetime,
) -> int:
    """Record that a user takes no leads from first_day to last_day (both included)."""
    if by.user_id != user_id:
        by.require(Actor.ADMIN)
    uow.directory.member(uow.workspace_id, user_id)
    if last_day < first_day:
        raise InvalidInput("the last day lies before the first", field="last_day")
    absence = Absence(user_id, first_day, last_day)
    return uow.routing.add_absence(absence, note, now)


def absences(uow: UnitOfWork) -> list[StoredAbsence]:
    """The absences of the workspace's users."""
    return uow.routing.absences()


def capacities(uow: UnitOfWork) -> dict[int, int]:
    """How many leads each limited user gets in 30 days, by user id."""
    return uow.routing.capacities()


def remove_absence(uow: UnitOfWork, absence_id: int, *, by: Principal) -> None:
    """Remove an absence; admins only."""
    by.require(Actor.ADMIN)
    uow.routing.remove_absence(absence_id)


def _rules(uow: UnitOfWork) -> RoutingRules:
    rules = routing_rules(uow.directory.workspace_config(uow.workspace_id))
    if rules is None:
        raise InvalidInput(
            "the workspace has no routing rules yet: set them first", field="routing"
        )
    return rules


def _team_state(repository: RoutingRepository, now: datetime) -> TeamState:
    return TeamState(
        round_robin=repository.round_robin(),
        assigned_last_30_days=repository.assigned_since(now - CAPACITY_WINDOW),
        capacity=repository.capacities(),
        absences=tuple(stored.absence for stored in repository.absences()),
    )


def _today(uow: UnitOfWork, now: datetime) -> date:
    zone = ZoneInfo(sla_settings(uow.directory.workspace_config(uow.workspace_id)).time_zone)
    return now.astimezone(zone).date()
