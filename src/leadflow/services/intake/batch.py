"""Many leads in one request: each item is created, merged into a duplicate or rejected on its
own, and a rejected item never takes the others with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import DomainError, InvalidInput, PermissionDenied
from leadflow.domain.principal import Principal
from leadflow.services.intake.batch_new import store_new
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.intake.leads import (
    CheckedEntry,
    Created,
    check_entry,
    create_checked,
    lock_people,
)

MAX_ITEMS = 1000
CREATED, MERGED, REJECTED = "created", "merged", "rejected"
SET_BASED_FROM = 2
"""Batches of fewer entries are created one by one: reading ahead would not pay."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass(frozen=True)
class ItemResult:
    index: int
    status: str
    created: Created | None = None
    errors: list[FieldError] = field(default_factory=list)


def create_many(
    uow: UnitOfWork,
    items: Sequence[LeadInput | list[FieldError]],
    *,
    by: Principal,
    now: datetime,
) -> list[ItemResult]:
    """Create the batch's new people set-based and each other entry in its own savepoint;
    items that failed their checks are rejected."""
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"a batch holds at most {MAX_ITEMS} leads, not {len(items)}",
                           field="leads")  # fmt: skip
    results: dict[int, ItemResult] = {}
    checked: list[tuple[int, CheckedEntry]] = []
    for index, item in enumerate(items):
        if isinstance(item, list):
            results[index] = ItemResult(index, REJECTED, errors=item)
            continue
        try:
            checked.append((index, check_entry(uow, item, by=by)))
        except PermissionDenied:
            raise
        except DomainError as error:
            results[index] = _rejected(index, error)
    lock_people(uow, [entry for _, entry in checked])
    for index, entry in _store_new(uow, checked, results, by=by, now=now):
        savepoint = uow.connection.begin_nested()
        try:
            created = create_checked(uow, entry, by=by, now=now)
        except PermissionDenied:
            savepoint.rollback()
            raise
        except DomainError as error:
            savepoint.rollback()
            results[index] = _rejected(index, error)
            continue
        savepoint.commit()
        results[index] = ItemResult(index, MERGED if created.merged else CREATED, created)
    return [results[index] for index in range(len(items))]


def _store_new(
    uow: UnitOfWork,
    checked: list[tuple[int, CheckedEntry]],
    results: dict[int, ItemResult],
    *,
    by: Principal,
    now: datetime,
) -> list[tuple[int, CheckedEntry]]:
    """Store the new people set-based; the entries left to create one by one, in order. When
    the database refuses the set, every entry is left to be created one by one."""
    if len(checked) < SET_BASED_FROM:
        return checked
    savepoint = uow.connection.begin_nested()
    try:
        outcome = store_new(uow, checked, by=by, now=now)
    except DBAPIError:
        savepoint.rollback()
        return checked
    savepoint.commit()
    for index, created in outcome.created.items():
        results[index] = ItemResult(index, CREATED, created)
    for index, error in outcome.rejected.items():
        results[index] = _rejected(index, error)
    entries = dict(checked)
    return [(index, entries[index]) for index in outcome.one_by_one]


def _rejected(index: int, error: DomainError) -> ItemResult:
    where = getattr(error, "field", None) or "lead"
    return ItemResult(index, REJECTED, errors=[FieldError(where, str(error))])
