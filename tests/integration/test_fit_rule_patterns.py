"""Regular expressions of fit rules run on RE2: a pattern that makes a backtracking engine take
seconds answers at once, on entry and in the set-based rescore, and patterns RE2 cannot run are
refused when stored."""

from __future__ import annotations

from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.scoring import ScoringRepository
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.stages import Role
from leadflow.services.scores.rescore import rescore_workspace
from leadflow.services.scores.scoring import lead_score
from leadflow.services.scores.scoring_settings import current_fit_rules
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import fit_rules

BACKTRACKING = """
[[rule]]
field = "contact.job_title"
op = "regex"
value = "^(a+)+$"
points = 9
"""

ATTACK_TITLE = "a" * 34 + "!"


def _fit(db: Database, tenant: Tenant, lead_id: int) -> int:
    with reading(db, tenant.id) as uow:
        return lead_score(uow, lead_id, at=NOW).fit.points


def test_a_backtracking_pattern_judges_a_long_job_title_on_entry(
    db: Database, tenant: Tenant
) -> None:
    fit_rules(db, tenant, BACKTRACKING)

    attacker = new_lead(db, tenant, job_title=ATTACK_TITLE)
    plain = new_lead(db, tenant, job_title="a" * 40)

    assert (_fit(db, tenant, attacker), _fit(db, tenant, plain)) == (0, 9)


def test_a_backtracking_pattern_judges_long_job_titles_in_the_rescore(
    db: Database, tenant: Tenant
) -> None:
    attacker = new_lead(db, tenant, job_title=ATTACK_TITLE)
    plain = new_lead(db, tenant, job_title="A" * 40)
    fit_rules(db, tenant, BACKTRACKING)

    result = rescore_workspace(db, tenant.id, by=tenant.principal(Role.MARKETING), now=NOW)

    assert result.leads == 2
    assert (_fit(db, tenant, attacker), _fit(db, tenant, plain)) == (0, 9)


def test_a_pattern_re2_cannot_run_is_refused_with_422_naming_the_rule(
    app_client: TestClient, tenant: Tenant
) -> None:
    rules = BACKTRACKING + '[[rule]]\nfield = "contact.job_title"\nop = "regex"\n'
    rules += 'value = "^(ab)\\\\1$"\npoints = 3\n'

    answer = app_client.put(
        "/api/v1/scoring/fit-rules", json={"toml": rules}, headers=tenant.headers(Role.ADMIN)
    )

    assert answer.status_code == 422
    assert answer.json()["field"] == "rule[2].value"
    assert "rule 2: invalid regular expression" in answer.json()["detail"]


def test_a_stored_pattern_re2_refuses_matches_nothing_and_entries_go_on(
    db: Database, tenant: Tenant
) -> None:
    stored_before = (
        BACKTRACKING
        + '[[rule]]\nfield = "contact.job_title"\nop = "regex"\nvalue = "^(?=a)"\npoints = 4\n'
    )
    with unit_of_work(db, tenant.id) as uow:
        ScoringRepository(uow.connection, tenant.id).add_rule_set(stored_before, None, NOW)

    lead_id = new_lead(db, tenant, job_title="aaaa")

    assert _fit(db, tenant, lead_id) == 9
    with reading(db, tenant.id) as uow:
        assert len(current_fit_rules(uow).ruleset.rules) == 2
