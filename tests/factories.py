"""Test data: the fixed time, workspaces with their members, leads and campaigns.

Every builder takes keyword arguments for what a test cares about and fills in the rest, so a
test says `new_lead(db, tenant, stage=Stage.MQL, company="Werk")` and nothing more. Leads are
entered through the lead service, as a member of the tenant (marketing unless told), at `NOW`
unless told."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import directory_transaction, unit_of_work
from leadflow.adapters.passwords import hash_password
from leadflow.domain.campaign import Campaign
from leadflow.domain.lead import LeadDetails
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Role, Stage
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.intake.leads import Created, create_lead
from leadflow.services.workspaces.campaigns import create_campaign
from leadflow.services.workspaces.directory import create_token, create_workspace

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
"""The time every test runs at unless it says otherwise."""

PASSWORD = "correct horse battery"
"""The password of every tenant's users."""


@functools.cache
def _password_hash() -> str:
    """One real argon2 hash for every test user: hashing is slow on purpose."""
    return hash_password(PASSWORD)


class Tenant:
    """A workspace with one user and one token per role, for tests."""

    def __init__(self, db: Database, slug: str) -> None:
        workspace = create_workspace(db, slug, slug.title(), now=NOW)
        assert workspace.id is not None
        self.id = workspace.id
        self.slug = slug
        self.user_ids: dict[Role, int] = {}
        self.tokens: dict[Role, str] = {}
        for role in Role:
            email = f"{role.value}@{slug}.example"
            with directory_transaction(db) as directory:
                user_id = directory.add_user(email, role.value.title(), _password_hash(), NOW)
                directory.set_role(self.id, user_id, role)
            self.user_ids[role] = user_id
            self.tokens[role] = create_token(
                db, workspace_slug=slug, role=role, user_email=email, now=NOW
            )

    def principal(self, role: Role) -> Principal:
        return Principal.member(self.id, role, self.user_ids[role])

    def headers(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def sales_users(db: Database, tenant: Tenant, *names: str) -> list[int]:
    """More sales users in the tenant's workspace (they never sign in: no password)."""
    user_ids = []
    with directory_transaction(db) as directory:
        for name in names:
            user_id = directory.add_user(f"{name}@{tenant.slug}.example", name, "-", NOW)
            directory.set_role(tenant.id, user_id, Role.SALES)
            user_ids.append(user_id)
    return user_ids


# People a test can enter as a lead: `new_lead(db, tenant, like=EVA, phone=None)`.

EVA: Mapping[str, Any] = {
    "email": "eva.fischer@nordwerk-maschinen.de",
    "first_name": "Eva",
    "last_name": "Fischer",
    "phone": "+49 711 1234560",
    "company": "Nordwerk Maschinen GmbH",
    "stage": Stage.MQL,
}
"""Eva Fischer of Nordwerk, an MQL with e-mail and phone: the person of the privacy tests."""

ERIKA: Mapping[str, Any] = {
    "first_name": "Erika",
    "last_name": "Muster",
    "company": "Muster GmbH",
    "stage": Stage.MQL,
    "source": "web_form",
}
"""Erika Muster of Muster GmbH, an MQL from the web form (without an e-mail: give one)."""


def enter_lead_as(db: Database, by: Principal, *, at: datetime = NOW, **fields: Any) -> Created:
    """Enter a lead with these LeadInput fields as `by`; the lead service's whole answer."""
    with unit_of_work(db, by.workspace_id) as uow:
        return create_lead(uow, LeadInput(**fields), by=by, now=at)


def enter_lead(
    db: Database,
    tenant: Tenant,
    *,
    role: Role = Role.MARKETING,
    at: datetime = NOW,
    like: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Created:
    """Enter a lead as the tenant's member of `role`; the answer says whether it merged.

    `like` gives a person's fields (EVA, ERIKA) that `fields` override."""
    return enter_lead_as(db, tenant.principal(role), at=at, **{**(like or {}), **fields})


_numbers = itertools.count(1)


def new_lead(
    db: Database,
    tenant: Tenant,
    *,
    role: Role = Role.MARKETING,
    at: datetime = NOW,
    like: Mapping[str, Any] | None = None,
    **fields: Any,
) -> int:
    """The id of a lead entered as enter_lead does; with an e-mail of its own unless given."""
    person = {**(like or {}), **fields}
    if "email" not in person:
        person["email"] = f"lead{next(_numbers)}@werk{next(_numbers)}.de"
    return lead_id_of(enter_lead(db, tenant, role=role, at=at, **person))


def lead_id_of(created: Created) -> int:
    """The id of the lead an entry made or merged into."""
    lead_id = created.details.lead.id
    assert lead_id is not None
    return lead_id


MakeLead = Callable[..., LeadDetails]
"""The privacy tests' `make_lead` fixture: `make_lead(other_tenant, phone=None)`."""


def new_campaign(
    db: Database,
    tenant: Tenant,
    *,
    name: str = "Messe LogiMAT",
    channel: str = "trade_fair",
    starts_on: date = date(2026, 3, 1),
    actual_cost: Decimal = Decimal("0"),
    at: datetime = NOW,
) -> Campaign:
    """A campaign made by the tenant's marketing, with its own lead form."""
    return create_campaign(
        db, by=tenant.principal(Role.MARKETING), name=name, channel=channel,
        starts_on=starts_on, actual_cost=actual_cost, now=at,
    )  # fmt: skip
