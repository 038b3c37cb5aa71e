"""Stored fit rules score leads on entry and in a full rescore, with the same verdicts."""

from __future__ import annotations

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.fit_sql import compile_fit_rules, drop_temp_tables, rescore_update
from leadflow.adapters.db.scoring import ScoringRepository
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.adapters.regex import compile_pattern
from leadflow.domain.errors import InvalidInput, PermissionDenied
from leadflow.domain.lead import Lead
from leadflow.domain.party import Account, Contact
from leadflow.domain.scoring import parse_fit_rules, score_fit
from leadflow.domain.stages import Role, Stage
from leadflow.services.scores.rescore import rescore_workspace
from leadflow.services.scores.scoring import lead_score
from leadflow.services.scores.scoring_settings import current_fit_rules, set_fit_rules
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import fit_rules, one_rule

RULES = """
[[rule]]
field = "account.industry"
op = "equals"
value = "Maschinenbau"
points = 15

[[rule]]
field = "account.country"
op = "in"
value = ["DE", "AT"]
points = 10

[[rule]]
field = "account.employees"
op = "range"
min = 50
max = 500
points = 20

[[rule]]
field = "contact.job_title"
op = "contains"
value = "leiter"
points = 5

[[rule]]
field = "contact.job_title"
op = "regex"
value = "^(geschäftsführ|ceo)"
points = 12

[[rule]]
field = "contact.email_free_mail"
op = "equals"
value = true
points = -10
label = "free-mail address"

[[rule]]
field = "account.postal_code"
op = "missing"
points = -5
"""


def _score(db: Database, tenant: Tenant, lead_id: int) -> tuple[int, list[str]]:
    with reading(db, tenant.id) as uow:
        score = lead_score(uow, lead_id, at=NOW)
    return score.fit.points, [str(reason) for reason in score.fit.reasons]


def test_a_new_lead_is_scored_by_every_matching_rule_with_its_reason(
    db: Database, tenant: Tenant
) -> None:
    fit_rules(db, tenant, RULES)

    lead_id = new_lead(
        db,
        tenant,
        email="anna@gmx.de",
        company="Fördertechnik Süd",
        industry="maschinenbau",
        country="DE",
        employees=120,
        job_title="Vertriebsleiterin",
    )

    assert _score(db, tenant, lead_id) == (
        15 + 10 + 20 + 5 - 10 - 5,
        [
            "+15 industry = Maschinenbau",
            "+10 country in DE, AT",
            "+20 employees 50-500",
            "+5 job title contains 'leiter'",
            "-10 free-mail address",
            "-5 postal code missing",
        ],
    )


def test_a_lead_matching_no_rule_scores_zero_without_reasons(db: Database, tenant: Tenant) -> None:
    fit_rules(db, tenant, RULES)

    lead_id = new_lead(
        db, tenant, email="b@firma.ch", company="Firma", country="CH", postal_code="8001"
    )

    assert _score(db, tenant, lead_id) == (0, [])


@pytest.mark.parametrize(
    ("toml", "field"),
    [
        (one_rule("account.size", "equals", 1, 5), "rule[1].field"),
        (RULES + one_rule("lead.source", "like", "x", 5), "rule[8].op"),
        (RULES + one_rule("lead.source", "regex", "(", 5), "rule[8].value"),
    ],
)
def test_invalid_rules_are_refused_with_the_rule_and_field_and_nothing_is_stored(
    db: Database, tenant: Tenant, toml: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused, unit_of_work(db, tenant.id) as uow:
        set_fit_rules(uow, toml, by=tenant.principal(Role.ADMIN), now=NOW)

    assert refused.value.field == field
    with reading(db, tenant.id) as uow:
        assert current_fit_rules(uow).version is None


def test_sales_may_not_change_the_fit_rules(db: Database, tenant: Tenant) -> None:
    with pytest.raises(PermissionDenied), unit_of_work(db, tenant.id) as uow:
        set_fit_rules(uow, RULES, by=tenant.principal(Role.SALES), now=NOW)


def test_a_rescore_applies_changed_rules_and_old_reasons_stay_explainable(
    db: Database, tenant: Tenant
) -> None:
    fit_rules(db, tenant, RULES)
    lead_id = new_lead(db, tenant, company="Werk", industry="Maschinenbau", postal_code="70173")
    fit_rules(db, tenant, one_rule("account.industry", "equals", "Maschinenbau", 40))

    with reading(db, tenant.id) as uow:
        before = lead_score(uow, lead_id, at=NOW)
    result = rescore_workspace(db, tenant.id, by=tenant.principal(Role.MARKETING), now=NOW)
    with reading(db, tenant.id) as uow:
        after = lead_score(uow, lead_id, at=NOW)

    assert (before.fit.points, before.fit_rules_current) == (15, False)
    assert (after.fit.points, after.fit_rules_current) == (40, True)
    assert [str(r) for r in after.fit.reasons] == ["+40 industry = Maschinenbau"]
    assert (result.leads, result.rules_version) == (1, 2)


ODD_ACCOUNTS = [
    # industry, employees, country, postal code, domain
    ("Maschinenbau", 50, "DE", "70173", "werk.de"),
    (" MASCHINENBAU ", 500, "de", " 80331", None),
    ("Straße und Brücke", 49, "AT", "D-7000", "bau.at"),
    ("ÖL UND GAS", 501, None, None, ""),
    (None, None, "CH", "7", "x.ch"),
]
ODD_CONTACTS = [
    # job title, seniority, department, e-mail
    ("Vertriebsleiter", "Head of Sales", None, "a@gmx.de"),
    ("LEITER Einkauf", "vp", "  ", "b@firma.de"),
    ("Geschäftsführerin", None, "Einkauf", None),
    ("CEO", "C-Level", "IT", "c@web.de"),
    ("Werkstudent", "", "", "d@t-online.de"),
    (None, None, None, "e@sub.gmx.de"),
    ("Leiterin", None, None, "f@GMX.DE \t\u00a0"),
    (None, None, None, "g@h@web.de"),
    (None, None, None, "i@\u212aabelmail.de"),
    (None, None, None, "ohne-at-gmx.de"),
    (None, None, None, "gmx.de@firma.de"),
    (None, None, None, " \t "),
]
ODD_RULES = (
    RULES
    + """
[[rule]]
field = "account.industry"
op = "in"
value = ["Öl und Gas", "Straße und Brücke"]
points = 7

[[rule]]
field = "account.postal_code"
op = "range"
min = 70000
max = 79999
points = 9

[[rule]]
field = "account.postal_code"
op = "regex"
value = "^\\\\s*[78]"
points = 3

[[rule]]
field = "contact.seniority"
op = "regex"
value = "^(head|vp|c-level)"
points = 11

[[rule]]
field = "contact.department"
op = "missing"
points = -2

[[rule]]
field = "account.domain"
op = "missing"
points = -4

[[rule]]
field = "lead.source"
op = "equals"
value = "Messe"
points = 6

[[rule]]
field = "account.employees"
op = "equals"
value = 500
points = 1
"""
)


def _odd_leads(db: Database, tenant: Tenant) -> list[int]:
    """Leads with every combination of awkward account and contact values."""
    lead_ids = []
    with unit_of_work(db, tenant.id) as uow:
        account_ids = []
        for index, (industry, employees, country, postal, domain) in enumerate(ODD_ACCOUNTS):
            account = Account(
                tenant.id, f"Firma {index}", None, domain, industry, employees, country, postal
            )
            account_ids.append(uow.accounts.add(account, f"firma {index}", NOW))
        for a, account_id in enumerate([*account_ids, None]):
            for c, (title, seniority, department, email) in enumerate(ODD_CONTACTS):
                contact = Contact(
                    tenant.id,
                    account_id=account_id,
                    email=email and f"{a}.{email}",
                    job_title=title,
                    seniority=seniority,
                    department=department,
                )
                uow.contacts.add(contact, NOW)
                assert contact.id is not None
                lead = Lead(
                    tenant.id,
                    contact.id,
                    Stage.PROSPECT,
                    NOW,
                    NOW,
                    account_id=account_id,
                    source=["Messe", " messe", None][(a + c) % 3],
                )
                lead_ids.append(uow.leads.add(lead, NOW))
    return lead_ids


@pytest.mark.parametrize("inline_limit", [500, 0], ids=["inline lists", "temporary tables"])
def test_the_set_based_rescore_gives_every_lead_the_score_of_the_python_rules(
    db: Database, tenant: Tenant, inline_limit: int
) -> None:
    fit_rules(db, tenant, ODD_RULES)
    lead_ids = _odd_leads(db, tenant)
    ruleset = parse_fit_rules(ODD_RULES, compile_pattern)

    with db.transaction(tenant.id) as connection:
        compiled = compile_fit_rules(connection, tenant.id, ruleset, inline_limit=inline_limit)
        connection.execute(rescore_update(compiled, tenant.id, 1, min(lead_ids), max(lead_ids)))
        drop_temp_tables(connection, compiled)

    with reading(db, tenant.id) as uow:
        repository = ScoringRepository(uow.connection, tenant.id)
        for lead_id in lead_ids:
            expected = score_fit(ruleset, repository.facts(lead_id))
            stored = repository.scores(lead_id)
            assert (lead_id, stored.fit_score) == (lead_id, expected.points)
            assert lead_score(uow, lead_id, at=NOW).fit == expected
