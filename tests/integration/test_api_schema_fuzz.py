"""The whole API, fuzzed from its own /openapi.json: valid and invalid requests to every
operation, sent with the tokens of every role of two workspaces, never answer 500, answer only
the status codes and bodies the schema declares, and never show one workspace another's records.

Both workspaces hold data (campaigns, leads with activities and tasks, a field, a webhook, an
absence), so ids in the requests name real rows. Every record of the second workspace carries
MARKER; an answer to a token of the first workspace that contains it, without the request having
sent it, shows a record across workspaces. The runs are derandomised: each one sends the same
requests.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import APIOperation, Case, CheckContext, GenerationMode, Response, checks
from schemathesis.checks import CheckFunction

from leadflow.adapters.db.database import Database
from leadflow.domain.stages import Role
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import Tenant

MARKER = "zqglobexmark"
"""Text in every record of the second workspace, and in no record of the first."""

EXAMPLES_PER_OPERATION = 30


@dataclass(frozen=True)
class Caller:
    workspace: str
    role: Role
    authorization: str

    def __repr__(self) -> str:
        return f"{self.role.value}@{self.workspace}"


@dataclass
class Workspaces:
    app: FastAPI
    home: Tenant
    foreign: Tenant
    callers: list[Caller]
    known: dict[str, dict[str, list[Any]]]
    requests: int = 0


def _seed(client: TestClient, tenant: Tenant, mark: str) -> dict[str, list[Any]]:
    """Campaigns, leads with activities and tasks, a custom field, a webhook and an absence;
    `mark` goes into every text a record of the workspace can show. Answers the ids made, by
    the name of the path parameter that takes them."""
    admin, marketing, sales = (tenant.headers(r) for r in (Role.ADMIN, Role.MARKETING, Role.SALES))

    def post(path: str, body: object, headers: dict[str, str]) -> Any:
        answer = client.post(path, json=body, headers=headers)
        assert answer.status_code in (200, 201), (path, answer.text)
        return answer.json().get("id")

    campaigns = [
        post(
            "/api/v1/campaigns",
            {"name": f"{mark} Spring {n}", "channel": "webinar", "starts_on": "2026-03-01"},
            marketing,
        )
        for n in range(2)
    ]
    key = f"{mark}_size"
    post(
        "/api/v1/fields",
        {"key": key, "type": "text", "label_de": f"{mark} Größe", "label_en": f"{mark} size"},
        admin,
    )
    leads = []
    for n in range(4):
        lead = {
            "email": f"person{n}@{mark}-{tenant.slug}.example",
            "first_name": f"{mark}first{n}",
            "last_name": f"{mark}last{n}",
            "company": f"{mark} {tenant.slug} {n} GmbH",
            "campaign_id": campaigns[n % 2],
            "stage": "mql",
            "custom_fields": {key: f"{mark} large"},
        }
        leads.append(post("/api/v1/leads", lead, marketing))
        post(
            f"/api/v1/leads/{leads[-1]}/activities",
            {"kind": "note", "subject": f"{mark} called", "body": f"{mark} notes"},
            sales,
        )
        post(
            f"/api/v1/leads/{leads[-1]}/tasks",
            {"title": f"{mark} follow up", "due_on": "2026-03-05"},
            sales,
        )
    webhook = post(
        "/api/v1/webhooks",
        {"url": f"http://127.0.0.1:9/{mark}", "allow_private": True, "description": mark},
        admin,
    )
    absence = post(
        "/api/v1/routing/absences",
        {
            "user_id": tenant.user_ids[Role.SALES],
            "first_day": "2026-03-09",
            "last_day": "2026-03-13",
            "note": f"{mark} holiday",
        },
        admin,
    )
    return {
        "lead_id": leads,
        "campaign_id": campaigns,
        "key": [key],
        "webhook_id": [webhook],
        "absence_id": [absence],
        "user_id": list(tenant.user_ids.values()),
    }


def _resolve_addresses_only(host: object, port: object, *args: object, **kwargs: object) -> Any:
    """Host names resolve to nothing: a fuzzed webhook URL never leads to a DNS query."""
    text = host.decode() if isinstance(host, bytes) else str(host)
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
    return _GETADDRINFO(host, port, *args, **kwargs)


_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def workspaces(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Workspaces]:
    monkeypatch.setattr(socket, "getaddrinfo", _resolve_addresses_only)
    app = create_app(settings, db=db)
    home, foreign = Tenant(db, "acme"), Tenant(db, "globex")
    with TestClient(app) as client:
        known = {
            home.slug: _seed(client, home, "acme"),
            foreign.slug: _seed(client, foreign, MARKER),
        }
    callers = [
        Caller(tenant.slug, role, tenant.headers(role)["Authorization"])
        for tenant in (home, foreign)
        for role in Role
    ]
    yield Workspaces(app, home, foreign, callers, known)


def _caller_of(case: Case, workspaces: Workspaces) -> Caller | None:
    sent = (case.headers or {}).get("Authorization")
    return next((c for c in workspaces.callers if c.authorization == sent), None)


def no_record_of_the_other_workspace(workspaces: Workspaces) -> CheckFunction:
    """A check: an answer to the first workspace's token shows no record of the second."""

    def check(ctx: CheckContext, response: Response, case: Case) -> bool | None:
        caller = _caller_of(case, workspaces)
        if caller is None or caller.workspace != workspaces.home.slug:
            return None
        sent = json.dumps([case.path_parameters, case.query, case.body], default=str).lower()
        shown = (response.text or "").lower()
        if MARKER in shown and MARKER not in sent:
            raise AssertionError(
                f"{caller!r} was shown a record of workspace {workspaces.foreign.slug}: "
                f"{response.text[:500]}"
            )
        return None

    return check


def _checks(workspaces: Workspaces) -> list[CheckFunction]:
    return [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_schema_conformance,
        no_record_of_the_other_workspace(workspaces),
    ]


CONFIG = schemathesis.Config.from_dict({"generation": {"deterministic": True}})

FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _ids(workspaces: Workspaces, name: str) -> list[Any]:
    """Ids of both workspaces' records for a path parameter, so requests name real rows."""
    return [value for tenant in (workspaces.home, workspaces.foreign)
            for value in workspaces.known[tenant.slug].get(name, [])]  # fmt: skip


def _fuzz(operation: APIOperation, workspaces: Workspaces) -> list[str]:
    """Failures of one operation's generated requests, as text."""
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    failures: list[str] = []

    @FUZZ
    @given(case=cases, caller=st.sampled_from(workspaces.callers), data=st.data())
    def run(case: Case, caller: Caller, data: st.DataObject) -> None:
        for name in list(case.path_parameters or {}):
            known = _ids(workspaces, name)
            if known and data.draw(st.booleans()):
                case.path_parameters[name] = data.draw(st.sampled_from(known))
        case.headers = {**(case.headers or {}), "Authorization": caller.authorization}
        workspaces.requests += 1
        try:
            case.call_and_validate(checks=_checks(workspaces))
        except (AssertionError, BaseExceptionGroup) as failure:
            failures.append(f"{operation.label} as {caller!r}: {failure}")

    run()
    return failures


@pytest.mark.slow
def test_every_operation_answers_as_declared_and_only_with_the_callers_records(
    workspaces: Workspaces,
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", workspaces.app, config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]

    failures = [failure for operation in operations for failure in _fuzz(operation, workspaces)]

    print(f"{len(operations)} operations, {workspaces.requests} requests")
    assert len(operations) > 90
    assert failures == [], "\n\n".join(failures)


@pytest.mark.slow
def test_chains_of_calls_along_the_schemas_links_answer_as_declared_and_stay_in_the_workspace(
    workspaces: Workspaces,
) -> None:
    """Stateful: schemathesis chains operations along the links it finds in the schema (create
    a lead, then read, move, qualify and merge it; create a campaign, then read and change it;
    webhooks, absences, jobs), with every caller of the first workspace, under the same checks."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", workspaces.app, config=CONFIG)
    home = [c for c in workspaces.callers if c.workspace == workspaces.home.slug]
    checked = _checks(workspaces)

    class Chains(schema.as_state_machine()):  # type: ignore[misc]
        caller = home[0]

        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"headers": {"Authorization": self.caller.authorization}}

        def validate_response(
            self, response: Response, case: Case, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            workspaces.requests += 1
            case.validate_response(response, checks=checked)

    for caller in home:
        Chains.caller = caller
        run_state_machine_as_test(
            Chains,
            settings=settings(
                max_examples=15,
                stateful_step_count=8,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )

    print(f"stateful: {workspaces.requests} requests")
    assert workspaces.requests > 0
