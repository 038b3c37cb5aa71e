"""Shared steps for the scoring, SLA, routing and webhook tests; their leads and users come
from tests.factories."""

from __future__ import annotations

import threading
from datetime import datetime

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import unit_of_work
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role, Stage
from leadflow.services.handover.routing import set_routing_rules
from leadflow.services.handover.sla_settings import set_sla_settings
from leadflow.services.lifecycle.moves import move_lead
from leadflow.services.scores.scoring_settings import set_fit_rules, set_scoring_settings
from leadflow.services.worker.process import WorkerOptions, run_worker
from tests.factories import NOW, Tenant


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


def one_rule(field: str, op: str, value: object, points: int) -> str:
    """A fit rule set of one rule, as TOML."""
    shown = f'"{value}"' if isinstance(value, str) else str(value).lower()
    return f'[[rule]]\nfield = "{field}"\nop = "{op}"\nvalue = {shown}\npoints = {points}\n'


def automatic(tenant: Tenant) -> Principal:
    return Principal.process(tenant.id, Actor.AUTOMATIC)


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
