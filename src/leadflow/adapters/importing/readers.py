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

from leadflow.adapters.importing.limits import UploadLimits, megabytes
from leadflow.adapters.importing.xlsx_guard import WorkbookRefused, check_workbook
from leadflow.domain.errors import InvalidInput

Row = tuple[int, dict[str, str]]

_CHUNK = 1 << 18
_DELIMITERS = (";", ",", "\t")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_HEAD = 1024
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1a\x1b")
_TRIED = "UTF-8, UTF-16 and Windows-1252 (cp1252)"


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


def open_table(
    source: Path | IO[bytes], *, name: str | None = None, limits: UploadLimits | None = None
) -> Table:
    """Open a CSV or XLSX file (told apart by content) from a path or a seekable binary file;
    a file beyond `limits` (the defaults unless given) is refused before it is parsed."""
    label = name or str(getattr(source, "name", None) or "upload")
    limits = limits or UploadLimits()
    try:
        stream: IO[bytes] = source.open("rb") if isinstance(source, Path) else source
    except OSError as error:
        raise TableError(f"{label}: cannot be opened ({error.strerror})") from error
    close = stream.close if isinstance(source, Path) else _nothing
    try:
        magic = stream.read(4)
        size = stream.seek(0, io.SEEK_END)
        stream.seek(0)
        if magic == _OLE_MAGIC:
            raise TableError(f"{label}: old .xls files are not supported; save it as .xlsx or CSV")
        if magic == _ZIP_MAGIC:
            _check_size(label, size, limits.xlsx_max_bytes, "XLSX", "UPLOAD_XLSX_MAX_MB")
            try:
                check_workbook(stream, limits)
            except WorkbookRefused as error:
                raise TableError(f"{label}: refused, {error}") from error
            return _xlsx_table(label, stream, close, limits)
        _check_size(label, size, limits.csv_max_bytes, "CSV", "UPLOAD_CSV_MAX_MB")
        return _csv_table(label, stream, close)
    except BaseException:
        close()
        raise


def _check_size(label: str, size: int, limit: int, kind: str, setting: str) -> None:
    if size > limit:
        raise TableError(
            f"{label}: {megabytes(size)} is more than the {megabytes(limit)} allowed for a "
            f"{kind} file (LEADFLOW_{setting})"
        )


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
    encoding = _detect_encoding(name, stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        delimiter = _sniff_delimiter(text.readline())
        text.seek(0)
    except UnicodeDecodeError as error:
        text.detach()
        raise _undecodable(name, 1, encoding, error) from error

    def finish() -> None:
        text.detach()
        close()

    records = _csv_records(name, csv.reader(text, delimiter=delimiter), encoding)
    # A German Excel writes ';' because the comma is its decimal mark.
    return Table(
        name,
        records,
        decimal_comma=delimiter != ",",
        close=finish,
        encoding=encoding,
        delimiter=delimiter,
    )


def _csv_records(name: str, reader: Iterator[list[str]], encoding: str) -> Iterator[list[str]]:
    rows_read = 0
    try:
        for record in reader:
            rows_read += 1
            yield record
    except csv.Error as error:
        raise TableError(f"{name}: row {rows_read + 1} cannot be read as CSV ({error})") from error
    except UnicodeDecodeError as error:
        raise _undecodable(name, rows_read + 1, encoding, error) from error


def _undecodable(name: str, row: int, encoding: str, error: UnicodeDecodeError) -> TableError:
    return TableError(
        f"{name}: row {row} cannot be decoded as {encoding}, the encoding its start showed "
        f"({error.reason}); save it as UTF-8"
    )


def _detect_encoding(name: str, stream: IO[bytes]) -> str:
    head = stream.read(_HEAD)
    stream.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    wide = _utf16_without_bom(head)
    if wide is not None:
        return wide
    if _looks_binary(head):
        raise TableError(
            f"{name}: not a text table (its first KiB holds binary data such as NUL bytes); "
            "upload a CSV or XLSX file"
        )
    candidates = {codec: codecs.getincrementaldecoder(codec)() for codec in ("utf-8", "cp1252")}
    for chunk in iter(partial(stream.read, _CHUNK), b""):
        _feed(candidates, chunk, final=False)
        if not candidates:
            break
    _feed(candidates, b"", final=True)
    stream.seek(0)
    if not candidates:
        raise TableError(f"{name}: cannot be decoded as text (tried {_TRIED}); save it as UTF-8")
    return next(iter(candidates))


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a byte order mark: mostly-ASCII text has a NUL in every second byte."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even = head[0 : pairs * 2 : 2].count(0)
    odd = head[1 : pairs * 2 : 2].count(0)
    if odd * 2 >= pairs and even * 10 < pairs:
        return "utf-16-le"
    if even * 2 >= pairs and odd * 10 < pairs:
        return "utf-16-be"
    return None


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return b"\0" in head or controls * 20 > len(head)


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


def _xlsx_table(
    name: str, stream: IO[bytes], close: Callable[[], None], limits: UploadLimits
) -> Table:
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

    records = _xlsx_records(name, sheet.iter_rows(values_only=True), limits)
    return Table(name, records, decimal_comma=False, close=finish)


def _xlsx_records(
    name: str, rows: Iterator[tuple[Any, ...]], limits: UploadLimits
) -> Iterator[list[str]]:
    """The sheet's rows as text, refused once they pass the row, column or cell-length limit."""
    for number, row in enumerate(rows, start=1):
        if number > limits.xlsx_max_rows:
            raise TableError(
                f"{name}: refused, its sheet has more than {limits.xlsx_max_rows:,} rows "
                "(LEADFLOW_XLSX_MAX_ROWS)"
            )
        if len(row) > limits.xlsx_max_columns and any(
            v is not None for v in row[limits.xlsx_max_columns :]
        ):
            raise TableError(
                f"{name}: refused, row {number} has more than {limits.xlsx_max_columns:,} "
                "columns (LEADFLOW_XLSX_MAX_COLUMNS)"
            )
        cells = [_cell_text(value) for value in row[: limits.xlsx_max_columns]]
        for column, cell in enumerate(cells, start=1):
            if len(cell) > limits.xlsx_max_cell_chars:
                raise TableError(
                    f"{name}: refused, the cell in row {number}, column {column} is longer than "
                    f"{limits.xlsx_max_cell_chars:,} characters (LEADFLOW_XLSX_MAX_CELL_CHARS)"
                )
        yield cells


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
