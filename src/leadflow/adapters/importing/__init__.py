"""Lead import without a database: read CSV/XLSX, map columns, normalise and check each row.

with open_table(path) as table:
    mapping = map_columns(table.headers, preset, load_mapping_file(map_path))
    options = ImportOptions(decimal_comma=table.decimal_comma)
    for row_number, raw in table:
        result = candidate_from_row(row_number, raw, mapping, options)
"""

from .mapping_file import MappingFile, MappingFileError, load_mapping_file, parse_mapping_file
from .normalize import (
    company_key,
    company_similarity,
    country_code,
    normalize_email,
    normalize_phone,
    registrable_domain,
)
from .preset_tables import CANONICAL_FIELDS
from .presets import PRESETS, ColumnMapping, detect_preset, map_columns
from .readers import Table, TableError, open_table
from .rows import ImportOptions, LeadCandidate, RowError, candidate_from_row

__all__ = [
    "CANONICAL_FIELDS",
    "PRESETS",
    "ColumnMapping",
    "ImportOptions",
    "LeadCandidate",
    "MappingFile",
    "MappingFileError",
    "RowError",
    "Table",
    "TableError",
    "candidate_from_row",
    "company_key",
    "company_similarity",
    "country_code",
    "detect_preset",
    "load_mapping_file",
    "map_columns",
    "normalize_email",
    "normalize_phone",
    "open_table",
    "parse_mapping_file",
    "registrable_domain",
]
