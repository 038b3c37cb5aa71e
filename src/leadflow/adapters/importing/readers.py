"""Streaming readers for CSV and XLSX files: one row at a time, numbered as a person sees them."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from leadflow.domain.errors import InvalidInput

Row = tuple[int, dict[str, str]]

_CHUNK = 1 << 18
_DELIMITERS = (";", ",", "\t")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class TableError(InvalidInput, ValueError):
    """A file that cannot be read as a table; the message names the file."""


class Table:
    """The header and the rows of one file; the rows can be iterated once."""

    def __init__(
        self,
        name: str,
        records: Iterator[list[str]],
        *,
        decimal_comma: bool,
        close: Callable[[], None],
        encoding: str | None = None,
        delimiter: str | None = None,
    ) -> None:
        self.name = name
        self.decimal_comma = decimal_comma
        self.encoding = encoding
        self.delimiter = delimiter
        self._records = records
        self._close = close
        try:
            self.headers = _checked_headers(name, next(records, []))
        except BaseException:
            close()
            raise

    def __iter__(self) -> Iterator[Row]:
        width = len(self.headers)
        for index, cells in enumerate(self._records, start=2):
            if not "".join(cells).strip():
                continue
            row = dict(zip(self.headers, cells, strict=False))
            row.update(dict.fromkeys(self.headers[len(cells) :], ""))
            for extra, cell in enumerate(cells[width:], start=width + 1):
                if cell.strip():
                    row[f"column {extra}"] = cell
            yield index, row

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def open_table(source: Path | IO[bytes], *, name: str | None = None) -> Table:
    """Open a CSV or XLSX file (told apart by content) from a path or a seekable binary file."""
    label = name or str(getattr(source, "name", None) or "upload")
    try:
        stream: IO[bytes] = source.open("rb") if isinstance(source, Path) else source
    except OSError as error:
        raise TableError(f"{label}: cannot be opened ({error.strerror})") from error
    close = stream.close if isinstance(source, Path) else _nothing
    try:
        magic = stream.read(4)
        stream.seek(0)
        if magic == _OLE_MAGIC:
            raise TableError(f"{label}: old .xls files are not supported; save it as .xlsx or CSV")
        if magic == _ZIP_MAGIC:
            return _xlsx_table(label, stream, close)
        return _csv_table(label, stream, close)
    except BaseException:
        close()
        raise


def _nothing() -> None:
    return None


def _checked_headers(name: str, cells: list[str]) -> tuple[str, ...]:
    headers = [cell.replace("\ufeff", "").strip() for cell in cells]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise TableError(f"{name}: the header row (row 1) is empty")
    seen: dict[str, int] = {}
    for column, header in enumerate(headers, start=1):
        if not header:
            raise TableError(f"{name}: column {column} of the header row has no name")
        if header in seen:
            raise TableError(
                f"{name}: the header row names '{header}' twice (columns {seen[header]} "
                f"and {column}); column names must be unique"
            )
        seen[header] = column
    return tuple(headers)


def _csv_table(name: str, stream: IO[bytes], close: Callable[[], None]) -> Table:
    encoding = _detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    delimiter = _sniff_delimiter(text.readline())
    text.seek(0)

    def finish() -> None:
        text.detach()
        close()

    records = _csv_records(name, csv.reader(text, delimiter=delimiter))
    # A German Excel writes ';' because the comma is its decimal mark.
    return Table(
        name,
        records,
        decimal_comma=delimiter != ",",
        close=finish,
        encoding=encoding,
        delimiter=delimiter,
    )


def _csv_records(name: str, reader: Iterator[list[str]]) -> Iterator[list[str]]:
    rows_read = 0
    try:
        for record in reader:
            rows_read += 1
            yield record
    except csv.Error as error:
        raise TableError(f"{name}: row {rows_read + 1} cannot be read as CSV ({error})") from error


def _detect_encoding(stream: IO[bytes]) -> str:
    start = stream.read(4)
    stream.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    candidates = {name: codecs.getincrementaldecoder(name)() for name in ("utf-8", "cp1252")}
    for chunk in iter(partial(stream.read, _CHUNK), b""):
        _feed(candidates, chunk, final=False)
        if not candidates:
            break
    _feed(candidates, b"", final=True)
    stream.seek(0)
    return next(iter(candidates), "latin-1")


def _feed(candidates: dict[str, codecs.IncrementalDecoder], chunk: bytes, *, final: bool) -> None:
    for name, decoder in list(candidates.items()):
        try:
            decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            del candidates[name]


def _sniff_delimiter(header_line: str) -> str:
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _xlsx_table(name: str, stream: IO[bytes], close: Callable[[], None]) -> Table:
    # Imported on first use, so commands that read no workbook start quickly.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise TableError(f"{name}: not a readable .xlsx workbook ({error})") from error
    sheet = workbook.worksheets[0]
    # Some writers store a wrong sheet size; without it openpyxl reads every cell there is.
    sheet.reset_dimensions()

    def finish() -> None:
        workbook.close()
        close()

    records = ([_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True))
    return Table(name, records, decimal_comma=False, close=finish)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
