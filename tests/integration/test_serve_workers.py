"""`leadflow serve --workers 2`: two web processes share one port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx
import pytest
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.sla import SlaRepository
from leadflow.adapters.db.uow import reading
from leadflow.cli.main import app
from leadflow.domain.stages import Role, Stage
from tests.factories import Tenant, new_lead
from tests.integration.served import free_port

STARTED = re.compile(r"Started server process \[(\d+)\]")


def _parent_of(pid: int) -> int:
    # /proc/PID/stat: "pid (name) state ppid ..."; the name may hold spaces, so split after it.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1])


def _is_running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _read_lines(stream: IO[str], into: list[str]) -> None:
    for line in iter(stream.readline, ""):
        into.append(line)


@pytest.mark.slow
def test_serve_with_two_workers_answers_on_one_port_from_two_child_processes(
    database_url: str,
) -> None:
    port = free_port()
    env = {**os.environ, "LEADFLOW_DATABASE_URL": database_url}
    command = [sys.executable, "-c", "from leadflow.cli.main import main; main()"]
    server = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    assert server.stderr is not None
    reader = threading.Thread(target=_read_lines, args=(server.stderr, log), daemon=True)
    reader.start()
    try:
        workers: set[int] = set()
        healthy = False
        deadline = time.monotonic() + 60
        while (len(workers) < 2 or not healthy) and time.monotonic() < deadline:
            assert server.poll() is None, "".join(log)
            workers = {int(m.group(1)) for line in log if (m := STARTED.search(line))}
            try:
                healthy = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
            except httpx.TransportError:
                healthy = False
            time.sleep(0.1)

        assert healthy, "".join(log)
        assert len(workers) == 2, "".join(log)
        assert {_parent_of(pid) for pid in workers} == {server.pid}
        answers = [httpx.get(f"http://127.0.0.1:{port}/health", timeout=5) for _ in range(10)]
        assert {a.status_code for a in answers} == {200}
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
        server.stderr.close()
    assert [pid for pid in workers if _is_running(pid)] == []


def test_serve_refuses_fewer_than_one_worker() -> None:
    result = CliRunner().invoke(app, ["serve", "--workers", "0"])

    assert result.exit_code == 2
    assert "--workers" in result.output


@pytest.mark.slow
def test_serve_with_worker_runs_the_worker_beside_it_and_stops_it_too(
    database_url: str, db: Database, tenant: Tenant
) -> None:
    waiting = new_lead(db, tenant, stage=Stage.MQL)  # an MQL of March, long overdue
    port = free_port()
    env = {**os.environ, "LEADFLOW_DATABASE_URL": database_url}
    command = [sys.executable, "-c", "from leadflow.cli.main import main; main()"]
    server = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--with-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    log: list[str] = []
    assert server.stdout is not None
    reader = threading.Thread(target=_read_lines, args=(server.stdout, log), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not _escalated(db, tenant, waiting) and time.monotonic() < deadline:
            time.sleep(0.5)
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=10)
        worker_pids = _children_running(server.pid, "worker")
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=30)
        server.stdout.close()
    deadline = time.monotonic() + 30
    while any(_is_running(pid) for pid in worker_pids) and time.monotonic() < deadline:
        time.sleep(0.2)

    assert health.status_code == 200
    assert _escalated(db, tenant, waiting), "".join(log)
    assert worker_pids, "".join(log)
    assert not any(_is_running(pid) for pid in worker_pids), "the worker outlived the server"


@pytest.mark.slow
def test_serve_with_worker_completes_an_import_started_on_the_web(
    database_url: str, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ, "LEADFLOW_DATABASE_URL": database_url,
        "LEADFLOW_UPLOAD_DIR": str(tmp_path / "uploads"),
    }  # fmt: skip
    command = [sys.executable, "-c", "from leadflow.cli.main import main; main()"]
    server = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--with-worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api/v1/imports"
    headers = tenant.headers(Role.MARKETING)
    try:
        _wait_for_health(port)
        started = httpx.post(
            url, headers=headers, timeout=30,
            files={"file": ("leads.csv", b"email\neva@nordwerk.de\n", "text/csv")},
        ).json()  # fmt: skip
        deadline = time.monotonic() + 60
        ended = started
        while ended["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
            ended = httpx.get(f"{url}/{started['id']}", headers=headers, timeout=10).json()
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert started["status"] == "queued"
    assert (ended["status"], ended["created"]) == ("done", 1), ended
    assert list((tmp_path / "uploads").iterdir()) == []


def _wait_for_health(port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def _escalated(db: Database, tenant: Tenant, lead_id: int) -> bool:
    with reading(db, tenant.id) as uow:
        clock = SlaRepository(uow.connection, tenant.id).latest_clock(lead_id)
    return clock is not None and clock.escalated_at is not None


def _children_running(parent: int, argument: str) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid = int(stat.parent.name)
            if _parent_of(pid) != parent:
                continue
            arguments = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        if argument.encode() in arguments:
            found.append(pid)
    return found
