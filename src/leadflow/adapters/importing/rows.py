"""One raw row through a column mapping into a lead candidate, or every problem it has."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo

from leadflow.domain.stages import MAIN_PATH, Stage

from .legal_basis import parse_legal_basis
from .normalize import (
    DEFAULT_REGION,
    NormalizedEmail,
    company_key,
    country_code,
    normalize_email,
    normalize_phone,
    registrable_domain,
)
from .preset_tables import HISTORY_FIELDS
from .presets import ColumnMapping
from .values import clean, parse_bool, parse_datetime, parse_number, parse_size

T = TypeVar("T")

_IDENTITY_FIELDS = ("email", "phone", "mobile", "first_name", "last_name", "full_name")
NO_IDENTITY = "the row has no usable e-mail address, phone number or name"
ID_ONLY_HINT = "; it has only an id: allow id-only rows to import it"
_TEXT_FIELDS = (
    "salutation", "job_title", "department", "street", "postal_code", "city", "state",
    "country", "industry", "lead_source", "owner", "description", "external_id",
)  # fmt: skip
# Column sizes of optional text fields: a longer value is dropped with a warning.
OPTIONAL_LIMITS = {"job_title": 300, "department": 200, "company": 300, "industry": 200,
                   "postal_code": 20, "city": 200, "lead_source": 100}  # fmt: skip
_SIDE_STAGES = frozenset({Stage.LOST, Stage.NURTURE, Stage.DISQUALIFIED})


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or the whole row), named by row number and column header."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


@dataclass(frozen=True)
class ImportOptions:
    """How to read values whose meaning the file does not state; times end up in UTC.
    `date_format` (a strftime pattern) wins over guessing; `allow_id_only` lets a row whose
    only identity is its external id in."""

    decimal_comma: bool = True
    timezone: tzinfo = field(default_factory=lambda: ZoneInfo("Europe/Berlin"))
    default_region: str = DEFAULT_REGION
    date_format: str | None = None
    allow_id_only: bool = False


@dataclass(frozen=True)
class LeadCandidate:
    """A checked and normalised row, ready for duplicate matching and storage."""

    row: int
    salutation: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    email_is_free_mail: bool = False
    phone: str | None = None
    mobile: str | None = None
    job_title: str | None = None
    department: str | None = None
    company: str | None = None
    company_key: str | None = None
    website: str | None = None
    domain: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    country_code: str | None = None
    industry: str | None = None
    employees: int | None = None
    annual_revenue: Decimal | None = None
    lead_source: str | None = None
    stage: Stage | None = None
    grade: str | None = None
    owner: str | None = None
    description: str | None = None
    external_id: str | None = None
    created_at: datetime | None = None
    email_opt_out: bool | None = None
    do_not_call: bool | None = None
    legal_basis: str | None = None
    stage_history: tuple[tuple[Stage, datetime], ...] = ()
    extras: Mapping[str, str] = field(default_factory=dict, hash=False)
    warnings: tuple[RowError, ...] = ()
    """Optional values that were dropped, each with its column and problem."""


class _Cells:
    """The mapped cells of one row; a value that fails its parse is dropped with a warning
    (and kept as an extra), never raised."""

    def __init__(self, row: int, raw: Mapping[str, str], mapping: ColumnMapping) -> None:
        self.row = row
        self.cells = {
            target: (header, clean(raw.get(header))) for header, target in mapping.fields.items()
        }
        self.warnings: list[RowError] = []
        self.dropped: dict[str, str] = {}
        for target, limit in OPTIONAL_LIMITS.items():
            header, value = self.cells.get(target, ("", None))
            if value is not None and len(value) > limit:
                self.warnings.append(RowError(row, header, f"longer than {limit} characters"))
                self.dropped[header] = value
                self.cells[target] = (header, None)

    def text(self, target: str) -> str | None:
        return self.cells.get(target, ("", None))[1]

    def parsed(self, target: str, parse: Callable[[str], T | None]) -> T | None:
        header, value = self.cells.get(target, ("", None))
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as error:
            self.warnings.append(RowError(self.row, header, str(error)))
            self.dropped[header] = value
            return None


def candidate_from_row(
    row: int,
    raw: Mapping[str, str],
    mapping: ColumnMapping,
    options: ImportOptions | None = None,
) -> LeadCandidate | list[RowError]:
    """The lead in one raw row (bad optional values dropped with warnings), or the row's
    problems when nothing usable identifies the person; never raises for bad data."""
    options = options or ImportOptions()
    cells = _Cells(row, raw, mapping)
    texts = {target: cells.text(target) for target in _TEXT_FIELDS}
    region = country_code(texts["country"] or "") or options.default_region
    email = cells.parsed("email", normalize_email)
    first_name, last_name = _names(cells)
    stage = _combined(
        _stage(cells, mapping, "stage"),
        _stage(cells, mapping, "lead_status"),
    )
    company = cells.text("company")
    when = partial(_utc, tz=options.timezone, date_format=options.date_format)
    candidate = LeadCandidate(
        row=row,
        first_name=first_name,
        last_name=last_name,
        email=email.address if email else None,
        email_is_free_mail=email.is_free_mail if email else False,
        phone=cells.parsed("phone", partial(normalize_phone, region=region)),
        mobile=cells.parsed("mobile", partial(normalize_phone, region=region)),
        company=company,
        company_key=company_key(company) if company else None,
        website=cells.text("website"),
        domain=cells.parsed("website", registrable_domain) or _company_mail_domain(email),
        country_code=country_code(texts["country"] or ""),
        employees=cells.parsed(
            "employees", partial(parse_size, decimal_comma=options.decimal_comma)
        ),
        annual_revenue=cells.parsed(
            "annual_revenue", partial(parse_number, decimal_comma=options.decimal_comma)
        ),
        stage=stage,
        grade=cells.parsed("rating", partial(mapping.translate, "rating")),
        created_at=cells.parsed("created_at", when),
        email_opt_out=_opted_out(cells, raw, mapping),
        do_not_call=cells.parsed("do_not_call", parse_bool),
        legal_basis=cells.parsed("legal_basis", parse_legal_basis),
        stage_history=_history(cells, when),
        extras={},
        warnings=(),
        **texts,
    )
    identity = (candidate.email, candidate.phone, candidate.mobile, first_name, last_name)
    if any(identity) or (options.allow_id_only and candidate.external_id):
        extras = {**_extras(raw, mapping), **cells.dropped}
        return replace(candidate, extras=extras, warnings=tuple(cells.warnings))
    return [no_identity(row, mapping, has_id=bool(candidate.external_id)), *cells.warnings]


def no_identity(row: int, mapping: ColumnMapping, *, has_id: bool) -> RowError:
    """The reject of a row that nothing usable identifies."""
    named = [header for header, target in mapping.fields.items() if target in _IDENTITY_FIELDS]
    message = NO_IDENTITY + (ID_ONLY_HINT if has_id else "")
    return RowError(row, ", ".join(named) or "e-mail, phone, name", message)


def _opted_out(cells: _Cells, raw: Mapping[str, str], mapping: ColumnMapping) -> bool | None:
    """The e-mail opt-out column, or any of the further opt-out columns HubSpot exports."""
    flags = [cells.parsed("email_opt_out", parse_bool)]
    for header in mapping.opt_out_columns:
        value = clean(raw.get(header))
        if value is None:
            continue
        try:
            flags.append(parse_bool(value))
        except ValueError as error:
            cells.warnings.append(RowError(cells.row, header, str(error)))
    if True in flags:
        return True
    return False if False in flags else None


def _names(cells: _Cells) -> tuple[str | None, str | None]:
    first, last = cells.text("first_name"), cells.text("last_name")
    full = cells.text("full_name")
    if full and not (first or last):
        given, _, family = full.rpartition(" ")
        return (given or None), family
    return first, last


def _stage(cells: _Cells, mapping: ColumnMapping, target: str) -> Stage | None:
    name = cells.parsed(target, partial(mapping.translate, target))
    return Stage(name) if name else None


def _combined(stage: Stage | None, status: Stage | None) -> Stage | None:
    """The lifecycle stage, moved on or aside by what sales recorded as lead status."""
    if stage is None or status is None:
        return stage or status
    if stage is Stage.WON or stage in _SIDE_STAGES:
        return stage
    if status in _SIDE_STAGES:
        return status
    return max(stage, status, key=MAIN_PATH.index)


def _history(
    cells: _Cells, when: Callable[[str], datetime | None]
) -> tuple[tuple[Stage, datetime], ...]:
    reached = [
        (stage, at)
        for target, stage in HISTORY_FIELDS.items()
        if (at := cells.parsed(target, when)) is not None
    ]
    order = list(Stage)
    return tuple(sorted(reached, key=lambda entry: (entry[1], order.index(entry[0]))))


def _utc(text: str, *, tz: tzinfo, date_format: str | None = None) -> datetime | None:
    parsed = parse_datetime(text, tz=tz, date_format=date_format)
    return parsed.astimezone(UTC) if parsed else None


def _company_mail_domain(email: NormalizedEmail | None) -> str | None:
    if email is None or email.is_free_mail:
        return None
    try:
        return registrable_domain(email.domain)
    except ValueError:
        return None


def _extras(raw: Mapping[str, str], mapping: ColumnMapping) -> dict[str, str]:
    skipped = set(mapping.fields) | set(mapping.ignored)
    return {
        header: value.strip()
        for header, value in raw.items()
        if header not in skipped and value.strip()
    }
