"""Two sales reps accept the same MQL at the same moment: one wins, one gets a conflict."""

from __future__ import annotations

import threading

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.errors import DomainError, InvalidTransition, StaleLead
from leadflow.domain.stages import Role, Stage
from leadflow.services.lifecycle.moves import move_lead
from tests.factories import NOW, Tenant, new_lead


def _accept_at_once(
    db: Database, tenant: Tenant, lead_id: int, expected: int | None
) -> list[object]:
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    lock = threading.Lock()

    def accept() -> None:
        own = Database(db.engine.url.render_as_string(hide_password=False))
        try:
            barrier.wait()
            with unit_of_work(own, tenant.id) as uow:
                lead = move_lead(
                    uow,
                    lead_id,
                    Stage.SAL,
                    by=tenant.principal(Role.SALES),
                    now=NOW,
                    expected_version=expected,
                )
            result: object = lead.version
        except DomainError as error:
            result = error
        finally:
            own.dispose()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_concurrent_accepts_with_the_same_version_give_one_success_and_one_conflict(
    db: Database, tenant: Tenant
) -> None:
    lead_id = new_lead(db, tenant, email="race@werk.de", stage=Stage.MQL)

    outcomes = _accept_at_once(db, tenant, lead_id, expected=1)

    assert sorted(type(o).__name__ for o in outcomes) == ["StaleLead", "int"]
    with reading(db, tenant.id) as uow:
        assert [c.target for c in uow.leads.history(lead_id)] == [Stage.MQL, Stage.SAL]
        assert uow.leads.get(lead_id).version == 2


def test_two_concurrent_accepts_without_a_version_still_give_exactly_one_success(
    db: Database, tenant: Tenant
) -> None:
    lead_id = new_lead(db, tenant, email="race@werk.de", stage=Stage.MQL)

    outcomes = _accept_at_once(db, tenant, lead_id, expected=None)

    successes = [o for o in outcomes if isinstance(o, int)]
    conflicts = [o for o in outcomes if isinstance(o, StaleLead | InvalidTransition)]
    assert (len(successes), len(conflicts)) == (1, 1)
    with reading(db, tenant.id) as uow:
        assert len(uow.leads.history(lead_id)) == 2
