"""Uploads beyond their limits are refused before (or while) they are parsed, saying which limit
and which file; binary files are refused and UTF-16 is read, with or without a byte order mark."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from leadflow.adapters.importing.limits import UploadLimits
from leadflow.adapters.importing.readers import TableError, open_table
from tests.unit.importing.hostile_files import expanding_sheet, shared_strings_bomb, small_workbook

ROWS = [["email", "company"], ["eva@nordwerk.de", "Nordwerk"], ["jan@suedbau.de", "Südbau"]]


def _read(
    data: bytes, limits: UploadLimits | None = None, name: str = "leads.xlsx"
) -> list[dict[str, str]]:
    with open_table(io.BytesIO(data), name=name, limits=limits) as table:
        return [row for _, row in table]


def test_a_sheet_that_expands_a_thousand_times_is_refused_before_parsing() -> None:
    bomb = expanding_sheet()

    with pytest.raises(TableError) as refused:
        _read(bomb, name="bomb.xlsx")

    assert len(bomb) < 1_000_000
    assert "bomb.xlsx: refused" in str(refused.value)
    assert "xl/worksheets/sheet1.xml expands" in str(refused.value)
    assert "LEADFLOW_XLSX_MAX_EXPANSION_RATIO" in str(refused.value)


def test_a_shared_strings_bomb_is_refused_before_parsing() -> None:
    with pytest.raises(TableError) as refused:
        _read(shared_strings_bomb(), name="strings.xlsx")

    assert "strings.xlsx: refused, its part xl/sharedStrings.xml expands" in str(refused.value)


def test_a_workbook_whose_parts_expand_beyond_the_total_is_refused() -> None:
    limits = UploadLimits(xlsx_max_uncompressed_bytes=2_000)

    with pytest.raises(TableError, match="LEADFLOW_XLSX_MAX_UNCOMPRESSED_MB"):
        _read(small_workbook(ROWS), limits)


def test_too_many_shared_strings_are_counted_as_they_stream_by() -> None:
    limits = UploadLimits(xlsx_max_shared_strings=10)

    with pytest.raises(TableError, match="more than 10 shared strings"):
        _read(small_workbook(ROWS, shared=[f"s{n}" for n in range(11)]), limits)


def test_shared_strings_with_too_much_text_are_refused() -> None:
    limits = UploadLimits(xlsx_max_shared_strings_bytes=100)

    with pytest.raises(TableError, match="LEADFLOW_XLSX_MAX_SHARED_STRINGS_MB"):
        _read(small_workbook(ROWS, shared=["x" * 60, "y" * 60]), limits)


def test_a_shared_string_longer_than_a_cell_may_be_is_refused() -> None:
    limits = UploadLimits(xlsx_max_cell_chars=50)

    with pytest.raises(TableError, match="shared string 1 is longer than 50 characters"):
        _read(small_workbook(ROWS, shared=["x" * 51]), limits)


def test_a_sheet_with_more_rows_than_allowed_is_refused_at_the_row_past_the_limit() -> None:
    limits = UploadLimits(xlsx_max_rows=2)

    with pytest.raises(TableError, match="more than 2 rows .LEADFLOW_XLSX_MAX_ROWS"):
        _read(small_workbook(ROWS), limits)


def test_a_row_wider_than_allowed_is_refused() -> None:
    limits = UploadLimits(xlsx_max_columns=2)
    wide = [*ROWS, ["a@b.de", "B", "extra"]]

    with pytest.raises(TableError, match="row 4 has more than 2 columns"):
        _read(small_workbook(wide), limits)


def test_a_cell_longer_than_allowed_names_its_row_and_column() -> None:
    limits = UploadLimits(xlsx_max_cell_chars=20)
    long = [*ROWS, ["a@b.de", "N" * 21]]

    with pytest.raises(TableError, match="row 4, column 2 is longer than 20 characters"):
        _read(small_workbook(long), limits)


def test_a_workbook_within_every_limit_is_read() -> None:
    rows = _read(small_workbook(ROWS))

    assert rows == [
        {"email": "eva@nordwerk.de", "company": "Nordwerk"},
        {"email": "jan@suedbau.de", "company": "Südbau"},
    ]


def test_files_larger_than_their_limit_are_refused_by_kind() -> None:
    limits = UploadLimits(csv_max_bytes=10, xlsx_max_bytes=100)

    with pytest.raises(
        TableError, match="leads.csv: .* allowed for a CSV file .LEADFLOW_UPLOAD_CSV_MAX_MB"
    ):
        _read(b"email\na@b.de\n", limits, name="leads.csv")
    with pytest.raises(TableError, match="allowed for a XLSX file .LEADFLOW_UPLOAD_XLSX_MAX_MB"):
        _read(small_workbook(ROWS), limits)


def test_a_random_binary_named_csv_is_not_a_text_table() -> None:
    noise = os.urandom(64 * 1024)

    with pytest.raises(TableError, match="random.csv: not a text table"):
        _read(noise, name="random.csv")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_read_with_or_without_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes("email;company\r\neva@nordwerk.de;Müller GmbH\r\n".encode(encoding))

    with open_table(path) as table:
        rows = [row for _, row in table]

    assert table.headers == ("email", "company")
    assert rows == [{"email": "eva@nordwerk.de", "company": "Müller GmbH"}]


def test_text_no_encoding_decodes_says_which_encodings_were_tried() -> None:
    undecodable = "email;company\neva@nordwerk.de;Müller\n".encode("cp1252") + b"x\x81\x8d;y\n"

    with pytest.raises(TableError) as refused:
        _read(undecodable, name="odd.csv")

    assert str(refused.value) == (
        "odd.csv: cannot be decoded as text (tried UTF-8, UTF-16 and Windows-1252 (cp1252)); "
        "save it as UTF-8"
    )


def test_utf16_broken_midway_names_the_row_and_the_encoding() -> None:
    text = "email;company\r\neva@nordwerk.de;Nordwerk\r\n".encode("utf-16-le") + b"\x00\xdc\x00"

    with pytest.raises(TableError, match="cannot be decoded as utf-16-le"):
        _read(text, name="broken.csv")
