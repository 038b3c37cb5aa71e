"""Lead entry through the real server: creates/s, p50 and p99 against `GET /health` of the same run.

    .venv/bin/python -m benchmarks.api_ingest [--database sqlite|postgresql] [--leads 1000000]
        [--connections 1 10 50] [--processes 1 2] [--seconds 10]

For each workspace size (an empty one, then one of `--leads` leads from benchmarks/lead_seed.py)
and each number of web processes, `leadflow serve` is started on a loopback port against a
fresh database, and `wrk` (Debian package `wrk`) drives it: `POST /api/v1/leads` with a new
person per request (unique e-mail, a company named like the seeded German firms), then
`GET /health` with the same connections as the baseline, then the public form's
`POST /f/{form_key}` (a new person per submission, a valid time-trap token minted with the
server's key, spread over FORMS campaigns and as many client addresses so that the rate limits,
which hold back floods, do not quarantine the run), then `POST /api/v1/leads/batch` with 500
leads per request. After each run the stored leads are counted, so a run that answered without
storing (or quarantined) counts as a failure, not as speed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.lead_seed import seed
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.engine import normalize_url
from leadflow.adapters.db.tables import leads, workspaces
from leadflow.domain import time_trap
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor, Role
from leadflow.services.intake.forms import FormKeys
from leadflow.services.workspaces.campaigns import create_campaign
from leadflow.services.workspaces.directory import create_token, create_workspace

SECRET_KEY = "api-ingest-benchmark-secret-key-0123456789"
BATCH_SIZE = 500
FORMS = 200
"""Campaigns the form load is spread over: one form takes 120 submissions a minute."""
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

CREATE_LUA = r"""
local counter = 0
local names = {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"}
local trades = {"Maschinenbau", "Logistik", "Handel", "Software", "Chemie", "Bau"}
function setup(thread)
  thread:set("tid", next_tid or 0)
  next_tid = (next_tid or 0) + 1
end
function person()
  counter = counter + 1
  local n = RUNBASE + tid * 10000000 + counter
  return string.format(
    '{"email":"b%s-%d@neu%d.example","first_name":"Anna","last_name":"Neu%d",' ..
    '"company":"%s %s %d GmbH","stage":"%s","source":"api"}',
    RUN, n, n, n, names[n %% #names + 1], trades[n %% #trades + 1], n, STAGE)
end
function request()
  if BATCH > 0 then
    local items = {}
    for i = 1, BATCH do items[i] = person() end
    return wrk.format("POST", "/api/v1/leads/batch", HEADERS,
      '{"leads":[' .. table.concat(items, ",") .. ']}')
  end
  return wrk.format("POST", "/api/v1/leads", HEADERS, person())
end
"""

FORM_LUA = r"""
local counter = 0
function setup(thread)
  thread:set("tid", next_tid or 0)
  next_tid = (next_tid or 0) + 1
end
function request()
  counter = counter + 1
  local n = RUNBASE + tid * 10000000 + counter
  local form = FORMS[n %% #FORMS + 1]
  local body = string.format(
    "first_name=Anna&last_name=Form%d&email=f%s-%d%%%%40neu%d.example&company=Form+%d+GmbH" ..
    "&homepage=&_lf_form=1&_lf_ts=%s", n, RUN, n, n, n, form[2])
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", tid, math.floor(counter / 250) %% 250,
                                        counter %% 250 + 1)}
  return wrk.format("POST", "/f/" .. form[1], headers, body)
end
"""

# Every script ends with this: wrk's figures as one line of JSON for the benchmark to read.
REPORT_LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"status_errors":%d,"timeouts":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.timeout,
    summary.errors.connect, summary.errors.read, latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    failed: int
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return (self.requests - self.failed) / self.seconds


@dataclass(frozen=True)
class Row:
    workspace: str
    processes: int
    connections: int
    creates: Load
    health: Load
    stored: int
    form: Load
    form_stored: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--processes", type=int, nargs="+", default=[1])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--stage", default="prospect", help="stage of the created leads")
    parser.add_argument("--skip-empty", action="store_true")
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    rows: list[Row] = []
    batches: list[tuple[str, int, Load]] = []
    sizes = ([] if args.skip_empty else [0]) + ([] if args.skip_large else [args.leads])
    for size in sizes:
        with _database(args.database, args.postgres_url) as url:
            token, forms = _prepare(url, size)
            for processes in args.processes:
                with _server(url, processes) as base:
                    label = "empty" if size == 0 else f"{size:,} leads"
                    _load(base, token, CREATE_LUA, 1, 2, args.stage, batch=0)  # warm-up
                    for connections in args.connections:
                        before = _count(url)
                        creates = _load(base, token, CREATE_LUA, connections, args.seconds,
                                        args.stage, batch=0)  # fmt: skip
                        stored = _count(url) - before
                        health = _load(base, token, "", connections, args.seconds,
                                       args.stage, path="/health")  # fmt: skip
                        before = _count(url)
                        form = _load(base, token, FORM_LUA, connections, args.seconds,
                                     args.stage, path="/f/", forms=forms)  # fmt: skip
                        form_stored = _count(url) - before
                        rows.append(Row(label, processes, connections, creates, health, stored,
                                        form, form_stored))  # fmt: skip
                        _print_row(rows[-1])
                    batch = _load(base, token, CREATE_LUA, 4, args.seconds, args.stage,
                                  batch=BATCH_SIZE)  # fmt: skip
                    batches.append((label, processes, batch))
                    rate = batch.per_second * BATCH_SIZE
                    print(f"batch {label} x{processes}: {rate:,.0f} leads/s", flush=True)
    _report(rows, batches, args.database)


def _prepare(url: str, size: int) -> tuple[str, list[tuple[str, str]]]:
    db = Database(url)
    db.upgrade()
    if size:
        started = time.perf_counter()
        seeded = seed(db, leads_count=size)
        print(f"seeded {size:,} leads in {time.perf_counter() - started:.0f} s", flush=True)
        with db.transaction() as connection:
            slug = connection.execute(
                select(workspaces.c.slug).where(workspaces.c.id == seeded.workspace_id)
            ).scalar_one()
        workspace_id = seeded.workspace_id
    else:
        slug = "bench"
        workspace = create_workspace(db, slug, "Bench GmbH", now=NOW)
        assert workspace.id is not None
        workspace_id = workspace.id
    token = create_token(db, workspace_slug=slug, role=Role.MARKETING, user_email=None, now=NOW)
    forms = _forms(db, workspace_id)
    db.dispose()
    return token, forms


def _forms(db: Database, workspace_id: int) -> list[tuple[str, str]]:
    """(form key, time-trap token) of FORMS new campaigns; each token was issued a minute ago
    with the key the server derives from SECRET_KEY, as a visitor's page would have it."""
    keys = FormKeys.derive(SECRET_KEY.encode())
    by = Principal.process(workspace_id, Actor.MARKETING)
    issued = datetime.now(UTC) - timedelta(minutes=1)
    forms = []
    for number in range(FORMS):
        campaign = create_campaign(
            db, by=by, name=f"Formular {number}", channel="website", starts_on=NOW.date(), now=NOW
        )
        assert campaign.form_key is not None
        forms.append((campaign.form_key, time_trap.issue(keys.trap, campaign.form_key, issued)))
    return forms


def _count(url: str) -> int:
    engine = create_engine(normalize_url(url))
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(leads)).scalar_one()
    engine.dispose()
    return int(total)


@contextmanager
def _database(kind: str, postgres_url: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'ingest.db'}"
        return
    schema = f"lf_ingest_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalize_url(postgres_url))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalize_url(postgres_url)).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def _server(url: str, processes: int) -> Iterator[str]:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "leadflow"), "serve", "--port", str(port)]
    if processes > 1:
        command += ["--workers", str(processes)]
    # The rate limit would measure itself: load from one token is what the benchmark is.
    env = dict(
        os.environ, LEADFLOW_DATABASE_URL=url, LEADFLOW_SECRET_KEY=SECRET_KEY,
        LEADFLOW_API_RATE_LIMIT="0", LEADFLOW_API_ADDRESS_RATE_LIMIT="0",
    )  # fmt: skip
    # The server's log goes to a file: a pipe nobody reads fills up (wrk's disconnects at the end
    # of a run are logged) and then stops the server at its next log line.
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base, server, log)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()  # requests still running after the load ended: do not wait
                server.wait()


def _wait_for(base: str, server: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"leadflow serve ended: {log.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("leadflow serve did not answer /health within 60 s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _load(
    base: str,
    token: str,
    script: str,
    connections: int,
    seconds: int,
    stage: str,
    *,
    batch: int = 0,
    path: str = "/api/v1/leads",
    forms: list[tuple[str, str]] | None = None,
) -> Load:
    listed = ", ".join(f'{{"{key}", "{trap}"}}' for key, trap in forms or [])
    prelude = (
        f'RUN = "{uuid.uuid4().hex[:8]}"\nRUNBASE = {secrets.randbelow(10**5) * 10**8}\n'
        f'STAGE = "{stage}"\nBATCH = {batch}\n'
        f'HEADERS = {{["Content-Type"] = "application/json", '
        f'["Authorization"] = "Bearer {token}"}}\n'
        f"FORMS = {{{listed}}}\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(prelude + script.replace("%%", "%") + REPORT_LUA)
    threads = min(connections, 2)
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
        "--timeout", "60s" if batch else "10s",
        "-s", lua.name, base + path,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    Path(lua.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    failed = figures["status_errors"] + figures["timeouts"]
    return Load(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        failed=failed,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
    )


def _print_row(row: Row) -> None:
    print(
        f"{row.workspace:>18} x{row.processes} c={row.connections:<3} "
        f"creates/s {row.creates.per_second:8.1f}  p50 {row.creates.p50_ms:7.1f} ms  "
        f"p99 {row.creates.p99_ms:7.1f} ms  failed {row.creates.failed:5d}  "
        f"stored {row.stored:6d}  /health {row.health.per_second:8.1f}/s  "
        f"form {row.form.per_second:7.1f}/s p50 {row.form.p50_ms:6.1f} ms "
        f"p99 {row.form.p99_ms:7.1f} ms stored {row.form_stored:6d}",
        flush=True,
    )


def _report(rows: list[Row], batches: list[tuple[str, int, Load]], database: str) -> None:
    print(f"\n| {database} workspace | processes | connections | creates/s | p50 | p99 | "
          "failed | stored | `/health` req/s | creates / (health / 2) | form posts/s | "
          "form p50 | form p99 | form stored |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        ratio = row.creates.per_second / (row.health.per_second / 2)
        print(
            f"| {row.workspace} | {row.processes} | {row.connections} | "
            f"{row.creates.per_second:,.0f} | {row.creates.p50_ms:.0f} ms | "
            f"{row.creates.p99_ms:.0f} ms | {row.creates.failed} | {row.stored:,} | "
            f"{row.health.per_second:,.0f} | {ratio:.2f} | {row.form.per_second:,.0f} | "
            f"{row.form.p50_ms:.0f} ms | {row.form.p99_ms:.0f} ms | {row.form_stored:,} |"
        )
    for label, processes, batch in batches:
        print(
            f"\nbatch ({label}, {processes} process(es), {BATCH_SIZE} leads per request, "
            f"4 connections): {batch.per_second * BATCH_SIZE:,.0f} leads/s, "
            f"p50 {batch.p50_ms:.0f} ms, failed {batch.failed}"
        )


if __name__ == "__main__":
    main()
