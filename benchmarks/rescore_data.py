"""A seeded workspace of N leads with accounts and contacts, written in bulk."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.engine import Connection

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.tables import accounts, contacts, leads
from leadflow.domain.workspace import Workspace

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
BATCH = 20_000
INDUSTRIES = (
    "Maschinenbau",
    "maschinenbau",
    " MASCHINENBAU",
    "Automotive",
    "Chemie",
    "Elektrotechnik",
    "Logistik",
    "Handel",
    "Software",
    "Bau",
    "Lebensmittel",
    "Medizintechnik",
    None,
)
COUNTRIES = ("DE",) * 12 + ("de", "AT", "CH", "NL", "FR", "PL", "IT", None)
TITLES = (
    "Vertriebsleiter",
    "Leiter Einkauf",
    "Einkaufsleiterin",
    "Geschäftsführer",
    "Head of Operations",
    "Produktionsleiter",
    "Sachbearbeiter",
    "Ingenieurin",
    "Projektmanager",
    "Werkstudent",
    "CTO",
    "Assistenz der Geschäftsleitung",
    None,
)
SENIORITIES = ("Head of", "head", "VP", "C-Level", "Manager", "Specialist", "Staff", None)
DEPARTMENTS = ("Einkauf", "Vertrieb", "IT", "Produktion", "Geschäftsführung", None)
SOURCES = ("messe", "web", "Webinar", "import", "empfehlung", None)
MAIL_DOMAINS = ("gmx.de", "web.de", "gmail.com", "t-online.de") + ("firma",) * 16


def generate(db: Database, count: int, seed: int) -> tuple[int, int]:
    """The ids of a workspace with `count` leads and of a neighbour with a hundredth of them."""
    with db.transaction() as connection:
        directory = Directory(connection)
        workspace_id = directory.add_workspace(Workspace("bench", "Benchmark GmbH"), NOW)
        neighbour_id = directory.add_workspace(Workspace("nachbar", "Nachbar AG"), NOW)
    rng = random.Random(seed)
    next_id = _fill(db, workspace_id, count, rng, first_id=1)
    _fill(db, neighbour_id, max(count // 100, 10), rng, first_id=next_id)
    if db.backend == "postgresql":
        with db.transaction() as connection:
            for table in ("accounts", "contacts", "leads"):
                connection.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
    return workspace_id, neighbour_id


def _fill(db: Database, workspace_id: int, count: int, rng: random.Random, first_id: int) -> int:
    account_count = max(count // 3, 1)
    with db.transaction() as connection:
        _bulk(connection, accounts, _accounts(workspace_id, account_count, rng, first_id))
        account_of: list[int | None] = []
        _bulk(
            connection,
            contacts,
            _contacts(workspace_id, count, rng, first_id, account_count, account_of),
        )
        _bulk(connection, leads, _leads(workspace_id, rng, first_id, account_of))
    return first_id + count


def _accounts(
    workspace_id: int, count: int, rng: random.Random, first_id: int
) -> Iterator[dict[str, Any]]:
    for number in range(count):
        employees = None if rng.random() < 0.05 else int(10 ** rng.uniform(0, 4.7))
        postal = None if rng.random() < 0.1 else f"{rng.randrange(1000, 99999):05d}"
        yield {
            "id": first_id + number,
            "workspace_id": workspace_id,
            "name": f"Firma {first_id + number}",
            "name_key": f"firma {first_id + number}",
            "domain": f"firma{first_id + number}.de",
            "industry": rng.choice(INDUSTRIES),
            "employees": employees,
            "country": rng.choice(COUNTRIES),
            "postal_code": postal,
            "created_at": NOW,
        }


def _contacts(
    workspace_id: int,
    count: int,
    rng: random.Random,
    first_id: int,
    accounts_made: int,
    account_of: list[int | None],
) -> Iterator[dict[str, Any]]:
    for number in range(count):
        account_id = None if rng.random() < 0.08 else first_id + rng.randrange(accounts_made)
        account_of.append(account_id)
        domain = rng.choice(MAIL_DOMAINS)
        if domain == "firma":
            domain = f"firma{account_id or 0}.de"
        yield {
            "id": first_id + number,
            "workspace_id": workspace_id,
            "account_id": account_id,
            "first_name": "Anna",
            "last_name": f"Muster{number}",
            "email": None if rng.random() < 0.03 else f"p{first_id + number}@{domain}",
            "job_title": rng.choice(TITLES),
            "seniority": rng.choice(SENIORITIES),
            "department": rng.choice(DEPARTMENTS),
            "created_at": NOW,
        }


def _leads(
    workspace_id: int, rng: random.Random, first_id: int, account_of: list[int | None]
) -> Iterator[dict[str, Any]]:
    for number, account_id in enumerate(account_of):
        yield {
            "id": first_id + number,
            "workspace_id": workspace_id,
            "contact_id": first_id + number,
            "account_id": account_id,
            "stage": "prospect",
            "source": rng.choice(SOURCES),
            "version": 1,
            "created_at": NOW,
            "stage_entered_at": NOW,
            "updated_at": NOW,
            "extras": {},
        }


def _bulk(connection: Connection, table: Table, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            connection.execute(insert(table), batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)
