import io
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from leadflow.adapters.importing.readers import TableError, open_table
from leadflow.domain.errors import InvalidInput

GERMAN_EXCEL_CSV = (
    "Vorname;Nachname;Firma;Umsatz;Erstellt am\r\n"
    "Jürgen;Weiß;Müller GmbH & Co. KG;1.234,56;31.12.2025\r\n"
    "Anna;Groß;Bäckerei Öz;12,5;1.2.24\r\n"
)


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with open_table(path) as table:
        return list(table)


def test_a_german_excel_csv_in_cp1252_is_read_with_semicolons_and_umlauts(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(GERMAN_EXCEL_CSV.encode("cp1252"))

    with open_table(path) as table:
        rows = list(table)

    assert (table.encoding, table.delimiter, table.decimal_comma) == ("cp1252", ";", True)
    assert table.headers == ("Vorname", "Nachname", "Firma", "Umsatz", "Erstellt am")
    assert rows[0] == (
        2,
        {"Vorname": "Jürgen", "Nachname": "Weiß", "Firma": "Müller GmbH & Co. KG",
         "Umsatz": "1.234,56", "Erstellt am": "31.12.2025"},
    )  # fmt: skip
    assert rows[1][1]["Firma"] == "Bäckerei Öz"


def test_a_utf8_csv_with_byte_order_mark_has_clean_headers(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(GERMAN_EXCEL_CSV.encode("utf-8-sig"))

    with open_table(path) as table:
        rows = list(table)

    assert table.encoding == "utf-8-sig"
    assert table.headers[0] == "Vorname"
    assert rows[0][1]["Nachname"] == "Weiß"


def test_a_utf8_csv_without_byte_order_mark_is_not_read_as_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(GERMAN_EXCEL_CSV.encode("utf-8"))

    with open_table(path) as table:
        rows = list(table)

    assert table.encoding == "utf-8"
    assert rows[1][1]["Nachname"] == "Groß"


def test_a_late_cp1252_byte_after_a_megabyte_of_ascii_still_selects_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    filler = "".join(f"Name{n};Firma{n}\n" for n in range(100_000))
    path.write_bytes(("Name;Firma\n" + filler + "Weiß;Müller\n").encode("cp1252"))

    rows = _rows(path)

    assert rows[-1][1] == {"Name": "Weiß", "Firma": "Müller"}


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("a,b\n1,2\n", ","), ("a;b\n1;2\n", ";"), ("a\tb\n1\t2\n", "\t"), ('"x;y",b\n1,2\n', ",")],
)
def test_the_delimiter_is_sniffed_from_the_header(
    tmp_path: Path, text: str, delimiter: str
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(text, encoding="utf-8")

    with open_table(path) as table:
        assert table.delimiter == delimiter
        assert len(table.headers) == 2


def test_row_numbers_count_records_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(
        'Name,Notiz\nAnna,"erste Zeile\nzweite Zeile"\n\nBernd,kurz\n', encoding="utf-8"
    )

    rows = _rows(path)

    assert rows == [
        (2, {"Name": "Anna", "Notiz": "erste Zeile\nzweite Zeile"}),
        (4, {"Name": "Bernd", "Notiz": "kurz"}),
    ]


def test_short_rows_are_padded_and_extra_cells_are_kept_by_position(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("a;b;c\n1\n1;2;3;4;\n", encoding="utf-8")

    rows = _rows(path)

    assert rows[0][1] == {"a": "1", "b": "", "c": ""}
    assert rows[1][1] == {"a": "1", "b": "2", "c": "3", "column 4": "4"}


def test_trailing_empty_header_cells_from_excel_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("E-Mail;Firma;;\nmax@firma.de;Firma;;\n", encoding="utf-8")

    with open_table(path) as table:
        assert table.headers == ("E-Mail", "Firma")


def test_a_file_with_an_empty_header_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "leere.csv"
    path.write_text(";;\n1;2;3\n", encoding="utf-8")

    with pytest.raises(TableError, match=r"leere\.csv: the header row \(row 1\) is empty"):
        open_table(path)


def test_an_empty_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nichts.csv"
    path.write_bytes(b"")

    with pytest.raises(TableError, match=r"nichts\.csv: the header row \(row 1\) is empty"):
        open_table(path)


def test_duplicate_column_names_are_refused_naming_file_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "doppelt.csv"
    path.write_text("Email;Firma;Email\n", encoding="utf-8")

    with pytest.raises(TableError, match=r"doppelt\.csv: .*'Email' twice \(columns 1 and 3\)"):
        open_table(path)


def test_an_unreadable_file_is_invalid_input_for_the_api_and_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "leer.csv"
    path.write_bytes(b"")

    with pytest.raises(InvalidInput, match="leer.csv"):
        open_table(path)


def test_a_header_cell_without_name_between_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "luecke.csv"
    path.write_text("Email;;Firma\n", encoding="utf-8")

    with pytest.raises(TableError, match=r"luecke\.csv: column 2 of the header row has no name"):
        open_table(path)


def test_excel_unicode_text_in_utf16_with_tabs_is_read(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("Vorname\tFirma\r\nJürgen\tMüller GmbH\r\n".encode("utf-16"))

    with open_table(path) as table:
        rows = list(table)

    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert rows == [(2, {"Vorname": "Jürgen", "Firma": "Müller GmbH"})]


def test_a_missing_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(TableError, match=r"fehlt\.csv: cannot be opened"):
        open_table(tmp_path / "fehlt.csv")


def test_an_uploaded_binary_stream_is_read_like_a_file() -> None:
    upload = io.BytesIO(GERMAN_EXCEL_CSV.encode("cp1252"))

    with open_table(upload, name="upload.csv") as table:
        rows = list(table)

    assert table.name == "upload.csv"
    assert rows[0][1]["Vorname"] == "Jürgen"
    assert not upload.closed


def test_an_old_binary_excel_file_is_refused_with_advice() -> None:
    upload = io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 100)

    with pytest.raises(TableError, match=r"alt\.xls: old \.xls files are not supported"):
        open_table(upload, name="alt.xls")


def _write_xlsx(path: Path, rows: list[list[object]]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def test_an_xlsx_sheet_is_read_as_text_with_iso_dates(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    _write_xlsx(
        path,
        [
            ["Vorname", "Mitarbeiter", "Umsatz", "Erstellt am", "Kontakt", "Newsletter"],
            ["Jürgen", 250, 1234.56, date(2025, 12, 31), datetime(2025, 1, 2, 9, 30), True],
            [None, None, None, None, None, None],
            ["Anna", 12.0, None, None, None, False],
        ],
    )

    with open_table(path) as table:
        rows = list(table)

    assert table.decimal_comma is False
    assert rows == [
        (2, {"Vorname": "Jürgen", "Mitarbeiter": "250", "Umsatz": "1234.56",
             "Erstellt am": "2025-12-31", "Kontakt": "2025-01-02T09:30:00", "Newsletter": "true"}),
        (4, {"Vorname": "Anna", "Mitarbeiter": "12", "Umsatz": "", "Erstellt am": "",
             "Kontakt": "", "Newsletter": "false"}),
    ]  # fmt: skip


def test_an_xlsx_with_duplicate_headers_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "doppelt.xlsx"
    _write_xlsx(path, [["Email", "Email"], ["a@firma.de", "b@firma.de"]])

    with pytest.raises(TableError, match=r"doppelt\.xlsx: the header row names 'Email' twice"):
        open_table(path)


def test_a_broken_xlsx_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip file")

    with pytest.raises(TableError, match=r"kaputt\.xlsx: not a readable \.xlsx workbook"):
        open_table(path)


def _peak_memory_while_reading(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        with open_table(path) as table:
            count = sum(1 for _ in table)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _write_large_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write("Vorname;Nachname;E-Mail;Firma;Umsatz\r\n")
        for n in range(rows):
            out.write(f"Jörg{n};Weiß;j{n}@firma{n}.de;Müller {n} GmbH;{n}.000,50\r\n")


@pytest.mark.slow
def test_reading_a_large_csv_keeps_memory_flat(tmp_path: Path) -> None:
    _write_large_csv(small := tmp_path / "klein.csv", 20_000)
    _write_large_csv(large := tmp_path / "gross.csv", 100_000)

    small_count, small_peak = _peak_memory_while_reading(small)
    large_count, large_peak = _peak_memory_while_reading(large)

    assert (small_count, large_count) == (20_000, 100_000)
    assert large.stat().st_size > 6_000_000
    assert large_peak < small_peak * 1.1
    assert large_peak < 1_500_000


def _write_large_xlsx(path: Path, rows: int) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([f"Spalte {column}" for column in range(12)])
    for n in range(rows):
        sheet.append([f"Jörg{n % 50}", "Weiß", n, f"Müller {n % 50} GmbH", n * 1.5] + [n] * 7)
    workbook.save(path)


@pytest.mark.slow
def test_reading_a_large_xlsx_holds_no_rows_in_memory(tmp_path: Path) -> None:
    _write_large_xlsx(small := tmp_path / "klein.xlsx", 500)
    _write_large_xlsx(large := tmp_path / "gross.xlsx", 3_000)

    small_count, small_peak = _peak_memory_while_reading(small)
    large_count, large_peak = _peak_memory_while_reading(large)

    # openpyxl keeps one emptied XML element per row (about 100 bytes); holding the rows
    # themselves would cost more than 1,000 bytes each.
    assert (small_count, large_count) == (500, 3_000)
    assert (large_peak - small_peak) / 2_500 < 300
