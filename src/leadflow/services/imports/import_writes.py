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

from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.import_staging import NewPeople
from leadflow.adapters.db.tables import contacts, leads, stage_changes
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.importing.chunk import DATETIME, history_of
from leadflow.adapters.importing.preset_tables import HISTORY_FIELDS
from leadflow.domain.stages import Actor
from leadflow.services.intake.import_context import ChunkResult, ImportContext

# Canonical fields without a column of their own are kept on the lead.
EXTRA_FIELDS = ("salutation", "mobile", "street", "state", "website", "annual_revenue",
                "owner", "description", "email_opt_out", "do_not_call")  # fmt: skip
LOG_COLUMNS = ("workspace_id", "lead_id", "source", "target", "at", "actor", "note", "automatic")
IMPORTED_HISTORY = "imported history"


def insert_new(
    uow: UnitOfWork, ctx: ImportContext, frame: pl.DataFrame, result: ChunkResult
) -> pl.DataFrame:
    """Contacts, leads and stage log for the rows that are new people; the rows with ids."""
    if not len(frame):
        return frame.with_columns(contact_id=pl.lit(None, pl.Int64), lead_id=pl.lit(None, pl.Int64))
    writer = BulkWriter(uow.connection)
    frame = frame.with_columns(
        contact_id=pl.Series(writer.allocate_ids(contacts, len(frame)), dtype=pl.Int64),
        lead_id=pl.Series(writer.allocate_ids(leads, len(frame)), dtype=pl.Int64),
        created=pl.col("created_at").fill_null(ctx.now),
        lead_extras=_lead_extras(),
    )
    history, entered = _history(ctx, frame)
    frame = frame.join(entered, on="lead_id", how="left", maintain_order="left")
    frame = frame.with_columns(
        logged=pl.col("entered").is_null(), entered=pl.coalesce("entered", "created")
    )
    staged = NewPeople(uow.connection, ctx.workspace_id)
    staged.stage(
        frame.select(
            pl.col("row").alias("file_row"), "contact_id", "lead_id", "account_id",
            "first_name", "last_name", "email", "phone", "job_title", "department",
            "external_id", "stage", pl.col("lead_source").fill_null(ctx.source).alias("source"),
            "grade", "created", "entered", pl.col("lead_extras").alias("extras"), "logged",
        )
    )  # fmt: skip
    staged.copy_into_tables(
        now=ctx.now, campaign_id=ctx.campaign_id, note=ctx.note,
        provenance_head=_provenance_head(ctx), with_leads=not ctx.list_only,
    )  # fmt: skip
    if ctx.list_only:
        # A target list for research: people and accounts, no leads yet.
        frame = frame.with_columns(lead_id=pl.lit(None, pl.Int64))
        result.created += frame.select("row", "lead_id").rows()
        return frame
    writer.insert(stage_changes, LOG_COLUMNS, history)
    result.created += frame.select("row", "lead_id").rows()
    return frame


def _provenance_head(ctx: ImportContext) -> str:
    """Where each lead came from, as domain.privacy.provenance("import", ...) writes it, up to
    its row number (the database appends the row and the closing braces)."""
    detail = json.dumps({"file": ctx.file_name, "import_id": ctx.import_id})
    return '{"kind": "import", "detail": ' + detail[:-1] + ', "row": '


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
