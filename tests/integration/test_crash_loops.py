"""Processes killed with SIGKILL at any moment lose nothing they acknowledged: a served
`leadflow serve` loses no lead it answered 201 for, and a killed `leadflow import` rerun
ends with every row imported once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import contacts, imports, leads
from leadflow.domain.stages import Role
from tests.factories import Tenant
from tests.integration.served import free_port

LEADFLOW = [sys.executable, "-c", "from leadflow.cli.main import main; main()"]
KILLS = 3


def _eventually(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _killed(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL


class Server:
    """`leadflow serve` as a child process on a free loopback port."""

    def __init__(self, database_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = {
            **os.environ,
            "LEADFLOW_DATABASE_URL": database_url,
            "LEADFLOW_PUBLIC_URL": self.url,
        }

    def start(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [*LEADFLOW, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _eventually(lambda: self._healthy(process), "the server to answer")
        return process

    def _healthy(self, process: subprocess.Popen[bytes]) -> bool:
        assert process.poll() is None, "the server stopped on its own"
        try:
            return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False


class Creator(threading.Thread):
    """Posts new leads until the server goes away; keeps the e-mail and id of every 201."""

    def __init__(self, url: str, headers: dict[str, str], name: str) -> None:
        super().__init__(daemon=True)
        self.url, self.headers, self.prefix = url, headers, name
        self.acknowledged: dict[str, int] = {}
        self.other: list[int] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=30) as http:
            for step in range(100_000):
                email = f"{self.prefix}-{step}@absturz-test.de"
                try:
                    answer = http.post(
                        "/api/v1/leads", json={"email": email, "last_name": f"Kunde {step}"}
                    )
                except httpx.TransportError:
                    return
                if answer.status_code == 201:
                    self.acknowledged[email] = int(answer.json()["id"])
                else:
                    self.other.append(answer.status_code)


def _stored(db: Database, tenant: Tenant) -> dict[str, int]:
    with db.reading() as connection:
        rows = connection.execute(
            select(contacts.c.email, leads.c.id)
            .join(leads, leads.c.contact_id == contacts.c.id)
            .where(contacts.c.workspace_id == tenant.id)
        )
        return {row.email: int(row.id) for row in rows}


@pytest.mark.slow
def test_a_server_killed_while_clients_create_leads_loses_no_acknowledged_lead(
    db: Database, tenant: Tenant, database_url: str
) -> None:
    server = Server(database_url)
    acknowledged: dict[str, int] = {}
    for round_number in range(KILLS):
        process = server.start()
        creators = [
            Creator(server.url, tenant.headers(Role.MARKETING), f"r{round_number}c{number}")
            for number in range(2)
        ]
        try:
            for creator in creators:
                creator.start()
            _eventually(
                lambda creators=creators: sum(len(c.acknowledged) for c in creators) >= 40,
                "creates to go through",
            )
            time.sleep(random.uniform(0, 0.3))
        finally:
            _killed(process)
        for creator in creators:
            creator.join(timeout=60)
            assert not creator.is_alive()
            acknowledged.update(creator.acknowledged)
            assert creator.other == [], "every answered create was a 201"

    stored = _stored(db, tenant)
    assert len(acknowledged) >= KILLS * 40
    assert {email: stored.get(email) for email in acknowledged} == acknowledged


ROWS = 20_000


def _sheet(path: Path) -> set[str]:
    emails = [f"person{row}@import-absturz.de" for row in range(ROWS)]
    lines = ["E-Mail;Vorname;Nachname;Firma"]
    lines += [
        f"{email};Vor{row};Nach{row};Firma {row % 500} GmbH" for row, email in enumerate(emails)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return set(emails)


def _rows_done(db: Database, tenant: Tenant) -> int:
    with db.reading() as connection:
        done = connection.execute(
            select(func.max(imports.c.rows_done)).where(imports.c.workspace_id == tenant.id)
        ).scalar()
    return int(done or 0)


@pytest.mark.slow
def test_an_import_killed_and_run_again_imports_every_row_exactly_once(
    db: Database, tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "messe-gross.csv"
    emails = _sheet(sheet)
    environment = {**os.environ, "LEADFLOW_DATABASE_URL": database_url}
    command = [*LEADFLOW, "import", str(sheet), "-w", tenant.slug, "--chunk-rows", "500"]
    done_at_kill: list[int] = []
    for kill in range(2):
        process = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            target = (kill + 1) * ROWS // 4
            _eventually(
                lambda target=target: _rows_done(db, tenant) >= target,
                "the import to progress",
                120,
            )
            time.sleep(random.uniform(0, 0.2))
        finally:
            _killed(process)
        done_at_kill.append(_rows_done(db, tenant))

    finished = subprocess.run(command, env=environment, capture_output=True, timeout=300)

    assert finished.returncode == 0, finished.stderr.decode()
    assert all(done < ROWS for done in done_at_kill), "each kill came before the end"
    with db.reading() as connection:
        stored = list(
            connection.execute(
                select(contacts.c.email).where(contacts.c.workspace_id == tenant.id)
            ).scalars()
        )
        lead_count = connection.execute(
            select(func.count()).select_from(leads).where(leads.c.workspace_id == tenant.id)
        ).scalar_one()
        runs = (
            connection.execute(select(imports.c.status).where(imports.c.workspace_id == tenant.id))
            .scalars()
            .all()
        )
    assert len(stored) == ROWS and set(stored) == emails
    assert lead_count == ROWS
    assert runs == ["done"], "the rerun resumed the one interrupted import"
