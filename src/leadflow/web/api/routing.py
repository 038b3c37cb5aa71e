"""Routing endpoints: rules, capacities, absences, and routing (or simulating) a lead."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.routing import RoutingRules
from leadflow.domain.stages import Actor
from leadflow.services.handover.routing import (
    absences,
    add_absence,
    assignments_of,
    current_routing_rules,
    remove_absence,
    route_lead,
    set_capacity,
    set_routing_rules,
    simulate_route,
)
from leadflow.web.api.deps import DbDep, NowDep, PrincipalDep
from leadflow.web.api.routing_schemas import (
    AbsenceCreate,
    AbsencePublic,
    AssignmentPublic,
    CapacityUpdate,
    RoutingDecisionPublic,
    RoutingRulesPublic,
)
from leadflow.web.api.toml_body import TOML_BODY, TomlDocument
from leadflow.web.ids import IdPath

router = APIRouter(prefix="/api/v1", tags=["routing"])


@router.get("/routing/rules", response_model=RoutingRulesPublic)
def read_routing_rules(db: DbDep, principal: PrincipalDep) -> RoutingRulesPublic:
    """The routing rules as TOML (ordered rules, teams with weights, the default team)."""
    with reading(db, principal.workspace_id) as uow:
        text, rules = current_routing_rules(uow)
    return _rules_public(text, rules)


@router.put("/routing/rules", response_model=RoutingRulesPublic, openapi_extra=TOML_BODY)
def replace_routing_rules(
    toml: TomlDocument, db: DbDep, principal: PrincipalDep
) -> RoutingRulesPublic:
    """Store routing rules (text/plain TOML or JSON {"toml": ...}); admins only."""
    rules = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: set_routing_rules(uow, toml, by=principal),
    )
    return _rules_public(toml, rules)


@router.put("/routing/capacity/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def change_capacity(
    user_id: IdPath, body: CapacityUpdate, db: DbDep, principal: PrincipalDep
) -> Response:
    """How many leads a user gets in 30 days (null: no limit); admins only."""
    in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: set_capacity(uow, user_id, body.leads_per_30_days, by=principal),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/routing/absences", response_model=list[AbsencePublic])
def list_absences(db: DbDep, principal: PrincipalDep) -> list[AbsencePublic]:
    """Absences of the workspace's users; absent users get no leads."""
    with reading(db, principal.workspace_id) as uow:
        stored = absences(uow)
    return [
        AbsencePublic(
            id=item.id,
            user_id=item.absence.user_id,
            first_day=item.absence.first_day,
            last_day=item.absence.last_day,
            note=item.note,
        )
        for item in stored
    ]


@router.post("/routing/absences", response_model=AbsencePublic, status_code=201)
def create_absence(
    body: AbsenceCreate, db: DbDep, principal: PrincipalDep, now: NowDep
) -> AbsencePublic:
    """Record an absence (one's own, or anyone's as admin)."""
    absence_id = in_unit_of_work(
        db,
        principal.workspace_id,
        lambda uow: add_absence(
            uow, body.user_id, body.first_day, body.last_day, note=body.note, by=principal, now=now
        ),
    )
    return AbsencePublic(id=absence_id, **body.model_dump())


@router.delete("/routing/absences/{absence_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_absence(absence_id: IdPath, db: DbDep, principal: PrincipalDep) -> Response:
    """Remove an absence; admins only."""
    in_unit_of_work(
        db, principal.workspace_id, lambda uow: remove_absence(uow, absence_id, by=principal)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/leads/{lead_id}/route", response_model=RoutingDecisionPublic)
def route(
    lead_id: IdPath, db: DbDep, principal: PrincipalDep, now: NowDep, simulate: bool = False
) -> RoutingDecisionPublic:
    """Route the lead now, or with `simulate=true` only explain who would get it and why."""
    if simulate:
        with reading(db, principal.workspace_id) as uow:
            decision = simulate_route(uow, now=now, lead_id=lead_id)
    else:
        principal.require(Actor.MARKETING, Actor.SALES)
        decision = in_unit_of_work(
            db,
            principal.workspace_id,
            lambda uow: route_lead(uow, lead_id, now=now),
        )
    return RoutingDecisionPublic(
        lead_id=lead_id,
        user_id=decision.user_id,
        team=decision.team,
        rule_number=decision.rule_number,
        reason=decision.reason,
        assigned=not simulate,
    )


@router.get("/leads/{lead_id}/assignments", response_model=list[AssignmentPublic])
def list_assignments(lead_id: IdPath, db: DbDep, principal: PrincipalDep) -> list[AssignmentPublic]:
    """Every routing decision about the lead with its reason, oldest first."""
    with reading(db, principal.workspace_id) as uow:
        found = assignments_of(uow, lead_id)
    return [AssignmentPublic.model_validate(a, from_attributes=True) for a in found]


def _rules_public(toml: str | None, rules: RoutingRules | None) -> RoutingRulesPublic:
    return RoutingRulesPublic(
        toml=toml,
        rules=len(rules.rules) if rules else 0,
        default_team=rules.default_team.name if rules else None,
    )
