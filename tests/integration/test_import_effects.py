"""An imported lead has the effects of every other entry path (events, routing, hand-over clock,
auto-mql), unless the import is marked as another system's history."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.outbox import OutboxRepository
from leadflow.adapters.db.sla import SlaRepository
from leadflow.adapters.db.tables import contacts, leads
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.stages import Role, Stage
from leadflow.domain.webhooks import ASSIGNED, STAGE_CHANGED
from leadflow.services.handover.routing import assignments_of
from leadflow.services.imports.import_reports import get_import
from leadflow.services.imports.importer import ImportReport, ImportRequest, run_import
from leadflow.services.webhooks.subscriptions import create_webhook
from tests.factories import NOW, Tenant, new_lead, sales_users
from tests.integration.automation_support import fit_rules, one_rule, routing, scoring

KEY = b"k" * 32
ROUND_ROBIN = """
default_team = "Inside Sales"

[[team]]
name = "Inside Sales"
members = [{{ user = {anna} }}, {{ user = {ben} }}]
"""


@dataclass(frozen=True)
class Effects:
    """What followed one lead's entry."""

    owner_id: int | None
    assignments: int
    clock_running: bool
    stage_events: int
    assigned_events: int
    pending_deliveries: int


def _effects(db: Database, tenant: Tenant, lead_id: int) -> Effects:
    with reading(db, tenant.id) as uow:
        outbox = OutboxRepository(uow.connection, tenant.id)
        stage_events = [
            e for e in outbox.events(limit=1000, event_type=STAGE_CHANGED)
            if e.payload["lead_id"] == lead_id
        ]  # fmt: skip
        assigned = [
            e for e in outbox.events(limit=1000, event_type=ASSIGNED)
            if e.payload["lead_id"] == lead_id
        ]  # fmt: skip
        event_ids = {e.event_id for e in stage_events + assigned}
        deliveries = [d for d in outbox.deliveries(limit=1000) if d.event_id in event_ids]
        return Effects(
            owner_id=uow.leads.get(lead_id).owner_id,
            assignments=len(assignments_of(uow, lead_id)),
            clock_running=SlaRepository(uow.connection, tenant.id).running_clock(lead_id)
            is not None,
            stage_events=len(stage_events),
            assigned_events=len(assigned),
            pending_deliveries=len(deliveries),
        )


def _write(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["First Name", "Last Name", "Email", "Company"])
        writer.writerows(rows)
    return path


def _import(db: Database, tenant: Tenant, path: Path, **options: object) -> ImportReport:
    request = ImportRequest(tenant.id, preset="generic", **options)  # type: ignore[arg-type]
    return run_import(db, path, request, by=tenant.principal(Role.MARKETING), now=NOW)


def _lead_of(db: Database, tenant: Tenant, email: str) -> int:
    with db.reading() as connection:
        return int(
            connection.execute(
                select(leads.c.id)
                .join(contacts, contacts.c.id == leads.c.contact_id)
                .where(leads.c.workspace_id == tenant.id, contacts.c.email == email)
            ).scalar_one()
        )


@pytest.fixture
def team(db: Database, tenant: Tenant) -> tuple[int, int]:
    anna, ben = sales_users(db, tenant, "anna", "ben")
    routing(db, tenant, ROUND_ROBIN.format(anna=anna, ben=ben))
    with unit_of_work(db, tenant.id) as uow:
        create_webhook(
            uow, "http://127.0.0.1:9/hook", ["*"], key=KEY, by=tenant.principal(Role.ADMIN),
            now=NOW, allow_private=True,
        )  # fmt: skip
    return anna, ben


def test_an_mql_by_import_is_routed_clocked_and_announced_like_an_mql_by_the_api(
    db: Database, tenant: Tenant, team: tuple[int, int], tmp_path: Path
) -> None:
    by_api = new_lead(db, tenant, email="api@nordwerk.de", last_name="Api", stage=Stage.MQL)
    path = _write(tmp_path / "mqls.csv", [("Anna", "Schmidt", "anna@suedmetall.de", "Südmetall")])

    report = _import(db, tenant, path, stage=Stage.MQL)

    by_import = _lead_of(db, tenant, "anna@suedmetall.de")
    api, imported = _effects(db, tenant, by_api), _effects(db, tenant, by_import)
    assert report.created == 1 and not report.history
    assert imported == Effects(
        owner_id=imported.owner_id,
        assignments=1,
        clock_running=True,
        stage_events=1,
        assigned_events=1,
        pending_deliveries=2,
    )
    assert imported.owner_id in team and imported.owner_id != api.owner_id
    assert api == Effects(api.owner_id, 1, True, 1, 1, 2)


def test_a_prospect_by_import_is_announced_but_not_routed(
    db: Database, tenant: Tenant, team: tuple[int, int], tmp_path: Path
) -> None:
    path = _write(tmp_path / "prospects.csv", [("Jörg", "Weiß", "jw@werk.de", "Werk")])

    _import(db, tenant, path)

    lead_id = _lead_of(db, tenant, "jw@werk.de")
    assert _effects(db, tenant, lead_id) == Effects(None, 0, False, 1, 0, 1)


def _stage_events(db: Database, tenant: Tenant) -> list[tuple[str, dict[str, object]]]:
    with reading(db, tenant.id) as uow:
        outbox = OutboxRepository(uow.connection, tenant.id)
        return [(e.event_id, e.payload) for e in outbox.events(limit=10, event_type=STAGE_CHANGED)]


@pytest.mark.parametrize(
    ("now", "at"),
    [
        (NOW, "2026-03-02T09:30:00+00:00"),
        (NOW.replace(microsecond=1500), "2026-03-02T09:30:00.001500+00:00"),
    ],
)
def test_an_imported_lead_is_announced_in_the_words_of_every_other_entry_path(
    db: Database, tenant: Tenant, tmp_path: Path, now: datetime, at: str
) -> None:
    path = _write(tmp_path / "one.csv", [("Jörg", "Weiß", "jw@werk.de", "Werk")])
    by = tenant.principal(Role.MARKETING)

    run_import(db, path, ImportRequest(tenant.id, preset="generic"), by=by, now=now)

    ((event_id, payload),) = _stage_events(db, tenant)
    assert payload == {
        "lead_id": _lead_of(db, tenant, "jw@werk.de"), "from": None, "to": "prospect",
        "at": at, "actor": "import", "automatic": False, "reason": None,
        "by_user_id": by.user_id,
    }  # fmt: skip
    assert event_id.startswith("evt_") and len(event_id) == len(f"evt_{uuid.uuid4().hex}")


def test_a_history_import_is_marked_and_routes_clocks_and_announces_nothing(
    db: Database, tenant: Tenant, team: tuple[int, int], tmp_path: Path
) -> None:
    path = _write(tmp_path / "old.csv", [("Anna", "Schmidt", "anna@suedmetall.de", "Südmetall")])

    report = _import(db, tenant, path, stage=Stage.MQL, history=True)

    lead_id = _lead_of(db, tenant, "anna@suedmetall.de")
    assert report.history and report.created == 1
    with reading(db, tenant.id) as uow:
        assert get_import(uow, report.import_id).options["history"] is True
    assert _effects(db, tenant, lead_id) == Effects(None, 0, False, 0, 0, 0)


def test_imported_prospects_over_the_mql_threshold_move_to_mql_once_scored(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    fit_rules(db, tenant, one_rule("account.domain", "equals", "suedmetall.de", 15))
    scoring(db, tenant, mql_min_fit=10, mql_min_engagement=0)
    path = _write(
        tmp_path / "people.csv",
        [
            ("Anna", "Schmidt", "anna@suedmetall.de", "Südmetall"),
            ("Jörg", "Weiß", "jw@werk.de", "Werk"),
        ],
    )

    report = _import(db, tenant, path)

    with reading(db, tenant.id) as uow:
        fitting = uow.leads.get(_lead_of(db, tenant, "anna@suedmetall.de"))
        other = uow.leads.get(_lead_of(db, tenant, "jw@werk.de"))
        moves = [(c.target, c.automatic, c.reason) for c in uow.leads.history(fitting.id or 0)]
    assert report.moved_to_mql == 1
    assert (fitting.stage, other.stage) == (Stage.MQL, Stage.PROSPECT)
    assert moves[-1] == (Stage.MQL, True, "score_threshold")


def test_a_history_import_leaves_prospects_below_and_above_the_threshold_alone(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    fit_rules(db, tenant, one_rule("account.domain", "equals", "suedmetall.de", 15))
    scoring(db, tenant, mql_min_fit=10, mql_min_engagement=0)
    path = _write(tmp_path / "people.csv", [("Anna", "Schmidt", "anna@suedmetall.de", "Südmetall")])

    report = _import(db, tenant, path, history=True)

    with reading(db, tenant.id) as uow:
        lead = uow.leads.get(_lead_of(db, tenant, "anna@suedmetall.de"))
    assert (report.moved_to_mql, lead.stage) == (0, Stage.PROSPECT)
