"""Privacy on the import path: an opt-out in the file (Salesforce HasOptedOutOfEmail, HubSpot
"Unsubscribed from all email" and its other opt-out columns) becomes a suppression entry that
survives the next import, and rows of people on the suppression list are counted, so the report
says marketing stays stopped. Salesforce's DoNotCall gives the person phone permission "none",
and HubSpot's legal basis becomes the lead's legal basis per purpose."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from leadflow.adapters.db.privacy import PrivacyRepository
from leadflow.adapters.db.tables import leads, suppressions
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.importing.legal_basis import bases_of
from leadflow.domain.privacy import (
    BasisEntry,
    PhonePermission,
    PhonePermissionEntry,
    check_basis,
    current_bases,
)
from leadflow.domain.suppression import PrivacyKeys, SuppressionReason
from leadflow.services.intake.import_context import ChunkResult, ImportContext
from leadflow.services.privacy.suppression import suppress, suppression_hashes

_BATCH = 500


def apply_privacy(
    uow: UnitOfWork, ctx: ImportContext, frame: pl.DataFrame, result: ChunkResult
) -> None:
    """Record the file's opt-outs, and count rows whose person is on the suppression list."""
    keys: PrivacyKeys | None = ctx.privacy
    if keys is None or not len(frame):
        return
    uow = UnitOfWork(uow.connection, ctx.workspace_id)
    opted_out = frame.filter(
        pl.col("email_opt_out").fill_null(False) & pl.col("email").is_not_null()
    )
    for email in opted_out["email"].to_list():
        suppress(uow, keys, email=email, phone=None, reason=SuppressionReason.OBJECTION, at=ctx.now)
    if not _any_suppression(uow):
        return
    people = frame.select("email", "phone").rows()
    hashed = [suppression_hashes(keys, email=email, phone=phone) for email, phone in people]
    wanted = sorted({h for pair in hashed for h in pair if h})
    privacy = uow.privacy
    found: set[str] = set()
    for start in range(0, len(wanted), _BATCH):
        for entry in privacy.suppressions_matching(wanted[start : start + _BATCH]):
            found.update(h for h in (entry.email_hash, entry.phone_hash) if h)
    result.suppressed += sum(1 for pair in hashed if found.intersection(h for h in pair if h))


def _any_suppression(uow: UnitOfWork) -> bool:
    query = (
        select(suppressions.c.id).where(suppressions.c.workspace_id == uow.workspace_id).limit(1)
    )
    return uow.connection.execute(query).first() is not None


def apply_permissions(
    uow: UnitOfWork, ctx: ImportContext, frame: pl.DataFrame, result: ChunkResult
) -> None:
    """Do-not-call rows get phone permission none, rows with a legal basis get it per purpose,
    on the lead each row became or was merged into; what is in place already is not repeated."""
    if not len(frame) or "do_not_call" not in frame.columns:
        return
    lead_of = {row: lead for row, lead in result.created if lead is not None}
    lead_of.update({row: lead for row, lead, _ in result.merged if lead is not None})
    wanted = frame.filter(
        pl.col("do_not_call").fill_null(False) | pl.col("legal_basis").is_not_null()
    ).select("row", "do_not_call", "legal_basis")
    rows = [(lead_of[row], stop, basis) for row, stop, basis in wanted.rows() if row in lead_of]
    if not rows:
        return
    privacy = uow.privacy
    reason = f"import of {ctx.file_name}" if ctx.file_name else "import"
    _stop_calls(uow, ctx, privacy, [lead for lead, stop, _ in rows if stop], reason)
    bases = privacy.bases_of(sorted({lead for lead, _, basis in rows if basis}))
    for lead_id, _, encoded in rows:
        if not encoded:
            continue
        current = current_bases(bases.get(lead_id, []))
        for purpose, basis in bases_of(encoded):
            if purpose in current and current[purpose].basis is basis:
                continue
            entry = BasisEntry(purpose, basis, ctx.now, check_basis(purpose, basis, reason),
                               "import")  # fmt: skip
            privacy.add_basis(lead_id, entry)
            bases.setdefault(lead_id, []).append(entry)


def _stop_calls(
    uow: UnitOfWork,
    ctx: ImportContext,
    privacy: PrivacyRepository,
    lead_ids: list[int],
    reason: str,
) -> None:
    if not lead_ids:
        return
    query = select(leads.c.contact_id).where(
        leads.c.workspace_id == ctx.workspace_id, leads.c.id.in_(sorted(set(lead_ids)))
    )
    contact_ids = sorted({contact for (contact,) in uow.connection.execute(query)})
    history = privacy.phone_permissions_of(contact_ids)
    for contact_id in contact_ids:
        entries = history.get(contact_id, [])
        if entries and entries[-1].permission is PhonePermission.NONE:
            continue
        stop = PhonePermissionEntry(
            PhonePermission.NONE, ctx.now, f"do not call ({reason})", "import"
        )
        privacy.add_phone_permission(contact_id, stop)
