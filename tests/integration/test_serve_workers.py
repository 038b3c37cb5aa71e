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

from leadflow.cli.main import app
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
