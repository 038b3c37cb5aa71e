"""Checks on an XLSX workbook before it is parsed: what its zip entries expand to, and how many
shared strings it holds. A few hundred kilobytes of zip can expand to gigabytes of XML; these
checks read only the zip directory and stream the shared strings, so they cost little."""

from __future__ import annotations

import zipfile
from typing import IO
from xml.parsers import expat

from leadflow.adapters.importing.limits import MB, UploadLimits, megabytes

_RATIO_FROM = 1 * MB
_READ = 1 << 16


class WorkbookRefused(ValueError):
    """The workbook breaks one of the upload limits; the message says which and by how much."""


def check_workbook(stream: IO[bytes], limits: UploadLimits) -> None:
    """Refuse a workbook whose entries expand too far or whose shared strings are too many."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    with archive:
        _check_entries(archive.infolist(), limits)
        for entry in archive.infolist():
            if entry.filename.lower().endswith("sharedstrings.xml"):
                try:
                    with archive.open(entry) as part:
                        _check_shared_strings(part, limits)
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError):
                    break  # a damaged or encrypted part: openpyxl says what is wrong with it
    stream.seek(0)


def _check_entries(entries: list[zipfile.ZipInfo], limits: UploadLimits) -> None:
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > limits.xlsx_max_uncompressed_bytes:
            raise WorkbookRefused(
                f"its parts expand to more than {megabytes(limits.xlsx_max_uncompressed_bytes)} "
                "(LEADFLOW_XLSX_MAX_UNCOMPRESSED_MB)"
            )
        if entry.file_size < _RATIO_FROM:
            continue
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limits.xlsx_max_expansion_ratio:
            raise WorkbookRefused(
                f"its part {entry.filename} expands {ratio:,.0f} times "
                f"({megabytes(entry.compress_size)} to {megabytes(entry.file_size)}); the limit "
                f"is {limits.xlsx_max_expansion_ratio} times (LEADFLOW_XLSX_MAX_EXPANSION_RATIO)"
            )


def _check_shared_strings(part: IO[bytes], limits: UploadLimits) -> None:
    """Count the shared strings and their text as the XML streams by, without keeping any."""
    state = {"count": 0, "chars": 0, "current": 0, "depth": 0}

    def start(name: str, _attributes: dict[str, str]) -> None:
        if name.rpartition(" ")[2] == "si":
            state["count"] += 1
            state["current"] = 0
            if state["count"] > limits.xlsx_max_shared_strings:
                raise WorkbookRefused(
                    f"it holds more than {limits.xlsx_max_shared_strings:,} shared strings "
                    "(LEADFLOW_XLSX_MAX_SHARED_STRINGS)"
                )

    def text(data: str) -> None:
        state["current"] += len(data)
        state["chars"] += len(data)
        if state["current"] > limits.xlsx_max_cell_chars:
            raise WorkbookRefused(
                f"shared string {state['count']} is longer than {limits.xlsx_max_cell_chars:,} "
                "characters (LEADFLOW_XLSX_MAX_CELL_CHARS)"
            )
        if state["chars"] > limits.xlsx_max_shared_strings_bytes:
            raise WorkbookRefused(
                "its shared strings hold more than "
                f"{megabytes(limits.xlsx_max_shared_strings_bytes)} of text "
                "(LEADFLOW_XLSX_MAX_SHARED_STRINGS_MB)"
            )

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    try:
        while block := part.read(_READ):
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        return  # openpyxl says what is wrong with it
