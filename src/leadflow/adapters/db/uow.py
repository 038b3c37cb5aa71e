"""The unit of work: one transaction and the repositories of one workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.engine import Connection

from leadflow.adapters.db.campaigns import CampaignRepository
from leadflow.adapters.db.custom_fields import CustomFieldRepository
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.leads import LeadRepository
from leadflow.adapters.db.parties import AccountRepository, ContactRepository
from leadflow.adapters.db.retry import rerun_when_transient
from leadflow.adapters.db.work import WorkRepository

T = TypeVar("T")


class UnitOfWork:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id
        self.directory = Directory(connection)
        self.leads = LeadRepository(connection, workspace_id)
        self.contacts = ContactRepository(connection, workspace_id)
        self.accounts = AccountRepository(connection, workspace_id)
        self.campaigns = CampaignRepository(connection, workspace_id)
        self.work = WorkRepository(connection, workspace_id)
        self.fields = CustomFieldRepository(connection, workspace_id)


@contextmanager
def unit_of_work(db: Database, workspace_id: int) -> Iterator[UnitOfWork]:
    """Everything inside commits together or not at all."""
    with db.transaction(workspace_id) as connection:
        yield UnitOfWork(connection, workspace_id)


def in_unit_of_work(db: Database, workspace_id: int, work: Callable[[UnitOfWork], T]) -> T:
    """Run work in one unit of work and return its result: the way writes are run.

    When PostgreSQL rolls the transaction back for a deadlock or a serialization failure, the
    whole work runs again in a new transaction, so callers never see those. The work must
    therefore do nothing outside the database that it would regret doing twice."""

    def attempt() -> T:
        with unit_of_work(db, workspace_id) as uow:
            return work(uow)

    return rerun_when_transient(attempt)


@contextmanager
def directory_transaction(db: Database) -> Iterator[Directory]:
    with db.transaction() as connection:
        yield Directory(connection)


@contextmanager
def reading(db: Database, workspace_id: int) -> Iterator[UnitOfWork]:
    """The same repositories on a read-only connection (lists, pages, reports)."""
    with db.reading(workspace_id) as connection:
        yield UnitOfWork(connection, workspace_id)
