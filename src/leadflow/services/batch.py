"""Many leads in one request: each item is created, merged into a duplicate or rejected on its
own, and a rejected item never takes the others with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import DomainError, InvalidInput, PermissionDenied
from leadflow.domain.principal import Principal
from leadflow.services.leads import Created, LeadInput, create_lead, lock_people

MAX_ITEMS = 1000
CREATED, MERGED, REJECTED = "created", "merged", "rejected"


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
    """Create each lead in its own savepoint; items that failed their checks are rejected."""
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"a batch holds at most {MAX_ITEMS} leads, not {len(items)}",
                           field="leads")  # fmt: skip
    lock_people(uow, [item for item in items if not isinstance(item, list)])
    results = []
    for index, item in enumerate(items):
        if isinstance(item, list):
            results.append(ItemResult(index, REJECTED, errors=item))
            continue
        savepoint = uow.connection.begin_nested()
        try:
            created = create_lead(uow, item, by=by, now=now)
        except PermissionDenied:
            savepoint.rollback()
            raise
        except DomainError as error:
            savepoint.rollback()
            where = getattr(error, "field", None) or "lead"
            results.append(ItemResult(index, REJECTED, errors=[FieldError(where, str(error))]))
            continue
        savepoint.commit()
        results.append(ItemResult(index, MERGED if created.merged else CREATED, created))
    return results
