"""A file of past leads into a scratch workspace through leadflow's import (services/importer),
so that an evaluation sees exactly the leads, extras and duplicates an import would store.

Exports for an evaluation are often anonymous (no e-mail, phone or name), which the import
rejects. The file is therefore imported from a copy with one more column that labels such a
row by its row number ("row-17"); row numbers stay those of the original file. Where the file
names no company, website or e-mail, an account could not be made, and the company fields
(industry, size, country, ...) are kept as extras instead of being dropped.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from leadflow.adapters.db.database import Database
from leadflow.adapters.importing import (
    ColumnMapping,
    MappingFile,
    RowError,
    Table,
    TableError,
    map_columns,
    open_table,
)
from leadflow.adapters.importing.mapping_file import EXTRA
from leadflow.adapters.importing.values import clean
from leadflow.domain.errors import InvalidInput
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.imports.importer import ImportRequest, run_import

ROW_LABEL = "(row)"
IDENTITY = ("full_name", "last_name", "first_name", "email", "phone", "mobile")
ACCOUNT_KEYS = frozenset({"company", "website", "email"})
ACCOUNT_FIELDS = ("industry", "employees", "country", "postal_code", "city")


@dataclass(frozen=True)
class ImportedFile:
    """What became of a file's rows: created leads, merged duplicates, rejected rows."""

    headers: tuple[str, ...]
    mapping: ColumnMapping
    rows: int
    stored: int
    merged: int
    rejected: list[RowError] = field(default_factory=list)


def file_headers(path: Path) -> tuple[str, ...]:
    """The column names of a CSV or XLSX file."""
    try:
        with open_table(path) as table:
            return table.headers
    except TableError as error:
        raise InvalidInput(str(error), field="file") from error


def import_past_leads(
    db: Database,
    workspace_id: int,
    path: Path,
    *,
    overrides: MappingFile,
    preset: str | None = None,
    required: Collection[str] = (),
    now: datetime,
) -> ImportedFile:
    """Import every row of a file as a lead; a row with an empty `required` cell is rejected."""
    try:
        with (
            open_table(path) as table,
            tempfile.TemporaryDirectory(prefix="leadflow-past-leads-") as folder,
        ):
            mapping_file = _evaluation_mapping(table.headers, preset, overrides)
            copy = Path(folder) / f"{path.stem}.csv"
            rows, missing = _labelled_copy(table, copy, required, mapping_file, preset)
            request = ImportRequest(
                workspace_id, preset=preset, mapping=mapping_file, file_name=path.name
            )
            report = run_import(db, copy, request, by=Principal(workspace_id, Actor.ADMIN), now=now)
    except TableError as error:
        raise InvalidInput(str(error), field="file") from error
    except ValueError as error:
        raise InvalidInput(str(error), field="preset") from error
    mapping = map_columns((*table.headers, ROW_LABEL), preset, mapping_file)
    rejected = sorted([*missing, *report.rejects], key=lambda error: error.row)
    return ImportedFile(table.headers, mapping, rows, report.created, report.merged, rejected)


def _evaluation_mapping(
    headers: tuple[str, ...], preset: str | None, overrides: MappingFile
) -> MappingFile:
    """The overrides, plus the row label as a name and homeless company fields as extras."""
    mapped = map_columns(headers, preset, overrides).fields
    taken = set(mapped.values())
    columns = dict(overrides.columns)
    free = next((target for target in IDENTITY if target not in taken), None)
    if free is not None:
        columns[ROW_LABEL] = free
    if not taken & ACCOUNT_KEYS:
        columns.update(
            {header: EXTRA for header, target in mapped.items() if target in ACCOUNT_FIELDS}
        )
    return MappingFile(overrides.name, overrides.preset, columns, overrides.values)


def _labelled_copy(
    table: Table,
    copy: Path,
    required: Collection[str],
    mapping_file: MappingFile,
    preset: str | None,
) -> tuple[int, list[RowError]]:
    """Write the rows with their row label; rows missing a required cell are left out."""
    mapping = map_columns((*table.headers, ROW_LABEL), preset, mapping_file)
    named = [header for header, target in mapping.fields.items() if target in IDENTITY]
    labelled = ROW_LABEL in mapping.fields
    missing: list[RowError] = []
    rows = 0
    with copy.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=table.delimiter or ",")
        writer.writerow([*table.headers, ROW_LABEL])
        written = 1
        for number, raw in table:
            rows += 1
            empty = [column for column in required if clean(raw.get(column)) is None]
            if empty:
                missing += [RowError(number, column, "the cell is empty") for column in empty]
                continue
            writer.writerows([[]] * (number - 1 - written))
            label = _label(number, raw, named, labelled)
            writer.writerow([*(raw.get(header, "") for header in table.headers), label])
            written = number
    return rows, missing


def _label(number: int, raw: Mapping[str, str], named: list[str], labelled: bool) -> str:
    if not labelled or any(clean(raw.get(header)) for header in named if header != ROW_LABEL):
        return ""
    return f"row-{number}"
