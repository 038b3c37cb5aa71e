"""Small helpers for reading results."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import CursorResult


def inserted_id(result: CursorResult[Any]) -> int:
    """The new primary key of a single-row insert."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise RuntimeError("the database returned no primary key for the insert")
    return int(key[0])
