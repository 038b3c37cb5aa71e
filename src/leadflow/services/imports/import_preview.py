"""What an import would do with a file before it runs: the mapping and the first rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from leadflow.adapters.importing import (
    ImportOptions,
    MappingFile,
    RowError,
    map_columns,
    open_table,
)
from leadflow.adapters.importing.chunk import normalize_chunk
from leadflow.adapters.importing.limits import UploadLimits

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class PreviewRow:
    row: int
    values: dict[str, Any]
    errors: list[RowError]
    warnings: list[RowError] = field(default_factory=list)
    """Values the import would drop (the row is imported without them)."""


@dataclass(frozen=True)
class ImportPreview:
    """The preset, where each column goes, and the first rows as they would be read."""

    file_name: str
    preset: str
    columns: dict[str, str]
    extras: list[str]
    ignored: list[str]
    rows: list[PreviewRow]


def preview_import(
    path: Path,
    *,
    preset: str | None = None,
    mapping: MappingFile | None = None,
    file_name: str | None = None,
    rows: int = SAMPLE_ROWS,
    limits: UploadLimits | None = None,
) -> ImportPreview:
    """Map the file's columns and check its first rows as the import would; nothing is stored."""
    with open_table(path, name=file_name or path.name, limits=limits) as table:
        columns = map_columns(table.headers, preset, mapping)
        options = ImportOptions(
            decimal_comma=table.decimal_comma,
            date_format=mapping.date_format if mapping else None,
            allow_id_only=bool(mapping and mapping.allow_id_only),
        )
        first = list(islice(table, rows))
        name = table.name
    chunk = normalize_chunk(first, columns, options)
    good = {row["row"]: row for row in chunk.frame.iter_rows(named=True)}
    sample = [
        PreviewRow(
            number,
            _values(good.get(number, {})),
            [e for e in chunk.errors if e.row == number],
            [w for w in chunk.warnings if w.row == number],
        )
        for number, _ in first
    ]
    return ImportPreview(
        name, columns.preset, dict(columns.fields), list(columns.extras), list(columns.ignored),
        sample,
    )  # fmt: skip


def _values(row: dict[str, Any]) -> dict[str, Any]:
    """The fields a row fills, as the import would store them."""
    hidden = {"row", "extras", "email_is_free_mail"}
    shown = {k: v for k, v in row.items() if v is not None and k not in hidden}
    extras = json.loads(row.get("extras") or "{}")
    return {**shown, **({"extras": extras} if extras else {})}
