"""Bounds for ids and numbers at the edge: one type per place a number arrives.

Ids are 64-bit on both databases (SQLite's rowid, PostgreSQL's BIGINT), so a number outside
1 .. 2^63-1 cannot name a row: it is refused with 422 before any query is built.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

from leadflow.domain.errors import InvalidInput

MAX_ID = 2**63 - 1
MAX_OFFSET = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id in a JSON body."""

Version = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A lead's version (`expected_version`): leads start at version 1."""

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
"""An id in the URL path."""

IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""An optional id in the query string."""

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
"""How many items of a list to skip."""


def id_from_text(text: str, field: str) -> int | None:
    """An id typed into a form or query string: None when empty, 422 when not an id."""
    text = text.strip()
    if not text:
        return None
    digits = text.isascii() and text.isdigit() and len(text) <= 40
    if not digits or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(f"{field} must be a number from 1 to {MAX_ID}", field=field)
    return int(text)


PageNumber = Annotated[int, Query(ge=1, le=1_000_000_000)]
"""A page of a list shown in the browser, counted from 1."""
