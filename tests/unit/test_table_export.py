"""CSV and XLSX exports: cells that a spreadsheet would run as a formula are escaped."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from leadflow.adapters.table_export import ExportTable, safe_cell, to_csv, to_xlsx

DANGEROUS = ["=1+2", "+49 30 123", "-2+3", "@SUM(A1:A2)", "\t=cmd", "\r=cmd"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_starts_like_a_formula_is_prefixed_with_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_plain_text_and_numbers_stay_as_they_are() -> None:
    assert safe_cell("Müller GmbH") == "Müller GmbH"
    assert safe_cell(-5) == -5
    assert safe_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert safe_cell(None) is None


def test_the_csv_file_carries_the_escaped_cells() -> None:
    table = ExportTable("t", ["name", "=header"], [['=HYPERLINK("http://x")', 3]])

    text = to_csv(table).decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["name", "'=header"], ['\'=HYPERLINK("http://x")', "3"]]


def test_the_xlsx_file_stores_escaped_text_never_a_formula() -> None:
    table = ExportTable("Funnel", ["stage", "count"], [["=1+2", 7], ["@cmd", Decimal("1.5")]])

    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    cells = [list(row) for row in sheet.iter_rows(min_row=2)]

    assert [c.value for c in cells[0]] == ["'=1+2", 7]
    assert [c.value for c in cells[1]] == ["'@cmd", 1.5]
    assert all(c.data_type != "f" for row in cells for c in row)


def test_fractions_carry_a_decimal_comma_for_german_excel_and_a_point_otherwise() -> None:
    table = ExportTable("t", ["rate", "cost", "count"], [[48.5, Decimal("1234.50"), 7]])

    german = to_csv(table).decode("utf-8-sig").splitlines()[1]
    english = to_csv(table, decimal_comma=False).decode("utf-8-sig").splitlines()[1]

    assert german == "48,5;1234,50;7"
    assert english == "48.5;1234.50;7"
