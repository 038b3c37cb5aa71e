"""Import benchmark: leadflow's whole import of a CSV file (parse, check, normalise, match
duplicates, store contacts, accounts, leads and their stage log) against a raw load of the same
rows, already parsed, into a table with the same unique e-mail key: sqlite3 `executemany`
INSERT OR IGNORE on SQLite, COPY on PostgreSQL. Both run in the same process run, on the same
machine; the ratio is leadflow / baseline. Peak RSS is that of the leadflow import's process.
The target figure is leadflow's time over "copied inside the database" (engine_floor), the least
any import that keeps leadflow's data model can write, measured in the same run.

    .venv/bin/python -m benchmarks.import_bench --rows 1000000
    .venv/bin/python -m benchmarks.import_bench --rows 1000000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.import_data import HEADERS, write_leads

BASELINE_TABLE = """CREATE TABLE baseline_contacts (
    id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, first_name TEXT, last_name TEXT,
    email TEXT, phone TEXT, company TEXT, job_title TEXT, city TEXT, postal_code TEXT,
    country TEXT, lead_source TEXT, UNIQUE (workspace_id, email))"""
COLUMNS = ("workspace_id", "first_name", "last_name", "email", "phone", "company", "job_title",
           "city", "postal_code", "country", "lead_source")  # fmt: skip


def parsed_rows(path: Path) -> list[tuple[object, ...]]:
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        next(reader)
        return [(1, *row) for row in reader]


def sqlite_baseline(rows: list[tuple[object, ...]], folder: Path) -> float:
    connection = sqlite3.connect(folder / "baseline.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(BASELINE_TABLE)
    marks = ", ".join("?" for _ in COLUMNS)
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        f"INSERT OR IGNORE INTO baseline_contacts ({', '.join(COLUMNS)}) VALUES ({marks})", rows
    )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def first_per_email(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """What INSERT OR IGNORE keeps: the first row of each e-mail address (COPY cannot skip)."""
    seen: set[object] = set()
    kept = []
    for row in rows:
        if row[3] not in seen:
            seen.add(row[3])
            kept.append(row)
    return kept


def postgres_baseline(rows: list[tuple[object, ...]], url: str) -> float:
    import psycopg

    rows = first_per_email(rows)

    schema = f"bench_base_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(f'SET search_path TO "{schema}"')
        connection.execute(BASELINE_TABLE.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY"))
        try:
            started = time.perf_counter()
            with connection.transaction(), connection.cursor() as cursor:
                with cursor.copy(
                    f"COPY baseline_contacts ({', '.join(COLUMNS)}) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            return time.perf_counter() - started
        finally:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def schema_floor(rows: list[tuple[object, ...]], database_url: str) -> float:
    """The same parsed rows written straight into leadflow's own tables (a contact, a lead and
    its first stage-log entry per row, every index in place), with no checks at all: the floor
    for any import into this schema."""
    from leadflow.adapters.db.bulk import BulkWriter
    from leadflow.adapters.db.database import Database
    from leadflow.adapters.db.tables import contacts, leads, stage_changes
    from leadflow.services.workspaces.directory import create_workspace

    db = Database(database_url)
    db.upgrade()
    now = datetime.now(UTC)
    workspace = create_workspace(db, f"floor-{uuid.uuid4().hex[:6]}", "Floor", now=now)
    kept = first_per_email(rows)
    started = time.perf_counter()
    with db.transaction() as connection:
        writer = BulkWriter(connection)
        with writer.big_cache():
            ids = writer.allocate_ids(contacts, len(kept))
            lead_ids = writer.allocate_ids(leads, len(kept))
            writer.insert(
                contacts, ("id", "workspace_id", "first_name", "last_name", "email", "phone",
                           "job_title", "created_at"),
                [(i, workspace.id, r[1], r[2], r[3], r[4], r[6], now)
                 for i, r in zip(ids, kept, strict=True)],
            )  # fmt: skip
            writer.insert(
                leads, ("id", "workspace_id", "contact_id", "stage", "source", "version",
                        "created_at", "stage_entered_at", "updated_at", "extras"),
                [(lead, workspace.id, contact, "prospect", r[10], 1, now, now, now, {})
                 for lead, contact, r in zip(lead_ids, ids, kept, strict=True)],
            )  # fmt: skip
            writer.insert(
                stage_changes, ("workspace_id", "lead_id", "target", "at", "actor", "automatic"),
                [(workspace.id, lead, "prospect", now, "import", False) for lead in lead_ids],
            )  # fmt: skip
    elapsed = time.perf_counter() - started
    db.dispose()
    return elapsed


STAGED = ("n", "first_name", "last_name", "email", "phone", "job_title", "lead_source")


def engine_floor(rows: list[tuple[object, ...]], database_url: str) -> float:
    """The same parsed rows loaded once into a temporary table, then copied by the database
    itself into leadflow's tables (INSERT ... SELECT: a contact, a lead and its stage-log entry
    per row, every index in place), with no checks at all: the floor of any import into this
    schema whose values cross the driver only once."""
    from sqlalchemy import text

    from leadflow.adapters.db.bulk import BulkWriter
    from leadflow.adapters.db.database import Database
    from leadflow.services.workspaces.directory import create_workspace

    db = Database(database_url)
    db.upgrade()
    now = datetime.now(UTC)
    workspace = create_workspace(db, f"engine-{uuid.uuid4().hex[:6]}", "Engine", now=now)
    kept = first_per_email(rows)
    staged = [(n, r[1], r[2], r[3], r[4], r[6], r[10]) for n, r in enumerate(kept)]
    started = time.perf_counter()
    with db.transaction() as connection:
        writer = BulkWriter(connection)
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if writer.sqlite else now
        columns = ", ".join(f"{name} {'BIGINT' if name == 'n' else 'TEXT'}" for name in STAGED)
        connection.exec_driver_sql(f"CREATE TEMP TABLE staged ({columns})")
        raw = connection.connection.dbapi_connection
        assert raw is not None
        with writer.big_cache():
            if writer.sqlite:
                marks = ", ".join("?" for _ in STAGED)
                raw.cursor().executemany(f"INSERT INTO staged VALUES ({marks})", staged)
            else:
                with raw.cursor() as cursor, cursor.copy("COPY staged FROM STDIN") as copy:
                    for row in staged:
                        copy.write_row(row)
            values = {"w": workspace.id, "now": stamp}
            connection.execute(
                text(
                    "INSERT INTO contacts (workspace_id, first_name, last_name, email, phone, "
                    "job_title, created_at) SELECT :w, first_name, last_name, email, phone, "
                    "job_title, :now FROM staged ORDER BY n"
                ),
                values,
            )
            connection.execute(
                text(
                    "INSERT INTO leads (workspace_id, contact_id, stage, source, version, "
                    "created_at, stage_entered_at, updated_at, extras) SELECT :w, c.id, "
                    "'prospect', s.lead_source, 1, :now, :now, :now, '{}' FROM staged s "
                    "JOIN contacts c "
                    "ON c.workspace_id = :w AND c.email = s.email ORDER BY c.id"
                ),
                values,
            )
            connection.execute(
                text(
                    "INSERT INTO stage_changes (workspace_id, lead_id, target, at, actor, "
                    "automatic) SELECT :w, id, 'prospect', :now, 'import', false FROM leads "
                    "WHERE workspace_id = :w ORDER BY id"
                ),
                values,
            )
            connection.exec_driver_sql("DROP TABLE staged")
    elapsed = time.perf_counter() - started
    db.dispose()
    return elapsed


def leadflow_import(path: Path, database_url: str) -> dict[str, float]:
    """Run in a child process: migrate, make a workspace, import the file, report."""
    from leadflow.adapters.db.database import Database
    from leadflow.domain.principal import Principal
    from leadflow.domain.stages import Actor
    from leadflow.services.imports.importer import ImportRequest, run_import
    from leadflow.services.workspaces.directory import create_workspace

    db = Database(database_url)
    db.upgrade()
    now = datetime.now(UTC)
    workspace = create_workspace(db, f"bench-{uuid.uuid4().hex[:6]}", "Benchmark", now=now)
    assert workspace.id is not None
    started = time.perf_counter()
    report = run_import(
        db, path, ImportRequest(workspace.id), by=Principal(workspace.id, Actor.ADMIN), now=now
    )
    elapsed = time.perf_counter() - started
    db.dispose()
    peak_kib = _peak_rss_kib()
    return {
        "seconds": elapsed, "peak_rss_mib": peak_kib / 1024, "rows": report.rows,
        "created": report.created, "merged": report.merged, "rejected": report.rejected,
    }  # fmt: skip


def _peak_rss_kib() -> int:
    """This process's peak resident set (VmHWM). Not ru_maxrss: Linux carries that over from
    the parent across exec, which would count the benchmark's own parsed rows."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(path: Path, database_url: str) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.import_bench", "--child", str(path),
               "--database", database_url]  # fmt: skip
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def _postgres_schema_url(url: str) -> tuple[str, str]:
    from sqlalchemy.engine import make_url

    schema = f"bench_lf_{uuid.uuid4().hex[:8]}"
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return schema, parsed.render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20260302)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL URL")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(leadflow_import(options.child, options.database)))
        return
    with tempfile.TemporaryDirectory(prefix="leadflow-import-bench-") as name:
        folder = Path(name)
        path = write_leads(folder / "leads.csv", options.rows, seed=options.seed)
        rows = parsed_rows(path)
        print(f"{len(rows):,} rows, {path.stat().st_size / 2**20:.0f} MiB, {len(HEADERS)} columns")
        baseline = sqlite_baseline(rows, folder)
        floor = schema_floor(rows, f"sqlite:///{folder / 'floor.db'}")
        in_engine = engine_floor(rows, f"sqlite:///{folder / 'engine.db'}")
        ours = _child(path, f"sqlite:///{folder / 'leadflow.db'}")
        _report("SQLite", "executemany INSERT OR IGNORE", baseline, ours, floor, in_engine)
        if options.postgres:
            import psycopg

            baseline = postgres_baseline(rows, options.postgres)
            schemas = [_postgres_schema_url(options.postgres) for _ in range(3)]
            with psycopg.connect(options.postgres, autocommit=True) as connection:
                for schema, _ in schemas:
                    connection.execute(f'CREATE SCHEMA "{schema}"')
            try:
                floor = schema_floor(rows, schemas[0][1])
                in_engine = engine_floor(rows, schemas[2][1])
                ours = _child(path, schemas[1][1])
            finally:
                with psycopg.connect(options.postgres, autocommit=True) as connection:
                    for schema, _ in schemas:
                        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
            _report("PostgreSQL", "COPY", baseline, ours, floor, in_engine)


def _report(
    backend: str,
    how: str,
    baseline: float,
    ours: dict[str, float],
    floor: float,
    in_engine: float,
) -> None:
    print(
        f"{backend}: baseline ({how}) {baseline:.2f} s; leadflow import {ours['seconds']:.2f} s "
        f"(created {ours['created']:,}, merged {ours['merged']:,}, rejected "
        f"{ours['rejected']:,}); ratio {ours['seconds'] / baseline:.2f}x; "
        f"peak RSS {ours['peak_rss_mib']:.0f} MiB; unchecked load into leadflow's schema "
        f"{floor:.2f} s ({floor / baseline:.2f}x the baseline, leadflow "
        f"{ours['seconds'] / floor:.2f}x that); copied inside the database "
        f"{in_engine:.2f} s ({in_engine / baseline:.2f}x the baseline); target figure: "
        f"leadflow {ours['seconds'] / in_engine:.2f}x copied inside the database (at most 2.0x)"
    )


if __name__ == "__main__":
    main()
