"""Every entry path merges by the same policy: a new person is created, the same person again
changes nothing, and changed data updates the lead with the old values kept (table-driven:
API single, API batch, public form and import, each with the same three entries)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.outbox import OutboxRepository
from leadflow.adapters.db.sla import SlaRepository
from leadflow.adapters.db.tables import contacts, leads
from leadflow.adapters.db.uow import reading
from leadflow.cli.main import app
from leadflow.domain import time_trap
from leadflow.domain.campaign import Campaign
from leadflow.domain.stages import Role, Stage
from leadflow.domain.webhooks import ASSIGNED, STAGE_CHANGED
from leadflow.services.intake.forms import FormKeys
from leadflow.settings import Settings
from leadflow.web.api.deps import get_now
from leadflow.web.app import create_app
from tests.environment import TEST_SECRET_KEY
from tests.factories import NOW, Tenant, new_campaign, sales_users
from tests.integration.automation_support import routing
from tests.integration.merge_support import (
    alternates_of,
    import_file,
    lead_of,
    merge_log,
    rows_of,
    write_csv,
)

PERSON = {"first_name": "Eva", "last_name": "Fischer", "email": "eva.fischer@nordwerk.de",
          "company": "Nordwerk GmbH", "phone": "0711 1234560",
          "job_title": "Einkäuferin"}  # fmt: skip
CHANGED = {**PERSON, "phone": "0171 2345678", "job_title": "Leiterin Einkauf"}

# entry, what the path answers, and what is stored after it
STEPS = [
    (PERSON, "created", {"job_title": "Einkäuferin", "phone": "+497111234560"}, set(), 0),
    (PERSON, "merged", {"job_title": "Einkäuferin", "phone": "+497111234560"}, set(), 0),
    (CHANGED, "merged", {"job_title": "Leiterin Einkauf", "phone": "+491712345678"},
     {("phone", "+497111234560")}, 1),
]  # fmt: skip


class Paths:
    """One entry at a given time through each path; each answers created or merged."""

    def __init__(self, client: TestClient, db: Database, tenant: Tenant, tmp: Path) -> None:
        self.client, self.db, self.tenant, self.tmp = client, db, tenant, tmp
        self.clock = NOW
        # What the API and import entries ask for; the form asks for contact, so it makes an MQL.
        self.stage = "prospect"
        client.app.dependency_overrides[get_now] = lambda: self.clock  # type: ignore[attr-defined]
        self.campaign: Campaign = new_campaign(db, tenant)

    def api_single(self, person: dict[str, str]) -> str:
        answer = self.client.post(
            "/api/v1/leads", json={**person, "stage": self.stage},
            headers=self.tenant.headers(Role.MARKETING),
        )  # fmt: skip
        assert answer.status_code in (200, 201), answer.text
        return "merged" if answer.json()["merged"] else "created"

    def api_batch(self, person: dict[str, str]) -> str:
        answer = self.client.post(
            "/api/v1/leads/batch", json={"leads": [{**person, "stage": self.stage}]},
            headers=self.tenant.headers(Role.MARKETING),
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        return str(answer.json()["results"][0]["status"])

    def form(self, person: dict[str, str]) -> str:
        keys = FormKeys.derive(TEST_SECRET_KEY.encode())
        token = time_trap.issue(
            keys.trap, self.campaign.form_key or "", self.clock - timedelta(seconds=20)
        )
        fields = {**person, "homepage": "", "_lf_ts": token, "description": "Bitte Rückruf"}
        fields["title"] = fields.pop("job_title")  # the form's (and Web-to-Lead's) name
        before = len(rows_of(self.db, contacts))
        answer = self.client.post(f"/f/{self.campaign.form_key}", data=fields)
        assert answer.status_code == 200, answer.text
        return "created" if len(rows_of(self.db, contacts)) > before else "merged"

    def file_import(self, person: dict[str, str]) -> str:
        headers = ["First Name", "Last Name", "Email", "Company", "Phone", "Job Title"]
        values = [person[k] for k in ("first_name", "last_name", "email", "company", "phone",
                                      "job_title")]  # fmt: skip
        path = write_csv(self.tmp / f"{self.clock:%H%M%S%f}.csv", headers, [values])
        report = import_file(self.db, self.tenant, path, now=self.clock, stage=Stage(self.stage))
        return "merged" if report.merged else "created"


@pytest.fixture
def paths(db: Database, tenant: Tenant, tmp_path: Path, database_url: str) -> Iterator[Paths]:
    settings = Settings(database_url=database_url)  # type: ignore[call-arg]
    with TestClient(create_app(settings, db=db)) as client:
        yield Paths(client, db, tenant, tmp_path)


@pytest.mark.parametrize("path", ["api_single", "api_batch", "form", "file_import"])
def test_each_path_creates_then_merges_by_the_same_policy(paths: Paths, path: str) -> None:
    enter: Callable[[dict[str, str]], str] = getattr(paths, path)
    for step, (person, answer, stored, alternates, merges) in enumerate(STEPS):
        paths.clock = NOW + timedelta(hours=step)

        assert enter(person) == answer, f"step {step}"

        (contact,) = rows_of(paths.db, contacts, email=PERSON["email"])
        assert {name: contact[name] for name in stored} == stored, f"step {step}"
        assert alternates_of(paths.db, contact["id"]) == alternates, f"step {step}"
        lead_id = lead_of(paths.db, paths.tenant, email=PERSON["email"])
        logged = [m for m in merge_log(paths.db, lead_id) if _changed_fields(m)]
        assert len(logged) == merges, f"step {step}"


def _changed_fields(merge: dict[str, Any]) -> list[str]:
    return [f["field"] for f in merge["changes"]["fields"] if f["field"] != "note"]


def test_the_api_answer_of_a_merge_says_what_changed(paths: Paths) -> None:
    paths.api_single(PERSON)
    paths.clock = NOW + timedelta(hours=1)

    answer = paths.client.post(
        "/api/v1/leads", json=CHANGED, headers=paths.tenant.headers(Role.MARKETING)
    ).json()

    assert answer["merged"] is True
    assert {(c["field"], c["action"], c["old"], c["new"]) for c in answer["changes"]} == {
        ("job_title", "updated", "Einkäuferin", "Leiterin Einkauf"),
        ("phone", "updated", "+497111234560", "+491712345678"),
        ("phone", "alternate", None, "+497111234560"),
    }
    listed = paths.client.get(
        f"/api/v1/leads/{answer['id']}/merges", headers=paths.tenant.headers(Role.SALES)
    ).json()
    assert [(m["id"], m["entry"], m["merged_id"]) for m in listed] == [
        (answer["merge_id"], "api", None)
    ]
    assert {f["field"] for f in listed[0]["fields"]} == {"job_title", "phone"}


def test_the_command_line_shows_a_reimport_and_the_lead_s_merge_log_field_by_field(
    db: Database, tenant: Tenant, tmp_path: Path, database_url: str, monkeypatch: Any
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    cli = CliRunner()
    headers = ["Email", "Last Name", "Job Title"]
    first = write_csv(tmp_path / "a.csv", headers, [["eva@nordwerk.de", "Fischer", "Einkäuferin"]])
    again = write_csv(tmp_path / "b.csv", headers, [["eva@nordwerk.de", "Fischer", "Leitung"]])
    cli.invoke(app, ["import", str(first), "--workspace", tenant.slug])

    imported = cli.invoke(app, ["import", str(again), "--workspace", tenant.slug])
    lead_id = lead_of(db, tenant, email="eva@nordwerk.de")
    shown = cli.invoke(app, ["lead", "merges", str(lead_id), "--workspace", tenant.slug])

    assert "of the merged rows 1 were updated, 0 were unchanged" in imported.stdout
    assert shown.exit_code == 0, shown.output
    assert f"import entry into lead {lead_id} (same e-mail; import " in shown.stdout
    assert "  job_title\tupdated\tEinkäuferin\tLeitung" in shown.stdout


def _effects(db: Database, tenant: Tenant, lead_id: int) -> tuple[int, int, bool]:
    """The lead's stage.changed and lead.assigned events, and whether its hand-over clock runs."""
    with reading(db, tenant.id) as uow:
        outbox = OutboxRepository(uow.connection, tenant.id)
        events = [
            (event.type, event.payload["lead_id"])
            for kind in (STAGE_CHANGED, ASSIGNED)
            for event in outbox.events(limit=100, event_type=kind)
        ]
        clock = SlaRepository(uow.connection, tenant.id).running_clock(lead_id)
    return (
        events.count((STAGE_CHANGED, lead_id)),
        events.count((ASSIGNED, lead_id)),
        clock is not None,
    )


@pytest.mark.parametrize("path", ["api_single", "api_batch", "form", "file_import"])
def test_each_path_has_the_same_effects_for_a_new_mql_and_none_for_its_repeats(
    paths: Paths, path: str
) -> None:
    [anna] = sales_users(paths.db, paths.tenant, "anna")
    routing(
        paths.db,
        paths.tenant,
        f'default_team = "T"\n[[team]]\nname = "T"\nmembers = [{{ user = {anna} }}]\n',
    )
    paths.stage = "mql"
    enter: Callable[[dict[str, str]], str] = getattr(paths, path)
    seen = []
    for step, (person, _, _, _, _) in enumerate(STEPS):
        paths.clock = NOW + timedelta(hours=step)
        enter(person)
        lead_id = lead_of(paths.db, paths.tenant, email=PERSON["email"])
        seen.append(_effects(paths.db, paths.tenant, lead_id))

    owner = rows_of(paths.db, leads, id=lead_id)[0]["owner_id"]
    assert seen == [(1, 1, True), (1, 1, True), (1, 1, True)]
    assert owner == anna
