"""Each imported row's account: found by domain or (fuzzy) name, or made once per company."""

from __future__ import annotations

from typing import Any

import polars as pl

from leadflow.adapters.db.account_keys import file_accounts
from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.matching import KnownAccount
from leadflow.adapters.db.tables import accounts
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.adapters.importing.normalize import company_key
from leadflow.services.intake.import_context import AccountIndex, ImportContext

ACCOUNT_COLUMNS = ("id", "workspace_id", "name", "name_key", "domain", "industry", "employees",
                   "country", "postal_code", "city", "created_at")  # fmt: skip


def resolve_accounts(uow: UnitOfWork, ctx: ImportContext, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with `account_id` and the reason an existing account matched."""
    frame = frame.with_columns(
        account_key=pl.when(pl.col("company").is_not_null())
        .then(pl.col("company_key"))
        .otherwise(pl.col("domain").map_batches(_domain_keys, return_dtype=pl.String)),
        account_name=pl.coalesce("company", "domain"),
    )
    firsts = frame.filter(pl.col("account_name").is_not_null()).unique(
        ["account_key", "domain"], keep="first", maintain_order=True
    )
    index = AccountIndex.load(
        uow.matching,
        list(firsts.select("account_key", "domain").iter_rows()),
    )
    chosen: list[tuple[str | None, str | None, int, str | None]] = []
    fresh: list[dict[str, Any]] = []
    for row in firsts.iter_rows(named=True):
        key, domain = row["account_key"], row["domain"]
        match = index.find(key, domain)
        if match is not None:
            chosen.append((key, domain, match.account.id, match.reason))
            continue
        temporary = -(len(fresh) + 1)
        fresh.append({**row, "id": temporary})
        index.add(KnownAccount(temporary, row["account_name"], key or "", domain))
        chosen.append((key, domain, temporary, None))
    writer = BulkWriter(uow.connection)
    real = dict(
        zip((row["id"] for row in fresh), writer.allocate_ids(accounts, len(fresh)), strict=True)
    )
    ctx.accounts_made.update(real.values())
    writer.insert(
        accounts,
        ACCOUNT_COLUMNS,
        [
            (
                real[row["id"]],
                ctx.workspace_id,
                row["account_name"][:300],
                row["account_key"] or "",
                row["domain"],
                row["industry"],
                row["employees"],
                row["country_code"],
                row["postal_code"],
                row["city"],
                ctx.now,
            )  # fmt: skip
            for row in fresh
        ],
    )
    file_accounts(
        uow.connection,
        ctx.workspace_id,
        [(real[row["id"]], row["account_key"] or "") for row in fresh],
    )
    lookup = pl.DataFrame(
        [(key, domain, real.get(found, found), why) for key, domain, found, why in chosen],
        schema={
            "account_key": pl.String,
            "domain": pl.String,
            "account_id": pl.Int64,
            "account_reason": pl.String,
        },  # fmt: skip
        orient="row",
    )
    return frame.join(
        lookup, on=["account_key", "domain"], how="left", nulls_equal=True, maintain_order="left"
    )


def _domain_keys(domains: pl.Series) -> pl.Series:
    values = {value: company_key(value) for value in domains.drop_nulls().unique().to_list()}
    return domains.replace_strict(values, default=None, return_dtype=pl.String)
