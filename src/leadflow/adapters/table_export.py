"""Report tables as CSV and XLSX files, with text cells escaped against formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

Cell = str | int | float | Decimal | date | datetime | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a text cell starting with one of these as a formula (or a command)."""


@dataclass(frozen=True)
class ExportTable:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def safe_cell(value: Cell) -> Cell:
    """Text that a spreadsheet would evaluate is prefixed with an apostrophe; numbers stay
    numbers (a negative amount is data, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: ExportTable, *, decimal_comma: bool = True) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, as German Excel opens it directly; with
    `decimal_comma` (German) a fraction reads 48,5, which German Excel takes as a number
    (48.5 would become a date there)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(header) for header in table.headers])
    for row in table.rows:
        writer.writerow(
            ["" if cell is None else _csv_text(safe_cell(cell), decimal_comma) for cell in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_text(value: Cell, decimal_comma: bool) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, Decimal):
        return str(value).replace(".", ",") if decimal_comma else str(value)
    return str(value)


def to_xlsx(table: ExportTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31] or "leadflow"
    sheet.append([safe_cell(header) for header in table.headers])
    for row in table.rows:
        sheet.append([_xlsx_value(safe_cell(cell)) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Cell) -> Cell:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    return value
