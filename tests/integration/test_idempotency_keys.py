"""How long an Idempotency-Key is remembered: a day, then it may be used afresh and the
worker deletes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import idempotency_keys
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import InvalidInput
from leadflow.services.intake.idempotency import KEY_LIFETIME, forget_expired_keys, run_once
from tests.factories import NOW, Tenant


class CountingWork:
    """Work that answers with how often it ran."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, uow: UnitOfWork) -> tuple[int, Any]:
        self.runs += 1
        return 201, {"run": self.runs}


def _stored_keys(db: Database) -> set[tuple[int, str]]:
    with db.reading() as connection:
        rows = connection.execute(select(idempotency_keys.c.workspace_id, idempotency_keys.c.key))
        return {(row.workspace_id, row.key) for row in rows}


def test_a_key_is_replayed_within_its_lifetime(db: Database, tenant: Tenant) -> None:
    work = CountingWork()
    run_once(db, tenant.id, "order-1", "body-a", work, now=NOW)

    later = NOW + KEY_LIFETIME - timedelta(minutes=1)
    again = run_once(db, tenant.id, "order-1", "body-a", work, now=later)

    assert again.replayed and again.body == {"run": 1}
    assert work.runs == 1
    with pytest.raises(InvalidInput, match="another request body"):
        run_once(db, tenant.id, "order-1", "body-b", work, now=later)


def test_an_expired_key_does_the_work_again_with_any_body(db: Database, tenant: Tenant) -> None:
    work = CountingWork()
    run_once(db, tenant.id, "order-1", "body-a", work, now=NOW)

    later = NOW + KEY_LIFETIME + timedelta(minutes=1)
    fresh = run_once(db, tenant.id, "order-1", "body-b", work, now=later)

    assert not fresh.replayed and fresh.body == {"run": 2}
    replay = run_once(db, tenant.id, "order-1", "body-b", work, now=later)
    assert replay.replayed and replay.body == {"run": 2}


def test_the_worker_forgets_expired_keys_of_every_workspace_and_keeps_the_rest(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    work = CountingWork()
    run_once(db, tenant.id, "old", "x", work, now=NOW - KEY_LIFETIME - timedelta(1))
    run_once(db, other_tenant.id, "old", "x", work, now=NOW - timedelta(days=3))
    run_once(db, tenant.id, "recent", "x", work, now=NOW - timedelta(hours=1))

    forgotten = forget_expired_keys(db, now=NOW)

    assert forgotten == 2
    assert _stored_keys(db) == {(tenant.id, "recent")}
