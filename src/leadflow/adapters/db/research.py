"""Reads and writes behind target research: a campaign's profile, the workspace's accounts and
the people at them with their lead, if they have one."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection

from leadflow.adapters.db.tables import accounts, campaigns, contacts, leads
from leadflow.domain.errors import NotFound

_BATCH = 900


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    industry: str | None
    employees: int | None
    country: str | None
    postal_code: str | None


@dataclass(frozen=True)
class PersonRow:
    contact_id: int
    account_id: int
    first_name: str | None
    last_name: str | None
    job_title: str | None
    buying_role: str | None
    lead_id: int | None
    stage: str | None


class ResearchRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def profile(self, campaign_id: int) -> dict[str, Any]:
        row = self.connection.execute(
            select(campaigns.c.target_profile).where(
                campaigns.c.workspace_id == self.workspace_id, campaigns.c.id == campaign_id
            )
        ).first()
        if row is None:
            raise NotFound("campaign", campaign_id)
        return dict(row.target_profile or {})

    def set_profile(self, campaign_id: int, profile: dict[str, Any]) -> None:
        changed = self.connection.execute(
            update(campaigns)
            .where(campaigns.c.workspace_id == self.workspace_id, campaigns.c.id == campaign_id)
            .values(target_profile=profile)
        ).rowcount
        if not changed:
            raise NotFound("campaign", campaign_id)

    def accounts(
        self, *, countries: Collection[str], min_employees: int | None, max_employees: int | None
    ) -> list[AccountRow]:
        query = select(
            accounts.c.id, accounts.c.name, accounts.c.industry, accounts.c.employees,
            accounts.c.country, accounts.c.postal_code,
        ).where(accounts.c.workspace_id == self.workspace_id)  # fmt: skip
        if countries:
            query = query.where(accounts.c.country.in_(sorted(countries)))
        if min_employees is not None:
            query = query.where(accounts.c.employees >= min_employees)
        if max_employees is not None:
            query = query.where(accounts.c.employees <= max_employees)
        return [AccountRow(*row) for row in self.connection.execute(query.order_by(accounts.c.id))]

    def people_at(self, account_ids: Collection[int]) -> list[PersonRow]:
        found: list[PersonRow] = []
        ordered = sorted(account_ids)
        for start in range(0, len(ordered), _BATCH):
            query = (
                select(
                    contacts.c.id,
                    contacts.c.account_id,
                    contacts.c.first_name,
                    contacts.c.last_name,
                    contacts.c.job_title,
                    contacts.c.buying_role,
                    leads.c.id,
                    leads.c.stage,
                )  # fmt: skip
                .select_from(contacts)
                .outerjoin(
                    leads,
                    and_(
                        leads.c.contact_id == contacts.c.id,
                        leads.c.workspace_id == self.workspace_id,
                    ),
                )
                .where(
                    contacts.c.workspace_id == self.workspace_id,
                    contacts.c.account_id.in_(ordered[start : start + _BATCH]),
                    leads.c.merged_into_id.is_(None),
                )
                .order_by(contacts.c.account_id, contacts.c.id)
            )
            found += [PersonRow(*row) for row in self.connection.execute(query)]
        return found
