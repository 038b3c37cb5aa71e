"""A seeded generator of one large workspace (plus a small neighbour), written with bulk inserts."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.account_keys import file_accounts
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.adapters.db.tables import (
    accounts,
    campaigns,
    contacts,
    leads,
    stage_changes,
)
from leadflow.adapters.importing.normalize import company_key
from leadflow.domain.stages import Role, Stage
from leadflow.domain.workspace import Workspace

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
FIRST_NAMES = ("Anna", "Jonas", "Lea", "Lukas", "Marie", "Felix", "Sophie", "Paul", "Emma", "Ben")
LAST_NAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Koch",
    "Richter",
)
INDUSTRIES = ("Maschinenbau", "Logistik", "Handel", "Software", "Chemie", "Bau")
SOURCES = ("web_form", "import", "trade_fair", "api", "referral")
PATHS = (
    (Stage.PROSPECT,),
    (Stage.MQL,),
    (Stage.MQL, Stage.SAL),
    (Stage.MQL, Stage.NURTURE),
    (Stage.MQL, Stage.SAL, Stage.SQL),
    (Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON),
    (Stage.MQL, Stage.SAL, Stage.SQL, Stage.LOST),
    (Stage.MQL, Stage.DISQUALIFIED),
)
WEIGHTS = (20, 25, 10, 15, 8, 6, 6, 10)


@dataclass(frozen=True)
class Seeded:
    workspace_id: int
    user_id: int
    leads: int


def seed(db: Database, *, leads_count: int, seed_value: int = 20260302) -> Seeded:
    """Fill a migrated database: `leads_count` leads in workspace 'big', 2,000 in 'small'."""
    rng = random.Random(seed_value)
    with db.transaction() as connection:
        directory = Directory(connection)
        big = _workspace(directory, "big", "Big GmbH")
        small = _workspace(directory, "small", "Small AG")
        user_id = directory.add_user("sales@big.example", "Sales", "not-a-hash", NOW)
        directory.set_role(big, user_id, Role.SALES)
        directory.set_role(small, user_id, Role.SALES)
        for workspace_id, count in ((big, leads_count), (small, 2_000)):
            _fill(connection, rng, workspace_id, count, [user_id])
    return Seeded(big, user_id, leads_count)


def _workspace(directory: Directory, slug: str, name: str) -> int:
    return directory.add_workspace(Workspace(slug, name), NOW)


def _fill(
    connection: Connection, rng: random.Random, workspace_id: int, count: int, owners: list[int]
) -> None:
    campaign_ids = _campaigns(connection, workspace_id)
    account_count = max(count // 4, 1)
    first_account = _next_id(connection, accounts)
    account_rows: list[dict[str, Any]] = []
    for index in range(account_count):
        name = f"{rng.choice(LAST_NAMES)} {rng.choice(INDUSTRIES)} {index} GmbH"
        account_rows.append(
            {
                "workspace_id": workspace_id,
                "name": name,
                "name_key": company_key(name),
                "domain": f"firma{index}.example",
                "industry": rng.choice(INDUSTRIES),
                "country": "DE",
                "created_at": NOW,
            }
        )
    _bulk(connection, accounts, iter(account_rows))
    file_accounts(
        connection,
        workspace_id,
        ((first_account + n, row["name_key"]) for n, row in enumerate(account_rows)),
    )
    first_contact = _next_id(connection, contacts)
    _bulk(
        connection,
        contacts,
        (
            {
                "workspace_id": workspace_id,
                "account_id": first_account + index % account_count,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "email": f"person{index}@firma{index % account_count}.example",
                "job_title": "Einkauf",
                "created_at": NOW,
            }
            for index in range(count)
        ),
    )
    histories: list[tuple[int, list[tuple[Stage | None, Stage, datetime]]]] = []
    lead_rows: list[dict[str, Any]] = []
    for index in range(count):
        path = rng.choices(PATHS, WEIGHTS)[0]
        at = NOW - timedelta(days=rng.uniform(1, 365))
        steps: list[tuple[Stage | None, Stage, datetime]] = []
        source: Stage | None = None
        for stage in path:
            steps.append((source, stage, at))
            source, at = stage, at + timedelta(hours=rng.uniform(2, 400))
        histories.append((index, steps))
        sold = path[-1] not in (Stage.PROSPECT, Stage.MQL)
        lead_rows.append(
            {
                "workspace_id": workspace_id,
                "contact_id": first_contact + index,
                "account_id": first_account + index % account_count,
                "campaign_id": rng.choice(campaign_ids),
                "owner_id": rng.choice(owners) if sold else None,
                "stage": path[-1].value,
                "source": rng.choice(SOURCES),
                "grade": rng.choice("ABCD") if sold else None,
                "version": len(path),
                "created_at": steps[0][2],
                "stage_entered_at": steps[-1][2],
                "updated_at": steps[-1][2],
                "extras": {},
            }
        )
    first_lead = _next_id(connection, leads)
    _bulk(connection, leads, iter(lead_rows))
    _bulk(
        connection,
        stage_changes,
        (
            {
                "workspace_id": workspace_id,
                "lead_id": first_lead + index,
                "source": source.value if source else None,
                "target": target.value,
                "at": at,
                "actor": "sales",
                "reason": "other" if target in (Stage.NURTURE, Stage.LOST) else None,
                "automatic": False,
            }
            for index, steps in histories
            for source, target, at in steps
        ),
    )


def _campaigns(connection: Connection, workspace_id: int) -> list[int]:
    ids = []
    for index in range(12):
        result = connection.execute(
            insert(campaigns).values(
                workspace_id=workspace_id,
                name=f"Kampagne {index}",
                channel="search",
                starts_on=(NOW - timedelta(days=400)).date(),
                planned_cost=1000 * (index + 1),
                actual_cost=1000 * (index + 1),
                form_key=f"bench-{workspace_id}-{index}",
                created_at=NOW,
            )
        )
        assert result.inserted_primary_key is not None
        ids.append(int(result.inserted_primary_key[0]))
    return ids


def _bulk(connection: Connection, table: Any, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 5_000:
            connection.execute(insert(table), batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)


def _next_id(connection: Connection, table: Any) -> int:
    last = connection.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1)).scalar()
    return int(last or 0) + 1
