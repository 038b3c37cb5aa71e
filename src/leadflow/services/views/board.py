"""What the pipeline board shows, read in one unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leadflow.adapters.db.lead_summaries import LeadSummary
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.stages import Stage
from leadflow.domain.workspace import Member
from leadflow.services.lifecycle import rules
from leadflow.services.views.lead_views import members_by_id


@dataclass(frozen=True)
class BoardView:
    """The board's columns, each a stage with its lead count and latest cards."""

    columns: list[tuple[Stage, int, list[LeadSummary]]]
    members: dict[int, Member]
    transitions: TransitionTable


def board_view(
    uow: UnitOfWork, stages: Sequence[Stage], *, cards: int, owner_id: int | None = None
) -> BoardView:
    """A column per stage with its count and the `cards` leads that entered it last; with an
    owner, only that user's leads."""
    pipeline = uow.pipeline
    counts = pipeline.counts(owner_id)
    return BoardView(
        columns=[
            (stage, counts[stage], pipeline.cards(stage, cards, owner_id)) for stage in stages
        ],
        members=members_by_id(uow),
        transitions=rules.transition_table(uow.directory.workspace_config(uow.workspace_id)),
    )
