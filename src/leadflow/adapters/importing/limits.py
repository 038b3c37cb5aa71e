"""How large an uploaded table may be: the file, and what an XLSX workbook may expand to."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1_000_000


@dataclass(frozen=True)
class UploadLimits:
    """Bounds a file must stay within before (and while) it is read; each names its setting."""

    csv_max_bytes: int = 200 * MB
    xlsx_max_bytes: int = 50 * MB
    xlsx_max_rows: int = 1_048_576
    """Excel's own limit."""
    xlsx_max_columns: int = 1_000
    xlsx_max_cell_chars: int = 32_767
    """Excel's own limit for the text of one cell."""
    xlsx_max_shared_strings: int = 5_000_000
    xlsx_max_shared_strings_bytes: int = 200 * MB
    xlsx_max_uncompressed_bytes: int = 1_000 * MB
    xlsx_max_expansion_ratio: int = 100
    """Uncompressed / compressed size of one zip entry; entries under 1 MB are not checked."""


def megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB" if size % MB else f"{size // MB} MB"
