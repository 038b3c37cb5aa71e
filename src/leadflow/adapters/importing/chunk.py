"""A chunk of raw rows, checked and normalised column by column (the import's bulk path).

The rules are those of `candidate_from_row`: every value goes through the same parse and
normalise functions, once per distinct value, except the e-mail addresses and German phone
numbers that a vectorised fast path settles (see fastpath.py). A test holds both to the same
results.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import polars as pl
from polars._typing import PolarsDataType

from leadflow.domain.freemail import FREE_MAIL_DOMAINS
from leadflow.domain.stages import Stage

from .fastpath import fast_email, fast_german_phone
from .legal_basis import parse_legal_basis
from .normalize import (
    company_key,
    country_code,
    fold,
    normalize_email,
    normalize_phone,
    registrable_domain,
)
from .preset_tables import HISTORY_FIELDS
from .presets import ColumnMapping
from .rows import (
    _TEXT_FIELDS,
    OPTIONAL_LIMITS,
    ImportOptions,
    RowError,
    _combined,
    _utc,
    no_identity,
)
from .values import PLACEHOLDERS, parse_bool, parse_number, parse_size

_IDENTITY = ("email", "phone", "mobile", "first_name", "last_name")
DATETIME = pl.Datetime("us", "UTC")
RawRow = tuple[int, Mapping[str, str]]


@dataclass(frozen=True)
class Chunk:
    """The good rows of a chunk as columns named like LeadCandidate's fields, the bad ones,
    and the warnings of good rows (optional values dropped)."""

    frame: pl.DataFrame
    errors: list[RowError]
    raw: dict[int, Mapping[str, str]]
    warnings: list[RowError] = field(default_factory=list)


class _Columns:
    def __init__(self, rows: Sequence[RawRow], mapping: ColumnMapping) -> None:
        self.mapping = mapping
        self.rows = pl.Series("row", [number for number, _ in rows], dtype=pl.Int64)
        self.cells: dict[str, pl.Series] = {}
        self.headers: dict[str, str] = {}
        for header, target in mapping.fields.items():
            values = pl.Series(target, [raw.get(header) for _, raw in rows], dtype=pl.String)
            self.cells[target] = _clean(values)
            self.headers[target] = header
        self.problems: list[pl.DataFrame] = []
        for target, limit in OPTIONAL_LIMITS.items():
            if (cells := self.cells.get(target)) is not None:
                long = cells.str.len_chars() > limit
                self.problem(target, pl.select(pl.when(long).then(
                    pl.lit(f"longer than {limit} characters"))).to_series())  # fmt: skip
                self.cells[target] = pl.select(pl.when(~long.fill_null(False)).then(cells)
                                               ).to_series().alias(target)  # fmt: skip

    def text(self, target: str) -> pl.Series:
        found = self.cells.get(target)
        return found if found is not None else pl.Series(target, [None] * len(self.rows), pl.String)

    def parsed(
        self, target: str, parse: Callable[[str], Any], dtype: PolarsDataType, values: Any = None
    ) -> pl.Series:
        """Parse each distinct value once; a failure becomes a problem of that row."""
        source = self.text(target) if values is None else values
        results: dict[str, Any] = {}
        failures: dict[str, str] = {}
        for value in source.drop_nulls().unique().to_list():
            try:
                results[value] = parse(value)
            except ValueError as error:
                failures[value] = str(error)
        if failures:
            self.problem(target, source.replace_strict(failures, default=None,
                                                       return_dtype=pl.String))  # fmt: skip
        return source.replace_strict(results, default=None, return_dtype=dtype).alias(target)

    def problem(self, target: str, message: pl.Series, header: str | None = None) -> None:
        """Rows whose value of a column is dropped, with the reason (null: no problem)."""
        self.problems.append(
            pl.DataFrame({"row": self.rows, "message": message})
            .drop_nulls("message")
            .with_columns(field=pl.lit(header or self.headers.get(target, target)))
        )

    def warnings(self) -> list[RowError]:
        if not self.problems:
            return []
        frame = pl.concat(self.problems)
        return [RowError(row, field, message) for row, message, field in frame.iter_rows()]


def _clean(values: pl.Series) -> pl.Series:
    stripped = values.str.strip_chars()
    placeholder = stripped.str.to_lowercase().is_in(list(PLACEHOLDERS))
    return (
        pl.select(pl.when(placeholder).then(None).otherwise(stripped))
        .to_series()
        .alias(values.name)
    )


def normalize_chunk(
    rows: Sequence[RawRow], mapping: ColumnMapping, options: ImportOptions | None = None
) -> Chunk:
    """Check and normalise a chunk of raw rows: a bad optional value is dropped with a warning
    (and kept among the extras); a row that nothing usable identifies is an error."""
    options = options or ImportOptions()
    cells = _Columns(rows, mapping)
    texts = {target: cells.text(target) for target in _TEXT_FIELDS}
    regions = cells.parsed("country", lambda text: country_code(text) or "", pl.String)
    country = regions.replace("", None).alias("country_code")
    region = country.fill_null(options.default_region)
    email = _emails(cells)
    first_name, last_name = _names(cells)
    when = partial(_utc, tz=options.timezone, date_format=options.date_format)
    frame = pl.DataFrame(
        [
            cells.rows,
            *texts.values(),
            first_name,
            last_name,
            email,
            _domain_of(email)
            .is_in(list(FREE_MAIL_DOMAINS))
            .fill_null(False)
            .alias("email_is_free_mail"),
            _phones(cells, "phone", region, options.default_region),
            _phones(cells, "mobile", region, options.default_region),
            country,
            *_company(cells, email),
            cells.parsed(
                "employees", partial(parse_size, decimal_comma=options.decimal_comma), pl.Int64
            ),
            cells.parsed(
                "annual_revenue",
                lambda text: str(parse_number(text, decimal_comma=options.decimal_comma)),
                pl.String,
            ),
            _stage(cells),
            cells.parsed("rating", partial(mapping.translate, "rating"), pl.String).alias("grade"),
            cells.parsed("created_at", when, DATETIME),
            _opted_out(cells, rows),
            cells.parsed("do_not_call", parse_bool, pl.Boolean),
            cells.parsed("legal_basis", parse_legal_basis, pl.String),
            *(cells.parsed(target, when, DATETIME) for target in HISTORY_FIELDS),
        ]
    )
    warnings = cells.warnings()
    frame = frame.with_columns(pl.Series("extras", _extras(rows, mapping, warnings), pl.String))
    usable = [frame[name].is_not_null() for name in _IDENTITY]
    if options.allow_id_only:
        usable.append(frame["external_id"].is_not_null())
    nameless = frame.filter(~pl.any_horizontal(usable)).select("row", "external_id")
    errors = [
        no_identity(row, mapping, has_id=external_id is not None)
        for row, external_id in nameless.iter_rows()
    ]
    bad = {error.row for error in errors}
    errors += [warning for warning in warnings if warning.row in bad]
    warnings = [warning for warning in warnings if warning.row not in bad]
    raw = {number: values for number, values in rows if number in bad}
    good = frame.filter(~pl.col("row").is_in(list(bad))) if bad else frame
    return Chunk(
        good, sorted(errors, key=lambda error: error.row), raw,
        sorted(warnings, key=lambda warning: warning.row),
    )  # fmt: skip


def _opted_out(cells: _Columns, rows: Sequence[RawRow]) -> pl.Series:
    """The e-mail opt-out column, or'ed with HubSpot's further opt-out columns."""
    flags = [cells.parsed("email_opt_out", parse_bool, pl.Boolean)]
    for header in cells.mapping.opt_out_columns:
        values = _clean(pl.Series(header, [raw.get(header) for _, raw in rows], pl.String))
        cells.headers[header] = header
        flags.append(cells.parsed(header, parse_bool, pl.Boolean, values=values))
    frame = pl.DataFrame(flags)
    anything = pl.any_horizontal(pl.all().is_not_null())
    opted = pl.when(anything).then(pl.any_horizontal(pl.all().fill_null(False)))
    return frame.select(opted.alias("email_opt_out")).to_series()


def _emails(cells: _Columns) -> pl.Series:
    text = cells.text("email")
    fast = fast_email(text)
    rest = pl.select(pl.when(fast.is_null()).then(text)).to_series()
    if not rest.is_not_null().any():
        return fast.alias("email")
    checked = cells.parsed(
        "email", lambda value: normalize_email(value).address, pl.String, values=rest
    )
    return fast.fill_null(checked).alias("email")


def _domain_of(email: pl.Series) -> pl.Series:
    return email.str.extract(r"@([^@]*)$", 1).str.to_lowercase()


def _phones(cells: _Columns, target: str, region: pl.Series, default: str) -> pl.Series:
    text = cells.text(target)
    fast = fast_german_phone(text, region == "DE")
    keyed = pl.select(
        pl.when(fast.is_null() & text.is_not_null()).then(region + "\t" + text)
    ).to_series()

    def parse(value: str) -> str:
        where, _, number = value.partition("\t")
        return normalize_phone(number, region=where or default)

    checked = cells.parsed(target, parse, pl.String, values=keyed)
    return fast.fill_null(checked).alias(target)


def _names(cells: _Columns) -> tuple[pl.Series, pl.Series]:
    first, last, full = cells.text("first_name"), cells.text("last_name"), cells.text("full_name")
    split = full.str.strip_chars().str.extract(r"^(?:(.*) )?([^ ]*)$", 1).replace("", None)
    family = full.str.extract(r"([^ ]*)$", 1)
    use_full = full.is_not_null() & first.is_null() & last.is_null()
    pick = pl.DataFrame({"use": use_full, "first": first, "last": last, "g": split, "f": family})
    chosen = pick.select(
        first_name=pl.when("use").then("g").otherwise("first"),
        last_name=pl.when("use").then("f").otherwise("last"),
    )
    return chosen["first_name"], chosen["last_name"]


def _company(cells: _Columns, email: pl.Series) -> list[pl.Series]:
    company = cells.text("company")
    key = cells.parsed("company", company_key, pl.String, values=company).alias("company_key")
    website = cells.parsed("website", registrable_domain, pl.String)
    mail_domain = _domain_of(email)
    company_mail = mail_domain.filter(~mail_domain.is_in(list(FREE_MAIL_DOMAINS)))
    domains: dict[str, str | None] = {}
    for value in company_mail.drop_nulls().unique().to_list():
        try:
            domains[value] = registrable_domain(value)
        except ValueError:
            domains[value] = None
    from_mail = pl.select(
        pl.when(mail_domain.is_in(list(FREE_MAIL_DOMAINS)))
        .then(None)
        .otherwise(mail_domain.replace_strict(domains, default=None, return_dtype=pl.String))
    ).to_series()
    return [
        company.alias("company"),
        key,
        cells.text("website").alias("website"),
        website.fill_null(from_mail).alias("domain"),
    ]


def _stage(cells: _Columns) -> pl.Series:
    stage = cells.parsed("stage", partial(cells.mapping.translate, "stage"), pl.String)
    status = cells.parsed("lead_status", partial(cells.mapping.translate, "lead_status"), pl.String)
    pair = stage.fill_null("") + "|" + status.fill_null("")
    combined: dict[str, str | None] = {}
    for key in pair.unique().to_list():
        first, _, second = key.partition("|")
        result = _combined(Stage(first) if first else None, Stage(second) if second else None)
        combined[key] = result.value if result else None
    return pair.replace_strict(combined, default=None, return_dtype=pl.String).alias("stage")


def _extras(
    rows: Sequence[RawRow], mapping: ColumnMapping, dropped: Sequence[RowError] = ()
) -> list[str]:
    """Each row's unmapped columns, and the values it dropped (nothing sent is lost)."""
    skipped = set(mapping.fields) | set(mapping.ignored)
    dropped_headers: dict[int, set[str]] = {}
    for warning in dropped:
        dropped_headers.setdefault(warning.row, set()).add(warning.field)
    out = []
    for number, raw in rows:
        kept = {h: v.strip() for h, v in raw.items() if h not in skipped and v and v.strip()}
        for header in dropped_headers.get(number, ()):
            if header in mapping.fields and (value := (raw.get(header) or "").strip()):
                kept[header] = value
        out.append(json.dumps(kept, ensure_ascii=False) if kept else "{}")
    return out


def history_of(row: Mapping[str, Any]) -> list[tuple[str, datetime]]:
    """A row's stage history from its became_* columns, oldest first (as candidate_from_row)."""
    order = list(Stage)
    reached = [(stage, row[target]) for target, stage in HISTORY_FIELDS.items() if row.get(target)]
    reached.sort(key=lambda entry: (entry[1], order.index(entry[0])))
    return [(stage.value, at) for stage, at in reached]


_PLAIN = r"^[\x00-\x7FäöüÄÖÜß]*$"


def folded(values: pl.Series) -> pl.Series:
    """`fold` of every value: vectorised for ASCII and German letters, else value by value."""
    plain = values.str.contains(_PLAIN)
    fast = values.str.to_lowercase()
    for letter, spelt in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        fast = fast.str.replace_all(letter, spelt, literal=True)
    others = values.filter(~plain.fill_null(True) & values.is_not_null()).unique().to_list()
    slow = values.replace_strict({v: fold(v) for v in others}, default=None, return_dtype=pl.String)
    return pl.select(pl.when(plain).then(fast).otherwise(slow)).to_series().alias(values.name)
