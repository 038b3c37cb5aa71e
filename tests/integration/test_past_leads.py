"""Past leads from an export go through leadflow's import into a scratch workspace."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.lead_features import read_leads
from leadflow.adapters.importing import MappingFile
from leadflow.domain.errors import InvalidInput
from leadflow.services.imports.past_leads import import_past_leads
from leadflow.services.prediction.model_evaluation import evaluate_file
from tests.factories import NOW, Tenant

HEADER = ["Quelle", "Land", "Abschluss", "Erstellt"]


def _rows(count: int) -> list[list[object]]:
    sources = ["Messe", "Webinar", "Google"]
    return [
        [sources[i % 3], "Deutschland" if i % 2 else "Österreich", "ja" if i % 3 == 1 else "nein",
         f"{1 + i % 28:02d}.0{1 + i % 9}.2025" if i != 5 else ""]
        for i in range(count)
    ]  # fmt: skip


@pytest.fixture
def anonymous_csv(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    lines = [";".join(HEADER), *(";".join(map(str, row)) for row in _rows(60))]
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    return path


def test_anonymous_rows_are_kept_under_their_row_number(
    db: Database, tenant: Tenant, anonymous_csv: Path
) -> None:
    overrides = MappingFile("evaluation", None, {"Abschluss": "extra"})

    imported = import_past_leads(db, tenant.id, anonymous_csv, overrides=overrides, now=NOW)

    assert (imported.rows, imported.stored, imported.rejected) == (60, 60, [])
    with db.reading() as connection:
        stored = read_leads(connection, tenant.id)
    record = stored.records[0]
    assert record["lead.source"] == "trade_fair"
    assert record["extras.Land"] == "Österreich"  # no company: kept rather than dropped
    assert record["extras.Abschluss"] == "nein"


def test_a_row_without_its_time_is_rejected_by_row_number(
    db: Database, tenant: Tenant, anonymous_csv: Path
) -> None:
    overrides = MappingFile("evaluation", None, {"Erstellt": "created_at"})

    imported = import_past_leads(
        db, tenant.id, anonymous_csv, overrides=overrides, required=["Erstellt"], now=NOW
    )

    assert imported.stored == 59
    assert [(error.row, error.field) for error in imported.rejected] == [(7, "Erstellt")]


def test_an_xlsx_export_is_evaluated_like_a_csv(tmp_path: Path, anonymous_csv: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in _rows(60):
        sheet.append(row)
    path = tmp_path / "export.xlsx"
    workbook.save(path)

    from_xlsx = evaluate_file(path, target="Abschluss", now=NOW)
    from_csv = evaluate_file(anonymous_csv, target="Abschluss", now=NOW)

    assert from_xlsx.report == from_csv.report
    assert from_xlsx.report.count == 60
    assert set(from_xlsx.report.spec.fields) == {"lead.source", "extras.Land"}


def test_a_file_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 60)

    with pytest.raises(InvalidInput, match="old .xls files"):
        evaluate_file(path, target="Abschluss", now=NOW)
