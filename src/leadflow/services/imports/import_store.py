"""One normalised chunk of an import into a workspace: duplicates matched by the rules of
services/intake/duplicates.py, accounts found or made, and contacts, leads and their stage log
written set-based."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy.exc import DBAPIError

from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.matching import KnownPerson
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.importing.chunk import folded
from leadflow.adapters.importing.preset_tables import HISTORY_FIELDS
from leadflow.adapters.importing.rows import RowError
from leadflow.domain.errors import DomainError
from leadflow.domain.merge_policy import Entry
from leadflow.domain.stages import Actor, Stage
from leadflow.services.imports.import_accounts import resolve_accounts
from leadflow.services.imports.import_privacy import apply_privacy
from leadflow.services.imports.import_writes import EXTRA_FIELDS, insert_new
from leadflow.services.intake.duplicates import Probe, person_key, same_person
from leadflow.services.intake.entry_merge import (
    UNIQUE_FIELDS,
    TakenValues,
    Target,
    Who,
    entry_records,
    merge_entry,
)
from leadflow.services.intake.import_context import PEOPLE_SCHEMA, ChunkResult, ImportContext

LIMITS = {"first_name": 200, "last_name": 200, "email": 320, "phone": 40, "job_title": 300,
          "department": 200, "company": 300, "industry": 200, "postal_code": 20,
          "city": 200, "lead_source": 100, "external_id": 180}  # fmt: skip
ENTRY_FIELDS = ("first_name", "last_name", "email", "phone", "job_title", "department",
                "external_id")  # fmt: skip


def store_chunk(uow: UnitOfWork, ctx: ImportContext, frame: pl.DataFrame) -> ChunkResult:
    """Store the good rows of a chunk; rows the database or the machine refuse become errors."""
    result = ChunkResult()
    frame = _checked(ctx, frame, result)
    frame = frame.with_columns(
        external_id=pl.when(pl.col("external_id").is_not_null())
        .then(pl.lit(f"{ctx.preset}:") + pl.col("external_id"))
        .otherwise(None),
        email=pl.col("email").str.to_lowercase(),
        phone=pl.coalesce("phone", "mobile"),
    )
    apply_privacy(uow, ctx, frame, result)
    pending = Pending()
    frame = _match_people(uow, ctx, frame, result, pending)
    frame = resolve_accounts(uow, ctx, frame)
    frame = _match_at_accounts(uow, ctx, frame, result, pending)
    _merge_rows(uow, ctx, pending.known, result)
    created = insert_new(uow, ctx, frame, result)
    remember_created(ctx, created)
    _merge_rows(uow, ctx, pending.into_rows(created, result.same_as), result)
    result.resolve()
    return result


@dataclass
class Pending:
    """Rows that are a known person (merged before the new people are written) and rows that
    repeat an earlier row of the chunk (merged into what that row became, after)."""

    known: list[tuple[Target, dict[str, Any], str]] = field(default_factory=list)
    repeats: dict[int, tuple[dict[str, Any], str]] = field(default_factory=dict)

    def into_rows(
        self, created: pl.DataFrame, same_as: dict[int, int]
    ) -> list[tuple[Target, dict[str, Any], str]]:
        targets = {row: Target(c, lead) for row, c, lead in created.select(
            "row", "contact_id", "lead_id").rows()}  # fmt: skip
        targets.update({row["row"]: target for target, row, _ in self.known})
        merges = []
        for number in sorted(self.repeats):
            earlier = same_as[number]
            while earlier not in targets and earlier in same_as:
                earlier = same_as[earlier]
            if earlier in targets:
                row, reason = self.repeats[number]
                targets[number] = targets[earlier]
                merges.append((targets[earlier], row, reason))
        return merges


def _merge_rows(
    uow: UnitOfWork,
    ctx: ImportContext,
    merges: list[tuple[Target, dict[str, Any], str]],
    result: ChunkResult,
) -> None:
    """Merge rows into their people by the merge policy, one row after the other."""
    who = Who("import", Actor.IMPORT)
    records = entry_records(uow, {target for target, _, _ in merges})
    touched: set[tuple[str, int]] = set()
    taken = TakenValues(
        uow.connection, ctx.workspace_id,
        {(name, row[name]) for _, row, _ in merges for name in UNIQUE_FIELDS if row[name]},
    )  # fmt: skip
    for target, row, reason in merges:
        why = f"{reason}; import {ctx.import_id}, row {row['row']}"
        # What was read before this call is stale once its contact or lead is merged into.
        keys = {("contact", target.contact_id), ("lead", target.lead_id or 0)}
        record = None if keys & touched else records.get(target)
        touched |= keys
        merged = merge_entry(uow, target, _entry(ctx, row), table=ctx.table, who=who,
            reason=why, now=ctx.now, record=record, taken=taken,
        )  # fmt: skip
        if merged.updated:
            result.updated.append(row["row"])


def _entry(ctx: ImportContext, row: dict[str, Any]) -> Entry:
    """What a row says about its person, for the merge policy."""
    fields = {name: row[name] for name in ENTRY_FIELDS}
    fields.update(source=row["lead_source"], campaign_id=ctx.campaign_id)
    extras = {name: _text(row[name]) for name in EXTRA_FIELDS if row.get(name) is not None}
    extras.update(json.loads(row["extras"] or "{}"))
    dates = {stage: row[name] for name, stage in HISTORY_FIELDS.items() if row.get(name)}
    stage = Stage(row["stage"]) if row["stage_given"] else None
    return Entry(fields, ctx.now, extras, stage=stage, stage_dates=dates)


def _text(value: object) -> str:
    """A value as the import keeps it among the extras (as polars writes it: true, 1.5)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def store_chunk_safely(uow: UnitOfWork, ctx: ImportContext, frame: pl.DataFrame) -> ChunkResult:
    """Store a chunk set-based; if the database refuses it, row by row so that only the
    refused rows are rejected."""
    savepoint = uow.connection.begin_nested()
    try:
        with BulkWriter(uow.connection).big_cache():
            result = store_chunk(uow, ctx, frame)
    except DBAPIError:
        savepoint.rollback()
        ctx.forget()
    else:
        savepoint.commit()
        return result
    result = ChunkResult()
    for index in range(len(frame)):
        single = frame.slice(index, 1)
        savepoint = uow.connection.begin_nested()
        try:
            one = store_chunk(uow, ctx, single)
        except DBAPIError as error:
            savepoint.rollback()
            ctx.forget()
            message = str(error.orig).splitlines()[0] if error.orig else str(error)
            result.errors.append(RowError(single["row"][0], "row", f"refused: {message}"))
            continue
        savepoint.commit()
        result.created += one.created
        result.merged += one.merged
        result.updated += one.updated
        result.errors += one.errors
        result.suppressed += one.suppressed
    return result


def _checked(ctx: ImportContext, frame: pl.DataFrame, result: ChunkResult) -> pl.DataFrame:
    """Refuse rows the machine or a column size would refuse, before anything is written."""
    stage = pl.col("stage").fill_null(ctx.default_stage.value)
    frame = frame.with_columns(stage_given=pl.col("stage").is_not_null()).with_columns(stage=stage)
    bad: set[int] = set()
    for name in frame["stage"].unique().to_list():
        try:
            ctx.table.decide(None, Stage(name), Actor.IMPORT)
        except DomainError as error:
            rows = frame.filter(pl.col("stage") == name)["row"].to_list()
            header = ctx.headers.get("stage", "stage")
            result.errors += [
                RowError(row, header, f"the import may not create it: {error}") for row in rows
            ]
            bad.update(rows)
    for name, limit in LIMITS.items():
        long = frame.filter(pl.col(name).str.len_chars() > limit)["row"].to_list()
        header = ctx.headers.get(name, name)
        result.errors += [RowError(row, header, f"longer than {limit} characters") for row in long]
        bad.update(long)
    return frame.filter(~pl.col("row").is_in(list(bad))) if bad else frame


def _probe(row: dict[str, Any]) -> Probe:
    return Probe(
        email=row["email"],
        phone=row["phone"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        company=row["company"],
        domain=row["domain"],
        external_id=row["external_id"],
    )


def _match_people(
    uow: UnitOfWork,
    ctx: ImportContext,
    frame: pl.DataFrame,
    result: ChunkResult,
    pending: Pending,
) -> pl.DataFrame:
    """Rows that are a person the workspace (or an earlier row of the chunk) has already."""
    q = uow.matching
    known: dict[str, dict[str, list[KnownPerson]]] = {}
    for column in ("external_id", "email", "phone"):
        values = frame[column].drop_nulls().unique().to_list()
        by_value: dict[str, list[KnownPerson]] = {}
        for person in q.people_with(column, values) if values else []:
            by_value.setdefault(getattr(person, column), []).append(person)
        if column != "external_id":
            for value, person in q.people_with_alternate(column, values):
                by_value.setdefault(value, []).append(person)
        known[column] = by_value
    shared = pl.any_horizontal(
        pl.col(column).is_not_null() & pl.col(column).is_duplicated() for column in known
    )
    hits = pl.any_horizontal(
        pl.col(column).is_in(list(by_value)) for column, by_value in known.items()
    )
    candidates = frame.filter(hits | shared)
    if not len(candidates):
        return frame
    earlier: dict[str, dict[str, tuple[int, Probe]]] = {c: {} for c in known}
    matched: set[int] = set()
    for row in candidates.iter_rows(named=True):
        probe = _probe(row)
        decision = _decide(probe, known, earlier)
        for column in known:
            value = row[column]
            if value and value not in earlier[column]:
                earlier[column][value] = (row["row"], probe)
        if decision is None:
            continue
        matched.add(row["row"])
        found, reason = decision
        if isinstance(found, KnownPerson):
            result.merged.append((row["row"], found.lead_id, reason))
            pending.known.append((Target(found.contact_id, found.lead_id), row, reason))
        else:
            result.merged.append((row["row"], None, reason))
            result.same_as[row["row"]] = found
            pending.repeats[row["row"]] = (row, reason)
    return frame.filter(~pl.col("row").is_in(list(matched)))


def _decide(
    probe: Probe,
    known: dict[str, dict[str, list[KnownPerson]]],
    earlier: dict[str, dict[str, tuple[int, Probe]]],
) -> tuple[KnownPerson | int, str] | None:
    for column in ("external_id", "email", "phone"):
        value = getattr(probe, column)
        if not value:
            continue
        for person in known[column].get(value, []):
            reason = same_person(probe, person, by=column)
            if reason is not None:
                return person, reason
        if value in earlier[column]:
            row, other = earlier[column][value]
            stand_in = KnownPerson(
                0, None, other.email, other.phone, other.first_name, other.last_name, None,
                other.company, other.external_id,
            )  # fmt: skip
            reason = same_person(probe, stand_in, by=column)
            if reason is not None:
                return row, f"{reason} as row {row}"
    return None


def _match_at_accounts(
    uow: UnitOfWork,
    ctx: ImportContext,
    frame: pl.DataFrame,
    result: ChunkResult,
    pending: Pending,
) -> pl.DataFrame:
    """The same name at the same account: a person the workspace or the import knows already.
    The people of an account are read once per import and kept as a frame of name slots."""
    names = [folded(frame[part]).str.strip_chars() for part in ("first_name", "last_name")]
    frame = frame.with_columns(
        slot=pl.col("account_id").cast(pl.String) + "|" + names[0] + " " + names[1]
    )
    _load_people(uow, ctx, frame)
    known = frame.filter(pl.col("slot").is_not_null()).join(
        ctx.people, on="slot", how="left", maintain_order="left"
    )
    suspects = known.filter(pl.col("known_contact").is_not_null() | pl.col("slot").is_duplicated())
    matched: list[int] = []
    first_seen: dict[str, int] = {}
    for row in suspects.iter_rows(named=True):
        if row["known_contact"] is not None:
            person = KnownPerson(
                row["known_contact"], row["known_lead"], None, None, row["known_first"],
                row["known_last"], row["account_id"], row["known_company"], None,
            )  # fmt: skip
            reason = same_person(_probe(row), person, by="account")
            if reason is not None:
                why = row["account_reason"] or "same account"
                why = f"{reason} ({why})"
                result.merged.append((row["row"], person.lead_id, why))
                pending.known.append((Target(person.contact_id, person.lead_id), row, why))
                matched.append(row["row"])
                continue
        if row["slot"] in first_seen:
            earlier = first_seen[row["slot"]]
            reason = f"same name {row['first_name']} {row['last_name']} as row {earlier}"
            result.merged.append((row["row"], None, reason))
            result.same_as[row["row"]] = earlier
            pending.repeats[row["row"]] = (row, reason)
            matched.append(row["row"])
            continue
        first_seen[row["slot"]] = row["row"]
    return frame.filter(~pl.col("row").is_in(matched)) if matched else frame


def _load_people(uow: UnitOfWork, ctx: ImportContext, frame: pl.DataFrame) -> None:
    """Read the named people of accounts this import has not looked at yet."""
    ids = frame.filter(pl.col("slot").is_not_null())["account_id"].unique().to_list()
    fresh = [i for i in ids if i not in ctx.people_loaded and i not in ctx.accounts_made]
    ctx.people_loaded.update(fresh)
    rows = [
        (
            f"{p.account_id}|{person_key(p.first_name, p.last_name)}",
            p.contact_id,
            p.lead_id,
            p.first_name,
            p.last_name,
            p.company,
        )  # fmt: skip
        for p in uow.matching.people_at(fresh)
        if p.first_name and p.last_name
    ]
    if rows:
        ctx.remember_people(pl.DataFrame(rows, schema=PEOPLE_SCHEMA, orient="row"))


def remember_created(ctx: ImportContext, created: pl.DataFrame) -> None:
    """People this import made become candidates for the rows after them."""
    named = created.filter(pl.col("slot").is_not_null()).select(
        "slot",
        pl.col("contact_id").alias("known_contact"),
        pl.col("lead_id").alias("known_lead"),
        pl.col("first_name").alias("known_first"),
        pl.col("last_name").alias("known_last"),
        pl.col("account_name").alias("known_company"),
    )
    ctx.remember_people(named)
