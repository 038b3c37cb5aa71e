"""A worker killed with SIGKILL in the middle of a delivery loses no event: a second worker
delivers everything, and the receiver can drop the repeated delivery by its event id."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.outbox import DELIVERED, OutboxRepository
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.stages import Role, Stage
from leadflow.services.webhooks.subscriptions import create_webhook
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import move
from tests.integration.webhook_receiver import Receiver

KEY = "a-test-only-secret-key-of-forty-characters"
LEADFLOW = Path(sys.executable).with_name("leadflow")


def _worker(database_url: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "LEADFLOW_DATABASE_URL": database_url,
        "LEADFLOW_SECRET_KEY": KEY,
    }
    command = [
        str(LEADFLOW),
        "worker",
        "--poll-seconds=0.1",
        "--batch=1",
        "--timeout-seconds=2",
        "--lease-seconds=3.5",
    ]
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _eventually(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow
def test_no_event_is_lost_when_the_worker_is_killed_mid_delivery(
    db: Database, tenant: Tenant, database_url: str
) -> None:
    with Receiver(stall_first=True) as receiver:
        with unit_of_work(db, tenant.id) as uow:
            create_webhook(
                uow,
                receiver.url,
                ["*"],
                key=KEY.encode(),
                by=tenant.principal(Role.ADMIN),
                now=NOW,
                allow_private=True,
            )
        for _ in range(3):
            lead_id = new_lead(db, tenant)
            move(db, tenant, lead_id, Stage.MQL, role=Role.MARKETING)

        first = _worker(database_url)
        try:
            assert receiver.stalled.wait(timeout=60), "the first delivery never arrived"
            first.send_signal(signal.SIGKILL)
        finally:
            first.wait(timeout=60)
        receiver.release()
        assert first.returncode == -signal.SIGKILL

        second = _worker(database_url)
        try:
            _eventually(lambda: _all_delivered(db, tenant), "every delivery recorded")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)

    # The workers' own SLA checks add breach events (the leads became MQLs long ago): those count.
    events = _events(db, tenant)
    assert len(events) >= 9
    assert receiver.event_ids() == events
    assert len(receiver.received) == len(events) + 1, "only the interrupted one came twice"


def _events(db: Database, tenant: Tenant) -> set[str]:
    with reading(db, tenant.id) as uow:
        return {e.event_id for e in OutboxRepository(uow.connection, tenant.id).events(limit=100)}


def _all_delivered(db: Database, tenant: Tenant) -> bool:
    with reading(db, tenant.id) as uow:
        rows = OutboxRepository(uow.connection, tenant.id).deliveries()
    return len(rows) >= 9 and all(row.status == DELIVERED for row in rows)
