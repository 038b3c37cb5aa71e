"""The unit of work: one transaction and the repositories of one workspace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

from leadflow.adapters.db.campaigns import CampaignRepository
from leadflow.adapters.db.custom_fields import CustomFieldRepository
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.leads import LeadRepository
from leadflow.adapters.db.parties import AccountRepository, ContactRepository
from leadflow.adapters.db.work import WorkRepository


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
    with db.transaction() as connection:
        yield UnitOfWork(connection, workspace_id)


@contextmanager
def directory_transaction(db: Database) -> Iterator[Directory]:
    with db.transaction() as connection:
        yield Directory(connection)


@contextmanager
def reading(db: Database, workspace_id: int) -> Iterator[UnitOfWork]:
    """The same repositories on a read-only connection (lists, pages, reports)."""
    with db.reading() as connection:
        yield UnitOfWork(connection, workspace_id)
