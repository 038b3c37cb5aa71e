"""`leadflow import` from the command line: the reject file, and an import killed with SIGKILL
that runs again without creating anyone twice."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import contacts, imports, leads
from leadflow.cli.main import app
from tests.factories import Tenant


def _count(db: Database, table: object) -> int:
    with db.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_rows_without_identity_go_to_the_reject_file_and_bad_optional_values_are_warned(
    cli: CliRunner, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    source = tmp_path / "messe.csv"
    source.write_text(
        "E-Mail;Nachname;Telefon;Mitarbeiter\n"
        "anna@nordwerk.de;Schmidt;0711 1234560;250\n"
        "kaputt@;;;\n"
        "jan@nordwerk.de;Jansen;12;viele\n"
        "eva@nordwerk.de;Fischer;;1.250\n",
        encoding="cp1252",
    )
    rejects = tmp_path / "rejects.csv"

    result = cli.invoke(
        app, ["import", str(source), "--workspace", tenant.slug, "--rejects", str(rejects)]
    )

    assert result.exit_code == 0, result.output
    assert "4 rows: 3 were created, 0 were merged, 1 were rejected" in result.stdout
    assert "2 optional values were dropped with a warning" in result.stdout
    assert "warning: row 4, Telefon: '12' is not a valid phone number" in result.stdout
    with rejects.open(encoding="utf-8") as stream:
        lines = list(csv.reader(stream))
    assert lines[0] == ["row", "field", "reason", "E-Mail", "Nachname", "Telefon", "Mitarbeiter"]
    assert [(line[0], line[1]) for line in lines[1:]] == [
        ("3", "E-Mail, Nachname, Telefon"),
        ("3", "E-Mail"),
    ]
    assert lines[2][3:] == ["kaputt@", "", "", ""]
    assert _count(db, leads) == 3


def test_a_dry_run_from_the_command_line_stores_nothing(
    cli: CliRunner, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text("Email,Last Name\nanna@nordwerk.de,Schmidt\n", encoding="utf-8")

    result = cli.invoke(app, ["import", str(source), "-w", tenant.slug, "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "1 rows: 1 would be created" in result.stdout
    assert _count(db, leads) == 0


def test_an_unknown_preset_exits_with_invalid_input(
    cli: CliRunner, tenant: Tenant, tmp_path: Path
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text("Email\nanna@nordwerk.de\n", encoding="utf-8")

    result = cli.invoke(app, ["import", str(source), "-w", tenant.slug, "--preset", "zoho"])

    assert result.exit_code == 2
    assert "unknown preset 'zoho'" in result.stderr


ROWS = 12_000


def _big_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Email", "First Name", "Last Name", "Company"])
        for number in range(ROWS):
            writer.writerow(
                [
                    f"person{number}@firma{number % 997}.de",
                    "Anna",
                    f"N{number}",
                    f"Firma {number % 997}",
                ]
            )
    return path


def _import_process(
    database_url: str, source: Path, slug: str, log: Path
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LEADFLOW_DATABASE_URL": database_url}
    leadflow = Path(sys.executable).with_name("leadflow")
    command = [str(leadflow), "import", str(source), "-w", slug, "--chunk-rows", "500"]
    with log.open("wb") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def _watermark(db: Database) -> tuple[int, str] | None:
    with db.reading() as connection:
        row = connection.execute(select(imports.c.rows_done, imports.c.status)).first()
    return None if row is None else (int(row.rows_done), str(row.status))


@pytest.mark.slow
def test_an_import_killed_with_sigkill_runs_again_without_duplicates(
    database_url: str, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    source = _big_file(tmp_path / "big.csv")
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    process = _import_process(database_url, source, tenant.slug, first_log)
    deadline = time.monotonic() + 120
    while (mark := _watermark(db)) is None or mark[0] < 2_000:
        assert process.poll() is None, first_log.read_text()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    interrupted = _watermark(db)
    stored_when_killed = _count(db, contacts)

    again = _import_process(database_url, source, tenant.slug, second_log)
    again.wait(timeout=300)
    output = second_log.read_text()

    assert again.returncode == 0, output
    assert interrupted is not None and interrupted[1] == "running"
    assert 0 < stored_when_killed < ROWS
    assert f"resumed import 1 after row {interrupted[0]}" in output
    assert _count(db, contacts) == ROWS
    assert _count(db, leads) == ROWS
    assert _watermark(db) == (ROWS + 1, "done")


def test_lead_merge_and_unmerge_from_the_command_line(
    cli: CliRunner, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        "Email,Last Name,Phone\neva@nordwerk.de,Fischer,\neva.f@web.de,Fischer,0711 1234560\n",
        encoding="utf-8",
    )
    assert cli.invoke(app, ["import", str(source), "-w", tenant.slug]).exit_code == 0

    merged = cli.invoke(app, ["lead", "merge", "1", "2", "-w", tenant.slug])
    undone = cli.invoke(app, ["lead", "unmerge", "1", "-w", tenant.slug])
    again = cli.invoke(app, ["lead", "unmerge", "1", "-w", tenant.slug])

    assert merged.exit_code == 0, merged.output
    assert "merge 1: lead 2 merged into lead 1 (chosen by admin)" in merged.stdout
    assert undone.exit_code == 0, undone.output
    assert again.exit_code == 5
    assert "undone already" in again.stderr
