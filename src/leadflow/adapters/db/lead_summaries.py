"""A lead as one line of a list or one card of the board: the lead with its contact's name and
its company, read in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from leadflow.adapters.db.tables import accounts, contacts, leads, predictive_scores, sla_clocks
from leadflow.domain.stages import Stage

LEAD_WITH_PARTIES = (
    leads.join(contacts, contacts.c.id == leads.c.contact_id)
    .outerjoin(accounts, accounts.c.id == leads.c.account_id)
    .outerjoin(
        predictive_scores,
        (predictive_scores.c.workspace_id == leads.c.workspace_id)
        & (predictive_scores.c.lead_id == leads.c.id),
    )
)
SLA_DUE_AT = (
    select(func.min(sla_clocks.c.due_at))
    .where(sla_clocks.c.lead_id == leads.c.id, sla_clocks.c.stopped_at.is_(None))
    .correlate(leads)
    .scalar_subquery()
)


def live(workspace_id: int) -> ColumnElement[bool]:
    """The workspace's leads that were not merged into another lead."""
    return (leads.c.workspace_id == workspace_id) & leads.c.merged_into_id.is_(None)


@dataclass(frozen=True)
class LeadSummary:
    id: int
    version: int
    stage: Stage
    grade: str | None
    source: str | None
    owner_id: int | None
    campaign_id: int | None
    created_at: datetime
    stage_entered_at: datetime
    first_name: str | None
    last_name: str | None
    email: str | None
    job_title: str | None
    company: str | None
    fit_score: int | None = None
    engagement_score: float | None = None
    sql_probability: float | None = None
    sla_due_at: datetime | None = None

    @property
    def name(self) -> str:
        full = " ".join(part for part in (self.first_name, self.last_name) if part)
        return full or self.email or f"#{self.id}"


def summaries(workspace_id: int, *conditions: ColumnElement[bool]) -> Select[Any]:
    """The summary columns of the workspace's leads that meet the conditions."""
    return (
        select(
            leads.c.id,
            leads.c.version,
            leads.c.stage,
            leads.c.grade,
            leads.c.source,
            leads.c.owner_id,
            leads.c.campaign_id,
            leads.c.created_at,
            leads.c.stage_entered_at,
            contacts.c.first_name,
            contacts.c.last_name,
            contacts.c.email,
            contacts.c.job_title,
            accounts.c.name.label("company"),
            leads.c.fit_score,
            leads.c.engagement_score,
            predictive_scores.c.sql_probability,
            SLA_DUE_AT.label("sla_due_at"),
        )
        .select_from(LEAD_WITH_PARTIES)
        .where(live(workspace_id), *conditions)
    )


def summary_from_row(row: Any) -> LeadSummary:
    return LeadSummary(
        id=row.id,
        version=row.version,
        stage=Stage(row.stage),
        grade=row.grade,
        source=row.source,
        owner_id=row.owner_id,
        campaign_id=row.campaign_id,
        created_at=row.created_at,
        stage_entered_at=row.stage_entered_at,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        job_title=row.job_title,
        company=row.company,
        fit_score=row.fit_score,
        engagement_score=row.engagement_score,
        sql_probability=row.sql_probability,
        sla_due_at=row.sla_due_at,
    )
