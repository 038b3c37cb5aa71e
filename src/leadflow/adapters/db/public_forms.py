"""Public lead forms: found by their key across workspaces (the key is all a visitor has),
their settings, and the rate-limit window, kept in the database so every worker sees it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.campaigns import campaign_from_row
from leadflow.adapters.db.tables import campaigns, form_hits
from leadflow.domain.campaign import Campaign
from leadflow.domain.errors import NotFound

KEEP = timedelta(days=1)


def campaign_of_form(connection: Connection, form_key: str) -> tuple[Campaign, dict[str, Any]]:
    """The campaign that owns a form key, and its stored form settings."""
    row = connection.execute(select(campaigns).where(campaigns.c.form_key == form_key)).first()
    if row is None:
        raise NotFound("lead form", form_key)
    return campaign_from_row(row), dict(row.form_config or {})


def set_form_settings(
    connection: Connection, workspace_id: int, campaign_id: int, settings: dict[str, Any]
) -> None:
    changed = connection.execute(
        update(campaigns)
        .where(campaigns.c.workspace_id == workspace_id, campaigns.c.id == campaign_id)
        .values(form_config=settings)
    ).rowcount
    if not changed:
        raise NotFound("campaign", campaign_id)


def form_of_campaign(
    connection: Connection, workspace_id: int, campaign_id: int
) -> tuple[Campaign, dict[str, Any]]:
    """A campaign of the workspace and its stored form settings (404 for another's)."""
    row = connection.execute(
        select(campaigns).where(
            campaigns.c.workspace_id == workspace_id, campaigns.c.id == campaign_id
        )
    ).first()
    if row is None:
        raise NotFound("campaign", campaign_id)
    return campaign_from_row(row), dict(row.form_config or {})


class FormHits:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def count(
        self,
        campaign_id: int,
        since: datetime,
        client_key: str | None = None,
        *,
        person_key: str | None = None,
    ) -> int:
        query = select(func.count()).where(
            form_hits.c.workspace_id == self.workspace_id,
            form_hits.c.campaign_id == campaign_id,
            form_hits.c.at >= since,
        )
        if client_key is not None:
            query = query.where(form_hits.c.client_key == client_key)
        if person_key is not None:
            query = query.where(form_hits.c.person_key == person_key)
        return int(self.connection.execute(query).scalar_one())

    def add(
        self, campaign_id: int, client_key: str, at: datetime, person_key: str | None = None
    ) -> None:
        """Count a submission, and forget those older than a day."""
        self.connection.execute(
            delete(form_hits).where(
                form_hits.c.workspace_id == self.workspace_id,
                form_hits.c.campaign_id == campaign_id,
                form_hits.c.at < at - KEEP,
            )
        )
        self.connection.execute(
            insert(form_hits).values(
                workspace_id=self.workspace_id,
                campaign_id=campaign_id,
                client_key=client_key,
                person_key=person_key,
                at=at,
            )  # fmt: skip
        )
