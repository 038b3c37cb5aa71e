"""Lead sources of an import as the workspace's source codes, once per distinct value."""

from __future__ import annotations

import polars as pl

from leadflow.domain.sources import SourceMap


def canonical_sources(
    frame: pl.DataFrame, sources: SourceMap
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The frame with each lead source replaced by its code, and the unknown values (kept as
    typed) with how many rows carry them."""
    if "lead_source" not in frame.columns or not len(frame):
        return frame, {}
    column = frame["lead_source"]
    codes: dict[str, str] = {}
    unknown: list[str] = []
    for value in column.drop_nulls().unique().to_list():
        found = sources.canonical(value)
        if found is None:
            continue
        codes[value] = found.value
        if not found.known:
            unknown.append(found.value)
    mapped = column.replace_strict(codes, default=None, return_dtype=pl.String)
    frame = frame.with_columns(mapped.alias("lead_source"))
    counts = frame.filter(pl.col("lead_source").is_in(unknown))["lead_source"].value_counts()
    return frame, dict(counts.iter_rows())
