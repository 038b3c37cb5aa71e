"""A lead's move through the funnel: checked against the workspace's transition table and
qualification gate, stored, logged, and followed by its effects."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain import qualification
from leadflow.domain.errors import InvalidInput
from leadflow.domain.lead import Lead, StageChange
from leadflow.domain.lifecycle import GATE_QUALIFICATION
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Stage
from leadflow.services.lifecycle import rules, stage_effects


def move_lead(
    uow: UnitOfWork,
    lead_id: int,
    target: Stage,
    *,
    by: Principal,
    now: datetime,
    reason: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
    deal_value: Decimal | None = None,
) -> Lead:
    """Move a lead to another stage through the workspace's transition table; a move to won
    may say what the deal is worth."""
    lead = uow.leads.get(lead_id)
    lead.check_version(expected_version)
    if deal_value is not None:
        if target is not Stage.WON:
            raise InvalidInput("a deal value goes with a move to won", field="deal_value")
        if deal_value < 0:
            raise InvalidInput("a deal value cannot be negative", field="deal_value")
    config = uow.directory.workspace_config(uow.workspace_id)
    move = rules.transition_table(config).decide(lead.stage, target, by.actor, reason)
    if move.rule.gate == GATE_QUALIFICATION:
        framework = rules.framework(config)
        statuses = qualification.current_statuses(framework, uow.leads.assessments(lead_id))
        qualification.check_gate(framework, statuses, qualification.grade(framework, statuses))
    read_version = lead.version
    change = lead.apply(move, at=now, by_user_id=by.user_id, note=note)
    if deal_value is not None:
        lead.deal_value = deal_value
    uow.leads.save(lead, read_version=read_version, now=now)
    uow.leads.log(change)
    stage_effects.stage_changed(uow, lead, change, now=now)
    return lead


def stage_history(uow: UnitOfWork, lead_id: int) -> list[StageChange]:
    """The lead's stage log, oldest first; LeadNotFound for a lead the workspace lacks."""
    uow.leads.get(lead_id)
    return uow.leads.history(lead_id)
