"""Eight API clients write at once to one real server: nothing fails, nothing is doubled, and
round robin stays fair (PostgreSQL once answered most of these with a deadlock)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import assignments, contacts, leads
from leadflow.domain.stages import Role
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import Tenant, sales_users
from tests.integration.automation_support import routing
from tests.integration.served import serving

CLIENTS = 8
OPERATIONS = 200
TWIN_EVERY = 50
"""Every 50th operation, all clients enter the same person at the same moment."""


@dataclass(frozen=True)
class Answer:
    kind: str
    status: int
    body: Any
    twin_round: int | None = None


def _round_robin_of(*users: int) -> str:
    members = ", ".join(f"{{ user = {user} }}" for user in users)
    return (
        f'default_team = "Inside Sales"\n\n[[team]]\nname = "Inside Sales"\nmembers = [{members}]\n'
    )


def _body(response: httpx.Response) -> Any:
    """The JSON answer, or the text of one that is not JSON (a server error's)."""
    is_json = response.headers.get("content-type", "").startswith("application/json")
    return response.json() if is_json else response.text


def _client_work(
    url: str, headers: dict[str, str], number: int, barrier: threading.Barrier
) -> list[Answer]:
    answers: list[Answer] = []
    prospects: list[int] = []
    with httpx.Client(base_url=url, headers=headers, timeout=120) as http:

        def create(kind: str, body: dict[str, Any], twin_round: int | None = None) -> None:
            response = http.post("/api/v1/leads", json=body)
            answers.append(Answer(kind, response.status_code, _body(response), twin_round))
            if kind == "prospect" and response.status_code == 201:
                prospects.append(response.json()["id"])

        for step in range(OPERATIONS):
            email = f"kunde{number}-{step}@firma{number}x{step}.de"
            if step % TWIN_EVERY == 0:
                twin_round = step // TWIN_EVERY
                barrier.wait()
                twin = {"email": f"zwilling{twin_round}@gleich.de", "last_name": "Zwilling",
                        "phone": f"+49 30 1234{twin_round:03d}", "stage": "mql"}  # fmt: skip
                create("twin", twin, twin_round)
            elif step % 3 == 0 and prospects:
                lead_id = prospects.pop()
                response = http.post(f"/api/v1/leads/{lead_id}/transitions", json={"to": "mql"})
                answers.append(Answer("move", response.status_code, _body(response)))
            elif step % 3 == 1:
                create("mql", {"email": email, "last_name": f"Kunde {step}", "stage": "mql"})
            else:
                create("prospect", {"email": email, "last_name": f"Kunde {step}"})
    return answers


def _run_clients(work: Callable[[int, threading.Barrier], list[Answer]]) -> list[Answer]:
    barrier = threading.Barrier(CLIENTS, timeout=120)
    results: list[Answer] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run(number: int) -> None:
        try:
            answers = work(number, barrier)
        except BaseException as error:  # noqa: BLE001 - the test reports it below
            barrier.abort()
            with lock:
                failures.append(error)
            return
        with lock:
            results.extend(answers)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert failures == []
    return results


@pytest.mark.slow
def test_parallel_clients_get_no_errors_no_doubled_leads_and_fair_round_robin(
    db: Database, settings: Settings, tenant: Tenant
) -> None:
    sales = sales_users(db, tenant, "anna", "ben", "carla")
    routing(db, tenant, _round_robin_of(*sales))
    headers = tenant.headers(Role.MARKETING)

    with serving(create_app(settings, db=db)) as url:
        answers = _run_clients(lambda number, barrier: _client_work(url, headers, number, barrier))

    assert [a for a in answers if a.status >= 500] == []
    expected = {"prospect": {201}, "mql": {201}, "move": {200}, "twin": {200, 201}}
    assert [a for a in answers if a.status not in expected[a.kind]] == []
    assert len(answers) == CLIENTS * OPERATIONS

    for twin_round in range(OPERATIONS // TWIN_EVERY):
        twins = [a for a in answers if a.twin_round == twin_round]
        assert sorted(a.status for a in twins) == [200] * (CLIENTS - 1) + [201]
        assert all(a.body["merged"] for a in twins if a.status == 200)
        assert len({a.body["id"] for a in twins}) == 1

    acknowledged = [a.body["id"] for a in answers if a.status == 201]
    with db.reading() as connection:
        stored = connection.execute(
            select(leads.c.id, leads.c.stage, leads.c.owner_id, contacts.c.email)
            .join(contacts, contacts.c.id == leads.c.contact_id)
            .where(leads.c.workspace_id == tenant.id)
        ).all()
        routed = connection.execute(
            select(assignments.c.user_id, func.count())
            .where(assignments.c.workspace_id == tenant.id)
            .group_by(assignments.c.user_id)
        ).all()
    assert sorted(row.id for row in stored) == sorted(acknowledged)
    assert [e for e, n in Counter(row.email for row in stored).items() if n > 1] == []
    mqls = [row for row in stored if row.stage == "mql"]
    moved = [a.body["id"] for a in answers if a.kind == "move"]
    assert {row.id for row in mqls} >= set(moved)

    owners = Counter(row.owner_id for row in mqls)
    assert set(owners) == set(sales)
    assert max(owners.values()) - min(owners.values()) <= 1
    assert dict(routed) == dict(owners)
