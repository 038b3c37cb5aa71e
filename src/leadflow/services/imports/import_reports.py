"""Imports as the CLI, the API and the UI show them: status, counts and the reject file."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from leadflow.adapters.db.imports import ImportRecord, Reject, RowWarning
from leadflow.adapters.db.uow import UnitOfWork

REJECT_COLUMNS = ("row", "field", "reason")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def get_import(uow: UnitOfWork, import_id: int) -> ImportRecord:
    """One import of the workspace (404 for another workspace's)."""
    return uow.imports.get(import_id)


def list_imports(uow: UnitOfWork, limit: int = 50) -> list[ImportRecord]:
    """The workspace's latest imports, newest first."""
    return uow.imports.recent(limit)


def rejects_of(uow: UnitOfWork, import_id: int) -> list[Reject]:
    """Every rejected row of an import with its field and reason, in file order."""
    uow.imports.get(import_id)
    return list(uow.imports.rejects(import_id))


def warnings_of(uow: UnitOfWork, import_id: int) -> list[RowWarning]:
    """Every optional value an import dropped, with its row, field and problem, in file order."""
    uow.imports.get(import_id)
    return list(uow.imports.warnings(import_id))


def write_warnings(warnings: Iterable[RowWarning], stream: TextIO) -> int:
    """The warning file: row, field, problem and the lead the row went to (escaped as rejects)."""
    items = list(warnings)
    writer = csv.writer(stream)
    writer.writerow(["row", "field", "problem", "lead_id"])
    for warning in items:
        writer.writerow(
            [warning.row, _safe(warning.field), _safe(warning.message), warning.lead_id or ""]
        )
    return len(items)


def write_rejects(rejects: Iterable[Reject], stream: TextIO) -> int:
    """The reject file: row, field and reason, then the row's original values; one line per
    problem. Cells are escaped so that a spreadsheet does not run them as formulas."""
    items = list(rejects)
    headers: list[str] = []
    for reject in items:
        headers += [name for name in reject.values if name not in headers]
    writer = csv.writer(stream)
    writer.writerow([*REJECT_COLUMNS, *headers])
    for reject in items:
        writer.writerow(
            [reject.row, _safe(reject.field), _safe(reject.reason)]
            + [_safe(reject.values.get(name, "")) for name in headers]
        )
    return len(items)


def _safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value
