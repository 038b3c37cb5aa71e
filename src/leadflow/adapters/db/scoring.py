"""Fit rule set versions, the scores stored on leads, and the touch log of one workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.fit_facts import fact_select_columns, facts_from_row
from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import accounts, contacts, fit_rule_sets, leads, touches
from leadflow.domain.engagement import Touch, TouchType
from leadflow.domain.errors import LeadNotFound, NotFound
from leadflow.domain.stages import Stage


@dataclass(frozen=True)
class StoredRuleSet:
    version: int
    rules_toml: str
    created_at: datetime
    created_by_user_id: int | None


@dataclass(frozen=True)
class StoredScores:
    """What a lead carries: its stage and grade, and its scores as last computed."""

    lead_id: int
    stage: Stage
    grade: str | None
    fit_score: int | None
    fit_rules_version: int | None
    fit_matches: str | None
    engagement_score: float | None
    engagement_scored_at: datetime | None


@dataclass(frozen=True)
class StoredTouch:
    id: int
    lead_id: int
    touch: Touch
    asks_for_contact: bool
    origin: str


class ScoringRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def current_rule_set(self) -> StoredRuleSet | None:
        row = self.connection.execute(
            select(fit_rule_sets)
            .where(fit_rule_sets.c.workspace_id == self.workspace_id)
            .order_by(fit_rule_sets.c.version.desc())
            .limit(1)
        ).first()
        return _rule_set(row) if row is not None else None

    def rule_set(self, version: int) -> StoredRuleSet:
        row = self.connection.execute(
            select(fit_rule_sets).where(
                fit_rule_sets.c.workspace_id == self.workspace_id,
                fit_rule_sets.c.version == version,
            )
        ).first()
        if row is None:
            raise NotFound("fit rule set version", version)
        return _rule_set(row)

    def add_rule_set(self, rules_toml: str, by_user_id: int | None, now: datetime) -> int:
        """Store a new version of the rules; older versions stay to explain older scores."""
        latest = self.connection.execute(
            select(func.max(fit_rule_sets.c.version)).where(
                fit_rule_sets.c.workspace_id == self.workspace_id
            )
        ).scalar()
        version = int(latest or 0) + 1
        self.connection.execute(
            insert(fit_rule_sets).values(
                workspace_id=self.workspace_id,
                version=version,
                rules_toml=rules_toml,
                created_at=now,
                created_by_user_id=by_user_id,
            )
        )
        return version

    def facts(self, lead_id: int) -> dict[str, object]:
        row = (
            self.connection.execute(
                select(*fact_select_columns())
                .select_from(
                    leads.join(contacts, contacts.c.id == leads.c.contact_id).outerjoin(
                        accounts, accounts.c.id == leads.c.account_id
                    )
                )
                .where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
            )
            .mappings()
            .first()
        )
        if row is None:
            raise LeadNotFound(lead_id)
        return facts_from_row(row)

    def scores(self, lead_id: int, *, lock: bool = False) -> StoredScores:
        """The lead's stored scores; `lock` holds the row until the transaction ends.

        The lock is FOR NO KEY UPDATE: it queues score writers, but not the inserts of rows
        that reference the lead (their KEY SHARE lock would deadlock against FOR UPDATE)."""
        query = select(
            leads.c.id,
            leads.c.stage,
            leads.c.grade,
            leads.c.fit_score,
            leads.c.fit_rules_version,
            leads.c.fit_matches,
            leads.c.engagement_score,
            leads.c.engagement_scored_at,
        ).where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
        row = self.connection.execute(
            query.with_for_update(key_share=True) if lock else query
        ).first()
        if row is None:
            raise LeadNotFound(lead_id)
        return StoredScores(
            row.id,
            Stage(row.stage),
            row.grade,
            row.fit_score,
            row.fit_rules_version,
            row.fit_matches,
            row.engagement_score,
            row.engagement_scored_at,
        )

    def save_fit(self, lead_id: int, points: int, version: int | None, matches: str) -> None:
        self.connection.execute(
            update(leads)
            .where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
            .values(fit_score=points, fit_rules_version=version, fit_matches=matches)
        )

    def touched_leads(self) -> list[int]:
        """The ids of the leads with at least one touch."""
        rows = self.connection.execute(
            select(touches.c.lead_id)
            .where(touches.c.workspace_id == self.workspace_id)
            .distinct()
            .order_by(touches.c.lead_id)
        )
        return [int(lead_id) for (lead_id,) in rows]

    def save_engagement(self, lead_id: int, engagement: float, at: datetime) -> None:
        self.connection.execute(
            update(leads)
            .where(leads.c.workspace_id == self.workspace_id, leads.c.id == lead_id)
            .values(engagement_score=engagement, engagement_scored_at=at)
        )

    def add_touch(
        self, lead_id: int, touch: Touch, *, asks_for_contact: bool, origin: str, now: datetime
    ) -> int:
        result = self.connection.execute(
            insert(touches).values(
                workspace_id=self.workspace_id,
                lead_id=lead_id,
                type=touch.type.value,
                at=touch.at,
                campaign_id=touch.campaign_id,
                asks_for_contact=asks_for_contact,
                origin=origin,
                created_at=now,
            )
        )
        return inserted_id(result)

    def touches(self, lead_id: int) -> list[StoredTouch]:
        """The lead's touch log, oldest first."""
        rows = self.connection.execute(
            select(touches)
            .where(touches.c.workspace_id == self.workspace_id, touches.c.lead_id == lead_id)
            .order_by(touches.c.at, touches.c.id)
        )
        return [
            StoredTouch(
                row.id,
                row.lead_id,
                Touch(TouchType(row.type), row.at, row.campaign_id),
                row.asks_for_contact,
                row.origin,
            )
            for row in rows
        ]

    def threshold_candidates(self, min_fit: int, min_engagement: float) -> list[int]:
        """Prospects and nurture leads whose stored scores reach the threshold.

        Engagement only decays between touches, so the stored value is an upper bound of the
        current one: the list may hold too many leads, never too few.
        """
        rows = self.connection.execute(
            select(leads.c.id)
            .where(
                leads.c.workspace_id == self.workspace_id,
                leads.c.stage.in_([Stage.PROSPECT.value, Stage.NURTURE.value]),
                leads.c.fit_score >= min_fit,
                func.coalesce(leads.c.engagement_score, 0.0) >= min_engagement,
            )
            .order_by(leads.c.id)
        )
        return [row.id for row in rows]


def _rule_set(row: Any) -> StoredRuleSet:
    return StoredRuleSet(row.version, row.rules_toml, row.created_at, row.created_by_user_id)
