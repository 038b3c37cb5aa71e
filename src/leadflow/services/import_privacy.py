"""Privacy on the import path: an opt-out in the file (Salesforce HasOptedOutOfEmail, HubSpot
"Unsubscribed from all email") becomes a suppression entry that survives the next import, and
rows of people on the suppression list are counted, so the report says marketing stays stopped."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.privacy import PrivacyRepository
from leadflow.adapters.db.tables import suppressions
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.suppression import PrivacyKeys, SuppressionReason
from leadflow.services.import_context import ChunkResult, ImportContext
from leadflow.services.suppression import suppress, suppression_hashes

_BATCH = 500


def apply_privacy(
    connection: Connection, ctx: ImportContext, frame: pl.DataFrame, result: ChunkResult
) -> None:
    """Record the file's opt-outs, and count rows whose person is on the suppression list."""
    keys: PrivacyKeys | None = ctx.privacy
    if keys is None or not len(frame):
        return
    uow = UnitOfWork(connection, ctx.workspace_id)
    opted_out = frame.filter(
        pl.col("email_opt_out").fill_null(False) & pl.col("email").is_not_null()
    )
    for email in opted_out["email"].to_list():
        suppress(uow, keys, email=email, phone=None, reason=SuppressionReason.OBJECTION, at=ctx.now)
    if not _any_suppression(connection, ctx.workspace_id):
        return
    people = frame.select("email", "phone").rows()
    hashed = [suppression_hashes(keys, email=email, phone=phone) for email, phone in people]
    wanted = sorted({h for pair in hashed for h in pair if h})
    privacy = PrivacyRepository(connection, ctx.workspace_id)
    found: set[str] = set()
    for start in range(0, len(wanted), _BATCH):
        for entry in privacy.suppressions_matching(wanted[start : start + _BATCH]):
            found.update(h for h in (entry.email_hash, entry.phone_hash) if h)
    result.suppressed += sum(1 for pair in hashed if found.intersection(h for h in pair if h))


def _any_suppression(connection: Connection, workspace_id: int) -> bool:
    query = select(suppressions.c.id).where(suppressions.c.workspace_id == workspace_id).limit(1)
    return connection.execute(query).first() is not None
