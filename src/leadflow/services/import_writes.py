"""New people of an import: contacts, leads and their stage log, written set-based.

The lead enters its stage through the transition table (checked once per stage for the whole
chunk, actor `import`); dates another system recorded ("Became a ... Date") come before it in
the stage log as imported history.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import polars as pl
from polars._typing import PolarsDataType
from sqlalchemy.engine import Connection

from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.tables import contacts, leads, stage_changes
from leadflow.adapters.importing.chunk import DATETIME, history_of
from leadflow.adapters.importing.preset_tables import HISTORY_FIELDS
from leadflow.domain.stages import Actor
from leadflow.services.import_context import ChunkResult, ImportContext

# Canonical fields without a column of their own are kept on the lead.
EXTRA_FIELDS = ("salutation", "mobile", "street", "state", "website", "annual_revenue",
                "owner", "description", "email_opt_out", "do_not_call")  # fmt: skip
CONTACT_COLUMNS = ("id", "workspace_id", "account_id", "first_name", "last_name", "email",
                   "phone", "job_title", "department", "external_id", "created_at")  # fmt: skip
LEAD_COLUMNS = ("id", "workspace_id", "contact_id", "account_id", "campaign_id", "stage",
                "source", "grade", "version", "created_at", "stage_entered_at", "updated_at",
                "extras", "provenance")  # fmt: skip
LOG_COLUMNS = ("workspace_id", "lead_id", "source", "target", "at", "actor", "note", "automatic")
IMPORTED_HISTORY = "imported history"


def insert_new(
    connection: Connection, ctx: ImportContext, frame: pl.DataFrame, result: ChunkResult
) -> pl.DataFrame:
    """Contacts, leads and stage log for the rows that are new people; the rows with ids."""
    if not len(frame):
        return frame.with_columns(contact_id=pl.lit(None, pl.Int64), lead_id=pl.lit(None, pl.Int64))
    writer = BulkWriter(connection)
    frame = frame.with_columns(
        contact_id=pl.Series(writer.allocate_ids(contacts, len(frame)), dtype=pl.Int64),
        lead_id=pl.Series(writer.allocate_ids(leads, len(frame)), dtype=pl.Int64),
        created=pl.col("created_at").fill_null(ctx.now),
        lead_extras=_lead_extras(),
    )
    history, entered = _history(ctx, frame)
    frame = frame.join(entered, on="lead_id", how="left", maintain_order="left")
    frame = frame.with_columns(entered=pl.coalesce("entered", "created"))
    frame = frame.with_columns(_stored(writer, "created"), _stored(writer, "entered"))
    w, now = pl.lit(ctx.workspace_id).alias("w"), _stored(writer, pl.lit(ctx.now).alias("n"))
    contact_rows = frame.select(
        "contact_id", w, "account_id", "first_name", "last_name", "email", "phone",
        "job_title", "department", "external_id", now,
    )  # fmt: skip
    writer.insert(contacts, CONTACT_COLUMNS, contact_rows.rows(), prepared=True)
    if ctx.list_only:
        # A target list for research: people and accounts, no leads yet.
        frame = frame.with_columns(lead_id=pl.lit(None, pl.Int64))
        result.created += frame.select("row", "lead_id").rows()
        return frame
    lead_rows = frame.select(
        "lead_id", w, "contact_id", "account_id",
        pl.lit(ctx.campaign_id, dtype=pl.Int64).alias("c"), "stage",
        pl.col("lead_source").fill_null(ctx.source), "grade", pl.lit(1).alias("v"), "created",
        "entered", now, "lead_extras", _provenance(ctx),
    )  # fmt: skip
    writer.insert(leads, LEAD_COLUMNS, lead_rows.rows(), prepared=True)
    plain = frame.filter(~pl.col("lead_id").is_in(entered["lead_id"].implode()))
    log_rows = plain.select(
        w, "lead_id", pl.lit(None, pl.String).alias("s"), "stage", "created",
        pl.lit(Actor.IMPORT.value).alias("a"), pl.lit(ctx.note).alias("note"),
        pl.lit(False).alias("auto"),
    )  # fmt: skip
    writer.insert(stage_changes, LOG_COLUMNS, log_rows.rows(), prepared=True)
    writer.insert(stage_changes, LOG_COLUMNS, history)
    result.created += frame.select("row", "lead_id").rows()
    return frame


def _provenance(ctx: ImportContext) -> pl.Expr:
    """Where each lead came from, as domain.privacy.provenance("import", ...) writes it."""
    detail = json.dumps({"file": ctx.file_name, "import_id": ctx.import_id})
    head = '{"kind": "import", "detail": ' + detail[:-1] + ', "row": '
    return (head + pl.col("row").cast(pl.String) + "}}").alias("provenance")


def _stored(writer: BulkWriter, column: str | pl.Expr) -> pl.Expr:
    """A UtcDateTime column as the backend stores it (SQLite: text in SQLAlchemy's format)."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.strftime("%Y-%m-%d %H:%M:%S%.6f") if writer.sqlite else expr


def _lead_extras() -> pl.Expr:
    """The file's unmapped columns and the fields without a column, as one JSON object."""
    pieces = []
    for name in EXTRA_FIELDS:
        text = pl.col(name).cast(pl.String)
        encoded = pl.struct(text.alias(name)).struct.json_encode()
        pieces.append(
            pl.when(text.is_not_null()).then(encoded.str.slice(1, encoded.str.len_chars() - 2))
        )
    own = pl.concat_str(pieces, separator=",", ignore_nulls=True)
    kept = pl.col("extras").str.slice(1, pl.col("extras").str.len_chars() - 2)
    inner = pl.concat_str(
        [pl.when(own != "").then(own), pl.when(kept != "").then(kept)],
        separator=",",
        ignore_nulls=True,
    )
    return "{" + inner + "}"


def _history(ctx: ImportContext, frame: pl.DataFrame) -> tuple[list[tuple[Any, ...]], pl.DataFrame]:
    """Stage log rows of leads with dated history, and when each entered its current stage."""
    dated = frame.filter(pl.any_horizontal(pl.col(name).is_not_null() for name in HISTORY_FIELDS))
    log: list[tuple[Any, ...]] = []
    entered: list[tuple[int, datetime]] = []
    columns = ["lead_id", "stage", "created", *HISTORY_FIELDS]
    for row in dated.select(columns).iter_rows(named=True):
        lead_id, previous, last_at = row["lead_id"], None, row["created"]
        history = history_of(row)
        for stage, at in history:
            if stage == row["stage"]:
                break
            log.append((ctx.workspace_id, lead_id, previous, stage, at, Actor.IMPORT.value,
                        IMPORTED_HISTORY, False))  # fmt: skip
            previous, last_at = stage, at
        reached = dict(history).get(row["stage"], max(last_at, row["created"]))
        log.append((ctx.workspace_id, lead_id, previous, row["stage"], reached,
                    Actor.IMPORT.value, ctx.note, False))  # fmt: skip
        entered.append((lead_id, reached))
    schema: dict[str, PolarsDataType] = {"lead_id": pl.Int64, "entered": DATETIME}
    return log, pl.DataFrame(entered, schema=schema, orient="row")
