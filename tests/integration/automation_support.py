"""Shared steps for the scoring, SLA, routing and webhook tests."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import directory_transaction, unit_of_work
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.services.lead_input import LeadInput
from leadflow.services.leads import create_lead
from leadflow.services.moves import move_lead
from leadflow.services.routing import set_routing_rules
from leadflow.services.scoring_settings import set_fit_rules, set_scoring_settings
from leadflow.services.sla_settings import set_sla_settings
from leadflow.services.worker import WorkerOptions, run_worker
from tests.factories import NOW, Tenant


def new_lead(db: Database, tenant: Tenant, *, at: datetime = NOW, **data: Any) -> int:
    data.setdefault("email", f"lead{_next()}@werk{_next()}.de")
    with unit_of_work(db, tenant.id) as uow:
        created = create_lead(uow, LeadInput(**data), by=tenant.principal(Role.MARKETING), now=at)
    lead_id = created.details.lead.id
    assert lead_id is not None
    return lead_id


def move(
    db: Database,
    tenant: Tenant,
    lead_id: int,
    target: Stage,
    *,
    role: Role = Role.SALES,
    at: datetime = NOW,
    reason: str | None = None,
) -> None:
    with unit_of_work(db, tenant.id) as uow:
        move_lead(uow, lead_id, target, by=tenant.principal(role), now=at, reason=reason)


def fit_rules(db: Database, tenant: Tenant, toml: str) -> None:
    with unit_of_work(db, tenant.id) as uow:
        set_fit_rules(uow, toml, by=tenant.principal(Role.ADMIN), now=NOW)


def scoring(db: Database, tenant: Tenant, **changes: object) -> None:
    with unit_of_work(db, tenant.id) as uow:
        set_scoring_settings(uow, changes, by=tenant.principal(Role.ADMIN))


def sla(db: Database, tenant: Tenant, toml: str) -> None:
    with unit_of_work(db, tenant.id) as uow:
        set_sla_settings(uow, toml, by=tenant.principal(Role.ADMIN))


def routing(db: Database, tenant: Tenant, toml: str) -> None:
    with unit_of_work(db, tenant.id) as uow:
        set_routing_rules(uow, toml, by=tenant.principal(Role.ADMIN))


def sales_users(db: Database, tenant: Tenant, *names: str) -> list[int]:
    """More sales users in the tenant's workspace (they never sign in: no password)."""
    user_ids = []
    with directory_transaction(db) as directory:
        for name in names:
            user_id = directory.add_user(f"{name}@{tenant.slug}.example", name, "-", NOW)
            directory.set_role(tenant.id, user_id, Role.SALES)
            user_ids.append(user_id)
    return user_ids


def one_rule(field: str, op: str, value: object, points: int) -> str:
    """A fit rule set of one rule, as TOML."""
    shown = f'"{value}"' if isinstance(value, str) else str(value).lower()
    return f'[[rule]]\nfield = "{field}"\nop = "{op}"\nvalue = {shown}\npoints = {points}\n'


def automatic(tenant: Tenant) -> Principal:
    return Principal.process(tenant.id, Actor.AUTOMATIC)


_counter = iter(range(1, 10**9))


def _next() -> int:
    return next(_counter)


def one_worker_round(db: Database, *, now: datetime = NOW) -> list[str]:
    """Run `leadflow worker` for one round at `now`; what it logged."""
    log: list[str] = []
    run_worker(
        db,
        key=b"k" * 32,
        options=WorkerOptions(),
        stop=threading.Event(),
        log=log.append,
        once=True,
        clock=lambda: now,
    )
    return log
