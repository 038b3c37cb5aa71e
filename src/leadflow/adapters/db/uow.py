"""The unit of work: one transaction and the repositories of one workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TypeVar

from sqlalchemy.engine import Connection

from leadflow.adapters.db.campaigns import CampaignRepository
from leadflow.adapters.db.custom_fields import CustomFieldRepository
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.idempotency import IdempotencyRepository
from leadflow.adapters.db.imports import ImportRepository
from leadflow.adapters.db.jobs import JobRepository
from leadflow.adapters.db.lead_listing import LeadListing
from leadflow.adapters.db.leads import LeadRepository
from leadflow.adapters.db.matching import MatchQueries
from leadflow.adapters.db.merges import MergeRepository
from leadflow.adapters.db.notifications import NotificationRepository
from leadflow.adapters.db.outbox import OutboxRepository, WebhookRepository
from leadflow.adapters.db.parties import AccountRepository, ContactRepository
from leadflow.adapters.db.people import People
from leadflow.adapters.db.pipeline import Pipeline
from leadflow.adapters.db.predictions import PredictionRepository
from leadflow.adapters.db.privacy import PrivacyRepository
from leadflow.adapters.db.public_forms import FormHits
from leadflow.adapters.db.quarantine import Quarantine
from leadflow.adapters.db.research import ResearchRepository
from leadflow.adapters.db.retry import rerun_when_transient
from leadflow.adapters.db.routing import RoutingRepository
from leadflow.adapters.db.scoring import ScoringRepository
from leadflow.adapters.db.sla import SlaRepository
from leadflow.adapters.db.work import WorkRepository

T = TypeVar("T")


class UnitOfWork:
    """One transaction of one workspace and every repository on it.

    Services take a unit of work and reach their data through its repositories
    (`uow.leads`, `uow.routing`, ...); each is made on first use and kept for the transaction.
    The workspace's settings are read once per transaction by `uow.directory`."""

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

    @cached_property
    def people(self) -> People:
        return People(self.connection, self.workspace_id)

    @cached_property
    def matching(self) -> MatchQueries:
        return MatchQueries(self.connection, self.workspace_id)

    @cached_property
    def merges(self) -> MergeRepository:
        return MergeRepository(self.connection, self.workspace_id)

    @cached_property
    def listing(self) -> LeadListing:
        return LeadListing(self.connection, self.workspace_id)

    @cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.connection, self.workspace_id)

    @cached_property
    def scoring(self) -> ScoringRepository:
        return ScoringRepository(self.connection, self.workspace_id)

    @cached_property
    def routing(self) -> RoutingRepository:
        return RoutingRepository(self.connection, self.workspace_id)

    @cached_property
    def sla(self) -> SlaRepository:
        return SlaRepository(self.connection, self.workspace_id)

    @cached_property
    def privacy(self) -> PrivacyRepository:
        return PrivacyRepository(self.connection, self.workspace_id)

    @cached_property
    def research(self) -> ResearchRepository:
        return ResearchRepository(self.connection, self.workspace_id)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.connection, self.workspace_id)

    @cached_property
    def webhooks(self) -> WebhookRepository:
        return WebhookRepository(self.connection, self.workspace_id)

    @cached_property
    def notifications(self) -> NotificationRepository:
        return NotificationRepository(self.connection, self.workspace_id)

    @cached_property
    def quarantine(self) -> Quarantine:
        return Quarantine(self.connection, self.workspace_id)

    @cached_property
    def form_hits(self) -> FormHits:
        return FormHits(self.connection, self.workspace_id)

    @cached_property
    def idempotency(self) -> IdempotencyRepository:
        return IdempotencyRepository(self.connection, self.workspace_id)

    @cached_property
    def imports(self) -> ImportRepository:
        return ImportRepository(self.connection, self.workspace_id)

    @cached_property
    def jobs(self) -> JobRepository:
        return JobRepository(self.connection, self.workspace_id)

    @cached_property
    def predictions(self) -> PredictionRepository:
        return PredictionRepository(self.connection, self.workspace_id)


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
