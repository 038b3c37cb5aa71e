"""A lead: one contact's path through the funnel of one workspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from leadflow.domain.custom_fields import FieldCondition, FieldValue
from leadflow.domain.errors import InvalidInput, StaleLead
from leadflow.domain.lifecycle import Move, TransitionTable
from leadflow.domain.party import Account, Contact
from leadflow.domain.stages import Actor, Stage


@dataclass(frozen=True)
class StageChange:
    """One entry of the append-only stage log."""

    lead_id: int
    source: Stage | None
    target: Stage
    at: datetime
    actor: Actor
    by_user_id: int | None
    reason: str | None
    note: str | None
    automatic: bool


@dataclass
class Lead:
    workspace_id: int
    contact_id: int
    stage: Stage
    created_at: datetime
    stage_entered_at: datetime
    id: int | None = None
    account_id: int | None = None
    campaign_id: int | None = None
    owner_id: int | None = None
    source: str | None = None
    grade: str | None = None
    version: int = 1
    extras: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, object] | None = None
    custom_fields: dict[str, FieldValue] = field(default_factory=dict)
    deal_value: Decimal | None = None
    """What a won deal is worth (EUR), for campaign ROI."""

    def check_version(self, expected: int | None) -> None:
        if expected is not None and expected != self.version:
            raise StaleLead(self.id, expected, self.version)

    def apply(
        self, move: Move, *, at: datetime, by_user_id: int | None, note: str | None = None
    ) -> StageChange:
        """Carry out a move decided by the transition table and return its log entry."""
        if move.source is not self.stage:
            raise InvalidInput(f"move starts at {move.source}, lead is at {self.stage}")
        if self.id is None:
            raise InvalidInput("a lead must be stored before it moves")
        if move.target is Stage.SAL and self.owner_id is None:
            self.owner_id = by_user_id
        self.stage = move.target
        self.stage_entered_at = at
        self.version += 1
        return StageChange(
            lead_id=self.id,
            source=move.source,
            target=move.target,
            at=at,
            actor=move.actor,
            by_user_id=by_user_id,
            reason=move.reason,
            note=note,
            automatic=move.automatic,
        )


def enter(table: TransitionTable, stage: Stage, actor: Actor, reason: str | None = None) -> Move:
    """Decide the first move of a new lead into its starting stage."""
    return table.decide(None, stage, actor, reason)


@dataclass(frozen=True)
class LeadDetails:
    """A lead with its contact and account, as lists and pages show it."""

    lead: Lead
    contact: Contact
    account: Account | None


@dataclass(frozen=True)
class LeadFilter:
    stage: Stage | None = None
    grade: str | None = None
    owner_id: int | None = None
    campaign_id: int | None = None
    source: str | None = None
    search: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    fields: tuple[FieldCondition, ...] = ()
