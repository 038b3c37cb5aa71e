"""Column mapping presets: which source column feeds which of leadflow's fields."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from leadflow.domain.errors import InvalidInput
from leadflow.domain.stages import Stage

from .mapping_file import EXTRA, IGNORE, MappingFile
from .normalize import fold
from .preset_tables import (
    GENERIC_SYNONYMS,
    HUBSPOT_COLUMNS,
    HUBSPOT_LEAD_STATUS,
    HUBSPOT_LIFECYCLE,
    HUBSPOT_OPT_OUT_PREFIXES,
    LEADFLOW_STAGES,
    RATINGS,
    SALESFORCE_COLUMNS,
    SALESFORCE_STATUS,
)

ValueMap = Mapping[str, str | None]

_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
_CUTOFF = 88
_FUZZY_MIN_LENGTH = 5

_SALESFORCE_MARKERS = frozenset(
    {"OwnerId", "LeadSource", "IsConverted", "IsDeleted", "HasOptedOutOfEmail", "CreatedDate",
     "NumberOfEmployees", "AnnualRevenue", "MobilePhone", "PostalCode", "FirstName", "LastName",
     "Lead Owner", "Lead ID", "Company / Account", "Zip/Postal Code", "State/Province",
     "No. of Employees", "Email Opt Out"}
)  # fmt: skip
_HUBSPOT_MARKERS = frozenset(
    {"Record ID", "Contact owner", "Lifecycle Stage", "Country/Region", "State/Region",
     "Phone Number", "Mobile Phone Number", "Marketing contact status", "Associated Company",
     "Primary Associated Company ID", "lifecyclestage", "hubspot_owner_id", "createdate",
     "jobtitle", "numemployees", "annualrevenue", "mobilephone"}
)  # fmt: skip


def value_key(text: str) -> str:
    """The form in which values and headers are compared: 'IN_PROGRESS' -> 'inprogress'."""
    return _NOT_ALPHANUMERIC.sub("", fold(text))


def header_key(header: str) -> str:
    """The comparison form of a column header; Salesforce's custom-field suffix is dropped."""
    stripped = header.strip()
    return value_key(stripped[:-3] if stripped.endswith("__c") else stripped)


def _keyed(table: Mapping[str, str | None]) -> dict[str, str | None]:
    return {value_key(source): target for source, target in table.items()}


def _stage_values(table: Mapping[str, Stage | None]) -> dict[str, str | None]:
    return _keyed({source: stage.value if stage else None for source, stage in table.items()})


@dataclass(frozen=True)
class Preset:
    name: str
    columns: Mapping[str, str]
    value_maps: Mapping[str, ValueMap]
    fuzzy: bool = False


_GENERIC_STAGES = {**HUBSPOT_LIFECYCLE, **SALESFORCE_STATUS, **LEADFLOW_STAGES}
PRESETS: dict[str, Preset] = {
    "salesforce": Preset(
        "salesforce",
        {header_key(header): target for header, target in SALESFORCE_COLUMNS.items()},
        {"stage": _stage_values({**LEADFLOW_STAGES, **SALESFORCE_STATUS})},
    ),
    "hubspot": Preset(
        "hubspot",
        {header_key(header): target for header, target in HUBSPOT_COLUMNS.items()},
        {"stage": _stage_values({**LEADFLOW_STAGES, **HUBSPOT_LIFECYCLE})},
    ),
    "generic": Preset("generic", {}, {"stage": _stage_values(_GENERIC_STAGES)}, fuzzy=True),
}
_SHARED_VALUE_MAPS: dict[str, ValueMap] = {
    "lead_status": _stage_values(HUBSPOT_LEAD_STATUS),
    "rating": _keyed(RATINGS),
}

_SYNONYMS: dict[str, tuple[str, int]] = {}
for _target, _names in GENERIC_SYNONYMS.items():
    for _rank, _name in enumerate((_target, *_names)):
        _SYNONYMS.setdefault(header_key(_name), (_target, _rank))
_SYNONYM_KEYS = list(_SYNONYMS)


@dataclass(frozen=True)
class ColumnMapping:
    """Where each column of one file goes: a canonical field, the extras, or nowhere."""

    preset: str
    fields: Mapping[str, str]
    extras: tuple[str, ...]
    ignored: tuple[str, ...] = ()
    value_maps: Mapping[str, ValueMap] = field(default_factory=dict)
    opt_out_columns: tuple[str, ...] = ()
    """Further e-mail opt-out columns (kept as extras too); any of them set is an opt-out."""

    def translate(self, target: str, value: str) -> str | None:
        """The canonical value (a stage name or grade) for a source value of a field."""
        known = self.value_maps.get(target, {})
        key = value_key(value)
        if key not in known:
            label = target.replace("_", " ")
            raise ValueError(
                f"'{value}' is not a known {label} value; "
                f"map it under [values.{target}] in a mapping file"
            )
        return known[key]


def detect_preset(headers: Sequence[str]) -> str:
    """'salesforce', 'hubspot' or 'generic', judged by the headers only those exports carry."""
    names = {header.strip() for header in headers}
    salesforce = len(names & _SALESFORCE_MARKERS) + sum(name.endswith("__c") for name in names)
    hubspot = len(names & _HUBSPOT_MARKERS) + sum(
        name.startswith(("hs_", "Became a")) for name in names
    )
    if max(salesforce, hubspot) >= 2 and salesforce != hubspot:
        return "salesforce" if salesforce > hubspot else "hubspot"
    return "generic"


def map_columns(
    headers: Sequence[str], preset: str | None = None, overrides: MappingFile | None = None
) -> ColumnMapping:
    """Map a file's headers with a preset (detected when not given) and a mapping file."""
    name = preset or (overrides.preset if overrides else None) or detect_preset(headers)
    if name not in PRESETS:
        choices = ", ".join(PRESETS)
        raise InvalidInput(f"unknown preset '{name}'; expected one of {choices}", field="preset")
    chosen = PRESETS[name]
    forced = {header_key(h): t for h, t in overrides.columns.items()} if overrides else {}
    # Earlier entries of a vendor table win a contested field, as better synonyms do.
    vendor_ranks = {key: rank for rank, key in enumerate(chosen.columns)}
    candidates: list[tuple[tuple[int, int, int], str, str]] = []
    ignored: list[str] = []
    for column, header in enumerate(headers):
        key = header_key(header)
        target = forced.get(key)
        if target == IGNORE:
            ignored.append(header)
        if target in (IGNORE, EXTRA):
            continue
        if target:
            candidates.append(((0, 0, column), header, target))
        if key in chosen.columns:
            candidates.append(((1, vendor_ranks[key], column), header, chosen.columns[key]))
        if key in _SYNONYMS:
            synonym, rank = _SYNONYMS[key]
            candidates.append(((2, rank, column), header, synonym))
        elif chosen.fuzzy and len(key) >= _FUZZY_MIN_LENGTH:
            found = process.extractOne(key, _SYNONYM_KEYS, scorer=fuzz.ratio, score_cutoff=_CUTOFF)
            if found is not None:
                candidates.append(
                    ((3, 100 - int(found[1]), column), header, _SYNONYMS[found[0]][0])
                )
    fields: dict[str, str] = {}
    for _, header, target in sorted(candidates, key=lambda candidate: candidate[0]):
        if header not in fields and target not in fields.values():
            fields[header] = target
    in_file_order = {header: fields[header] for header in headers if header in fields}
    extras = tuple(header for header in headers if header not in fields and header not in ignored)
    opt_outs = tuple(h for h in extras if h.strip().startswith(HUBSPOT_OPT_OUT_PREFIXES))
    return ColumnMapping(
        name, in_file_order, extras, tuple(ignored), _value_maps(chosen, overrides), opt_outs
    )


def _value_maps(preset: Preset, overrides: MappingFile | None) -> dict[str, ValueMap]:
    merged = {target: dict(table) for target, table in _SHARED_VALUE_MAPS.items()}
    for target, table in preset.value_maps.items():
        merged.setdefault(target, {}).update(table)
    for target, table in (overrides.values if overrides else {}).items():
        merged.setdefault(target, {}).update(_keyed(table))
    return dict(merged)
