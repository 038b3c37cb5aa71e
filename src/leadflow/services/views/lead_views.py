"""What the lead pages show, each read in one unit of work: one lead's page, the dialog of a
move, and the lead list."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from leadflow.adapters.db.lead_listing import ListFilter, ListingPage
from leadflow.adapters.db.lead_summaries import LeadSummary
from leadflow.adapters.db.scoring import StoredTouch
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.activity import Activity, Task
from leadflow.domain.campaign import Campaign
from leadflow.domain.custom_fields import FieldDefinition
from leadflow.domain.engagement import cell_range
from leadflow.domain.errors import ModelNotTrained
from leadflow.domain.lead import LeadDetails, StageChange
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.privacy import BasisEntry, Purpose
from leadflow.domain.qualification import Assessment, Framework
from leadflow.domain.workspace import Member
from leadflow.services.handover.clock import SlaState, sla_state_for
from leadflow.services.intake.merges import MergeRecord, merges_of
from leadflow.services.lifecycle import rules
from leadflow.services.prediction.prediction_views import LeadPrediction, lead_prediction
from leadflow.services.privacy.consent import legal_bases
from leadflow.services.scores.scoring import LeadScore, lead_score
from leadflow.services.scores.scoring_settings import current_scoring_settings
from leadflow.services.workspaces.directory import workspace_members


@dataclass(frozen=True)
class LeadPageView:
    """Everything the lead page shows of one lead."""

    details: LeadDetails
    card: LeadSummary | None
    history: list[StageChange]
    """Newest first."""
    framework: Framework
    transitions: TransitionTable
    assessments: list[Assessment]
    activities: list[Activity]
    tasks: list[Task]
    members: dict[int, Member]
    campaign: Campaign | None
    score: LeadScore
    sla: SlaState | None
    prediction: LeadPrediction | None
    """None until a model is trained."""
    bases: dict[Purpose, BasisEntry]
    fields: list[FieldDefinition]
    touches: list[StoredTouch]
    """Newest first: the timeline of the lead's touches."""
    campaign_names: dict[int, str]
    """Of the campaigns the touches name."""
    merges: list[MergeRecord]
    """The merge log entries the lead takes part in, oldest first."""


def lead_page_view(uow: UnitOfWork, lead_id: int, *, now: datetime) -> LeadPageView:
    """One lead with its card, stage history, qualification, work, scores, hand-over, legal
    bases and prediction; LeadNotFound when the workspace has no such lead."""
    details = uow.leads.details(lead_id)
    config = uow.directory.workspace_config(uow.workspace_id)
    campaign_id = details.lead.campaign_id
    try:
        prediction: LeadPrediction | None = lead_prediction(uow, lead_id)
    except ModelNotTrained:
        prediction = None
    bases, _history = legal_bases(uow, lead_id)
    touches = list(reversed(uow.scoring.touches(lead_id)))
    named = {t.touch.campaign_id for t in touches if t.touch.campaign_id is not None}
    return LeadPageView(
        details=details,
        card=uow.pipeline.card(lead_id),
        history=list(reversed(uow.leads.history(lead_id))),
        framework=rules.framework(config),
        transitions=rules.transition_table(config),
        assessments=uow.leads.assessments(lead_id),
        activities=uow.work.activities(lead_id),
        tasks=uow.work.tasks(lead_id),
        members=members_by_id(uow),
        campaign=uow.campaigns.get(campaign_id) if campaign_id is not None else None,
        score=lead_score(uow, lead_id, at=now),
        sla=sla_state_for(uow, lead_id, now),
        prediction=prediction,
        bases=bases,
        fields=uow.fields.all(),
        touches=touches,
        campaign_names={c.id: c.name for c in uow.campaigns.all() if c.id in named},
        merges=merges_of(uow, lead_id),
    )


@dataclass(frozen=True)
class MoveDialogView:
    """A lead and the moves of the workspace: what the dialog of one move shows."""

    details: LeadDetails
    transitions: TransitionTable


def move_dialog_view(uow: UnitOfWork, lead_id: int) -> MoveDialogView:
    """The lead with the workspace's transition table; LeadNotFound for an unknown lead."""
    details = uow.leads.details(lead_id)
    config = uow.directory.workspace_config(uow.workspace_id)
    return MoveDialogView(details, rules.transition_table(config))


@dataclass(frozen=True)
class LeadListView:
    """One page of the lead list, with the choices its filters offer."""

    page: ListingPage
    members: dict[int, Member]
    campaigns: list[Campaign]
    sources: list[str]


def lead_list_view(
    uow: UnitOfWork,
    where: ListFilter,
    *,
    sort: str,
    after: str | None,
    before: str | None,
    limit: int,
    cell: str | None = None,
) -> LeadListView:
    """The leads matching the filter, one page after (or before) a cursor, with the workspace's
    members, campaigns and lead sources to filter by; `cell` ('A1' .. 'D3') keeps the leads of
    one cell of the grade x engagement matrix by the workspace's engagement bands."""
    if cell:
        bands = current_scoring_settings(uow).engagement
        where = replace(where, cell=cell_range(cell, bands))
    listing = uow.listing
    return LeadListView(
        page=listing.page(where, sort=sort, after=after, before=before, limit=limit),
        members=members_by_id(uow),
        campaigns=uow.campaigns.all(),
        sources=listing.sources(),
    )


def members_by_id(uow: UnitOfWork) -> dict[int, Member]:
    """The workspace's members by user id."""
    return {member.user_id: member for member in workspace_members(uow)}
