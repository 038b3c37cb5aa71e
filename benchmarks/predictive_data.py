"""A seeded workspace for the predictive scale benchmark: closed leads with a stage log, open
leads, touches, campaigns and accounts, written with the driver's executemany."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.driver_io import bind_value, insert_many
from leadflow.adapters.db.tables import (
    accounts,
    campaigns,
    contacts,
    leads,
    stage_changes,
    touches,
    workspaces,
)
from leadflow.domain.engagement import TouchType
from leadflow.domain.stages import Stage

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SLUG = "scale"
CHUNK = 50_000
SOURCES = ("webinar", "trade_fair", "search", "newsletter", "referral", "social", "content", "ads")
CHANNELS = ("webinar", "trade_fair", "search", "newsletter", "social")
INDUSTRIES = ("Maschinenbau", "Logistik", "Handel", "Software", "Chemie", "Bau", "Energie")
COUNTRIES = ("DE", "AT", "CH", "NL", "PL")
TITLES = (
    "Geschäftsführer", "Head of Procurement", "Einkaufsleiter", "Teamleiter Logistik",
    "Sachbearbeiter Einkauf", "Werkstudent", "CTO", "IT-Manager", "Assistenz der Geschäftsführung",
)  # fmt: skip
BUDGETS = ("< 10k", "10k-50k", "50k-250k", "> 250k")
TOUCH_TYPES = tuple(TouchType)


def build(db: Database, *, open_leads: int, closed_leads: int, seed: int) -> int:
    """Create the workspace with its leads; returns its id."""
    rng = random.Random(seed)
    with db.transaction() as connection:
        workspace_id = int(
            connection.execute(
                workspaces.insert()
                .values(slug=SLUG, name="Scale GmbH", config={}, created_at=NOW)
                .returning(workspaces.c.id)
            ).scalar_one()
        )
        campaign_ids = _campaigns(connection, workspace_id)
        account_count = max(1, (open_leads + closed_leads) // 20)
        first_account = _accounts(connection, workspace_id, account_count, rng)
        first = (_next_id(connection, leads), _next_id(connection, contacts))
    total = open_leads + closed_leads
    for start in range(0, total, CHUNK):
        size = min(CHUNK, total - start)
        with db.transaction() as connection:
            _chunk(
                connection, workspace_id, rng, range(start, start + size), closed_leads,
                first, first_account, account_count, campaign_ids,
            )  # fmt: skip
    return workspace_id


def _chunk(
    connection: Connection,
    workspace_id: int,
    rng: random.Random,
    numbers: range,
    closed_leads: int,
    first: tuple[int, int],
    first_account: int,
    account_count: int,
    campaign_ids: Sequence[int],
) -> None:
    stamp = _stamper(connection)
    contact_rows, lead_rows, changes, touch_rows = [], [], [], []
    for number in numbers:
        lead_id, contact_id = first[0] + number, first[1] + number
        account_id = first_account + rng.randrange(account_count)
        source = rng.choice(SOURCES)
        title = rng.choice(TITLES)
        free_mail = rng.random() < 0.3
        budget = rng.choice(BUDGETS)
        created = NOW - timedelta(days=rng.uniform(0, 720))
        touch_count = min(8, int(rng.expovariate(0.6)))
        log_odds = (
            -1.6 + 0.9 * (source == "webinar") + 0.5 * (source == "referral")
            - 0.7 * free_mail + 0.4 * BUDGETS.index(budget) - 0.6 * ("Werkstudent" in title)
            + 0.25 * touch_count
        )  # fmt: skip
        won = rng.random() < 1 / (1 + math.exp(-log_odds))
        stage, path = _path(number < closed_leads, won, rng)
        email = f"p{lead_id}@{'gmail.com' if free_mail else f'firma{account_id}.de'}"
        contact_rows.append(
            (
                workspace_id,
                contact_id,
                account_id,
                f"Person {lead_id}",
                email,
                title,
                stamp(created),
            )
        )
        extras = f'{{"Budget": "{budget}", "Zeitrahmen": "{rng.choice(("Q1", "Q2", "H2"))}"}}'
        lead_rows.append(
            (lead_id, workspace_id, contact_id, account_id, rng.choice(campaign_ids), stage.value,
             source, 1, stamp(created), stamp(created + timedelta(days=len(path))),
             stamp(created), extras, rng.randrange(0, 100))
        )  # fmt: skip
        for step, (before, after) in enumerate(zip((None, *path), path, strict=False)):
            changes.append(
                (workspace_id, lead_id, before.value if before else None, after.value,
                 stamp(created + timedelta(days=step)), "import", False)
            )  # fmt: skip
        for step in range(touch_count):
            touch_rows.append(
                (workspace_id, lead_id, rng.choice(TOUCH_TYPES).value,
                 stamp(created - timedelta(hours=step + 1)), False, "import", stamp(created))
            )  # fmt: skip
    insert_many(connection, contacts, CONTACT_COLUMNS, contact_rows)
    insert_many(connection, leads, LEAD_COLUMNS, lead_rows)
    insert_many(connection, stage_changes, CHANGE_COLUMNS, changes)
    insert_many(connection, touches, TOUCH_COLUMNS, touch_rows)


CONTACT_COLUMNS = (
    "workspace_id",
    "id",
    "account_id",
    "last_name",
    "email",
    "job_title",
    "created_at",
)
LEAD_COLUMNS = (
    "id", "workspace_id", "contact_id", "account_id", "campaign_id", "stage", "source", "version",
    "created_at", "stage_entered_at", "updated_at", "extras", "fit_score",
)  # fmt: skip
CHANGE_COLUMNS = ("workspace_id", "lead_id", "source", "target", "at", "actor", "automatic")
TOUCH_COLUMNS = (
    "workspace_id",
    "lead_id",
    "type",
    "at",
    "asks_for_contact",
    "origin",
    "created_at",
)


def _path(closed: bool, won: bool, rng: random.Random) -> tuple[Stage, tuple[Stage, ...]]:
    path: tuple[Stage, ...]
    if not closed:
        path = rng.choice(((Stage.PROSPECT,), (Stage.MQL,), (Stage.MQL, Stage.SAL)))
    elif won:
        path = (Stage.MQL, Stage.SAL, Stage.SQL) + ((Stage.WON,) if rng.random() < 0.5 else ())
    else:
        disqualified = rng.random() < 0.7
        path = (
            (Stage.MQL, Stage.DISQUALIFIED)
            if disqualified
            else (Stage.MQL, Stage.SAL, Stage.SQL, Stage.LOST)
        )
    return path[-1], path


def _stamper(connection: Connection) -> Callable[[datetime], object]:
    processor = leads.c.created_at.type.dialect_impl(connection.dialect).bind_processor(
        connection.dialect
    )
    return processor if processor is not None else (lambda at: at)


def _campaigns(connection: Connection, workspace_id: int) -> list[int]:
    rows = [
        {
            "workspace_id": workspace_id, "name": f"Kampagne {i}", "channel": CHANNELS[i % 5],
            "starts_on": NOW.date(), "planned_cost": 1000, "actual_cost": 900,
            "form_key": f"scale-{workspace_id}-{i}", "created_at": NOW,
        }
        for i in range(20)
    ]  # fmt: skip
    result = connection.execute(
        campaigns.insert().returning(campaigns.c.id, sort_by_parameter_order=True), rows
    )
    return [row.id for row in result]


def _accounts(connection: Connection, workspace_id: int, count: int, rng: random.Random) -> int:
    first = _next_id(connection, accounts)
    stamp = bind_value(connection.dialect, accounts, "created_at", NOW)
    rows = [
        (first + i, workspace_id, f"Firma {i}", f"firma {i}", f"firma{first + i}.de",
         rng.choice(INDUSTRIES), int(rng.lognormvariate(4, 1.5)), rng.choice(COUNTRIES), stamp)
        for i in range(count)
    ]  # fmt: skip
    names = ("id", "workspace_id", "name", "name_key", "domain", "industry", "employees",
             "country", "created_at")  # fmt: skip
    insert_many(connection, accounts, names, rows)
    return first


def _next_id(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
