"""A file of past leads into a scratch workspace, through the import's readers, presets and
row checks, so that an evaluation sees exactly the fields an import would store.

Exports for an evaluation are often anonymous (no e-mail, phone or name); such a row is kept
under a label that names its row ("row-17") instead of being rejected.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.past_leads import PastLead, PastLeadWriter
from leadflow.adapters.importing import (
    ColumnMapping,
    ImportOptions,
    LeadCandidate,
    MappingFile,
    RowError,
    TableError,
    candidate_from_row,
    map_columns,
    open_table,
)
from leadflow.adapters.importing.values import clean
from leadflow.domain.errors import InvalidInput

CHUNK = 2_000
ROW_LABEL = "(row)"
IDENTITY = ("full_name", "last_name", "first_name", "email", "phone", "mobile")
# Canonical fields that a lead, its contact or its account has a column for. Any other mapped
# cell, and account cells of a lead without a company, is kept in the extras under its header.
STORED = frozenset(
    {"first_name", "last_name", "full_name", "email", "phone", "mobile", "job_title",
     "department", "company", "lead_source", "stage", "lead_status", "rating", "created_at"}
)  # fmt: skip
ACCOUNT_FIELDS = frozenset({"website", "industry", "employees", "country", "postal_code", "city"})


@dataclass(frozen=True)
class ImportedFile:
    """What became of a file's rows."""

    headers: tuple[str, ...]
    mapping: ColumnMapping
    rows: int
    stored: int
    rejected: list[RowError] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return self.rows - self.stored - len({error.row for error in self.rejected})


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
    """Read, map and check every row of a file and store the good ones as leads.

    A row with an empty cell in one of the `required` columns is rejected.
    """
    writer = PastLeadWriter(workspace_id)
    rows = stored = 0
    rejected: list[RowError] = []
    try:
        with open_table(path) as table:
            mapping = _mapping(table.headers, preset, overrides)
            options = ImportOptions(decimal_comma=table.decimal_comma)
            chunk: list[PastLead] = []
            for number, raw in table:
                rows += 1
                missing = [
                    RowError(number, column, "the cell is empty")
                    for column in required
                    if clean(raw.get(column)) is None
                ]
                if missing:
                    rejected.extend(missing)
                    continue
                result = candidate_from_row(
                    number, _labelled(number, raw, mapping), mapping, options
                )
                if isinstance(result, list):
                    rejected.extend(result)
                    continue
                chunk.append(PastLead(result, _extras(raw, mapping, result)))
                if len(chunk) >= CHUNK:
                    stored += _write(db, writer, chunk, now)
                    chunk = []
            stored += _write(db, writer, chunk, now)
    except TableError as error:
        raise InvalidInput(str(error), field="file") from error
    return ImportedFile(table.headers, mapping, rows, stored, rejected)


def _mapping(headers: tuple[str, ...], preset: str | None, overrides: MappingFile) -> ColumnMapping:
    try:
        mapping = map_columns(headers, preset, overrides)
        taken = set(mapping.fields.values())
        free = next((target for target in IDENTITY if target not in taken), None)
        if free is None:
            return mapping
        labelled = MappingFile(
            overrides.name,
            overrides.preset,
            {**overrides.columns, ROW_LABEL: free},
            overrides.values,
        )
        return map_columns((*headers, ROW_LABEL), preset, labelled)
    except ValueError as error:
        raise InvalidInput(str(error), field="preset") from error


def _labelled(number: int, raw: Mapping[str, str], mapping: ColumnMapping) -> Mapping[str, str]:
    """The row, with its row label as its name when it has no e-mail, phone or name."""
    if ROW_LABEL not in mapping.fields:
        return raw
    named = any(
        clean(raw.get(header)) for header, target in mapping.fields.items() if target in IDENTITY
    )
    return raw if named else {**raw, ROW_LABEL: f"row-{number}"}


def _extras(
    raw: Mapping[str, str], mapping: ColumnMapping, candidate: LeadCandidate
) -> dict[str, str]:
    """The candidate's extras and every mapped cell that has no column to go to."""
    kept = dict(candidate.extras)
    has_account = bool(candidate.company or candidate.domain)
    for header, target in mapping.fields.items():
        value = clean(raw.get(header))
        if value is None or target in STORED or (target in ACCOUNT_FIELDS and has_account):
            continue
        kept[header] = value
    return kept


def _write(db: Database, writer: PastLeadWriter, chunk: Iterable[PastLead], now: datetime) -> int:
    leads = list(chunk)
    if not leads:
        return 0
    with db.transaction() as connection:
        return writer.add(connection, leads, now)
