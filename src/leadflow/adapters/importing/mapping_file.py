"""A user's mapping file (TOML) that overrides a preset's columns and values."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadflow.domain.errors import InvalidInput
from leadflow.domain.stages import Stage

from .preset_tables import CANONICAL_FIELDS
from .values import check_date_format

EXTRA = "extra"
IGNORE = "ignore"
PRESET_NAMES = ("salesforce", "hubspot", "generic")

_GRADES = ("A", "B", "C", "D")
_VALUE_CHOICES: dict[str, tuple[str, ...]] = {
    "stage": tuple(stage.value for stage in Stage),
    "lead_status": tuple(stage.value for stage in Stage),
    "rating": _GRADES,
}

EXAMPLE = """\
preset = "generic"            # optional: salesforce, hubspot or generic
date_format = "%d.%m.%Y"      # optional: how the file writes dates (strftime); else guessed
allow_id_only = false         # optional: import rows whose only identity is their id

[columns]                     # source header = canonical field, "extra" or "ignore"
"Ansprechpartner Vorname" = "first_name"
"Interne Nummer" = "ignore"

[values.stage]                # source value = leadflow stage ("" = no stage)
"Heißer Kontakt" = "mql"

[values.rating]               # source value = grade A-D
"1" = "A"
"""


class MappingFileError(InvalidInput, ValueError):
    """A mapping file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class MappingFile:
    name: str
    preset: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    date_format: str | None = None
    allow_id_only: bool = False


def load_mapping_file(path: Path) -> MappingFile:
    """Read and check a mapping file from disk."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingFileError(f"{path.name}: cannot be read ({error})") from error
    return parse_mapping_file(text, name=path.name)


def parse_mapping_file(text: str, *, name: str = "mapping file") -> MappingFile:
    """Check a mapping file's TOML text; every mistake is reported with its entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingFileError(f"{name}: not valid TOML ({error})") from error
    unknown = set(data) - {"preset", "columns", "values", "date_format", "allow_id_only"}
    if unknown:
        raise MappingFileError(
            f"{name}: unknown section {', '.join(sorted(unknown))}; "
            "expected preset, date_format, allow_id_only, [columns] and [values.<field>]"
        )
    preset = data.get("preset")
    if preset is not None and preset not in PRESET_NAMES:
        raise MappingFileError(f"{name}: preset '{preset}' is not one of {', '.join(PRESET_NAMES)}")
    allow_id_only = data.get("allow_id_only", False)
    if not isinstance(allow_id_only, bool):
        raise MappingFileError(f"{name}: allow_id_only must be true or false")
    return MappingFile(
        name, preset, _columns(name, data), _values(name, data), _date_format(name, data),
        allow_id_only,
    )  # fmt: skip


def _date_format(name: str, data: dict[str, Any]) -> str | None:
    pattern = data.get("date_format")
    if pattern is None:
        return None
    if not isinstance(pattern, str):
        raise MappingFileError(f'{name}: date_format must be text such as "%d.%m.%Y"')
    try:
        return check_date_format(pattern)
    except ValueError as error:
        raise MappingFileError(f"{name}: date_format {error}") from error


def _table(name: str, data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise MappingFileError(f'{name}: {where} must be a table of "key" = "value" entries')
    return data


def _columns(name: str, data: dict[str, Any]) -> dict[str, str]:
    columns = _table(name, data.get("columns", {}), "[columns]")
    allowed = (*CANONICAL_FIELDS, EXTRA, IGNORE)
    for header, target in columns.items():
        if target not in allowed:
            raise MappingFileError(
                f'{name}: [columns] "{header}" = "{target}": not a leadflow field; '
                f"expected one of {', '.join(allowed)}"
            )
    return dict(columns)


def _values(name: str, data: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    values = _table(name, data.get("values", {}), "[values]")
    checked: dict[str, dict[str, str | None]] = {}
    for target, table in values.items():
        choices = _VALUE_CHOICES.get(target)
        if choices is None:
            raise MappingFileError(
                f"{name}: [values.{target}]: values can be mapped for "
                f"{', '.join(_VALUE_CHOICES)} only"
            )
        entries = _table(name, table, f"[values.{target}]")
        for source, canonical in entries.items():
            if canonical != "" and canonical not in choices:
                raise MappingFileError(
                    f'{name}: [values.{target}] "{source}" = "{canonical}": '
                    f'expected one of {", ".join(choices)} or ""'
                )
        checked[target] = {source: canonical or None for source, canonical in entries.items()}
    return checked
