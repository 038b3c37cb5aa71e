"""The predictive score's domain: what a lead may be judged by, seniority, and naive Bayes."""

from __future__ import annotations

import ast
import math
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from leadflow.domain import naive_bayes, predictive
from leadflow.domain.naive_bayes import NaiveBayes, PriorRate
from leadflow.domain.predictive import (
    MISSING,
    FeatureSpec,
    LeakageError,
    Seniority,
    build_features,
    infer_spec,
    seniority,
)

X_EDUCATION_POST_CONTACT = [
    "Tags",
    "Lead Quality",
    "Lead Profile",
    "Asymmetrique Activity Index",
    "Asymmetrique Profile Score",
    "Last Activity",
    "Last Notable Activity",
]
LEADFLOW_POST_CONTACT = ["stage", "lead.grade", "owner_id", "OwnerId", "lead.outcome", "won_at"]

# Won: (webinar, company mail) twice, (ads, free mail) once.
# Lost: (ads, free mail) twice, (ads, company mail) once, (webinar, free mail) once.
TINY_TABLE = [
    ({"source": "webinar", "email": "a@acme.de"}, True),
    ({"source": "webinar", "email": "b@acme.de"}, True),
    ({"source": "ads", "email": "c@gmail.com"}, True),
    ({"source": "ads", "email": "d@web.de"}, False),
    ({"source": "ads", "email": "e@acme.de"}, False),
    ({"source": "webinar", "email": "f@gmx.de"}, False),
    ({"source": "ads", "email": "g@gmail.com"}, False),
]
TINY_SPEC = FeatureSpec(categorical=("source", "email_free_mail"))


def fit_tiny_table() -> NaiveBayes:
    records = [record for record, _ in TINY_TABLE]
    labels = [won for _, won in TINY_TABLE]
    return NaiveBayes.fit(records, labels, TINY_SPEC, alpha=1.0)


def test_naive_bayes_equals_the_probability_computed_by_hand() -> None:
    model = fit_tiny_table()

    probability = model.probability({"source": "webinar", "email": "h@acme.de"})

    # prior odds (3+1)/(4+1) = 4/5; P(webinar|won) = (2+1)/(3+2), P(webinar|lost) = (1+1)/(4+2)
    # gives 9/5; company mail: (2+1)/(3+2) over (1+1)/(4+2) = 9/5 as well.
    odds = Fraction(4, 5) * Fraction(9, 5) * Fraction(9, 5)
    assert probability == pytest.approx(float(odds / (1 + odds)), abs=1e-12)
    assert probability == pytest.approx(324 / 449, abs=1e-12)


def test_naive_bayes_explains_a_lead_by_each_fields_likelihood_ratio() -> None:
    model = fit_tiny_table()

    explanation = model.explain({"source": "ads", "email": "i@gmail.com"})

    by_field = {factor.field: factor for factor in explanation.factors}
    # ads: (1+1)/5 over (3+1)/6 = 3/5; free mail: (1+1)/5 over (3+1)/6 = 3/5
    assert by_field["source"].ratio == pytest.approx(0.6)
    assert by_field["email_free_mail"].value == "yes"
    assert str(by_field["source"]) == "- source = ads (x0.6)"
    assert explanation.base == pytest.approx(math.log(4 / 5))
    odds = Fraction(4, 5) * Fraction(3, 5) * Fraction(3, 5)
    assert explanation.probability == pytest.approx(float(odds / (1 + odds)), abs=1e-12)


def test_a_value_never_seen_in_training_leaves_the_odds_unchanged() -> None:
    model = fit_tiny_table()

    explanation = model.explain({"source": "trade fair"})

    by_field = {factor.field: factor for factor in explanation.factors}
    assert by_field["source"].ratio == 1.0
    assert by_field["email_free_mail"].value == MISSING


def test_an_explanation_cut_to_its_top_factors_still_adds_up_to_the_score() -> None:
    explanation = fit_tiny_table().explain({"source": "webinar", "email": "h@acme.de"})

    top = explanation.top(1)

    assert len(top.factors) == 1
    assert top.log_odds == pytest.approx(explanation.log_odds, abs=1e-12)
    assert str(top.factors[0]).startswith("+ ")


def test_numbers_are_counted_in_quantile_bins() -> None:
    records = [{"visits": float(visits)} for visits in range(10)]
    labels = [visits >= 5 for visits in range(10)]

    model = NaiveBayes.fit(records, labels, FeatureSpec((), ("visits",)), bins=2)

    assert model.edges["visits"] == (5.0,)
    assert model.label("visits", 7.0) == ">= 5"
    assert model.probability({"visits": 9}) > 0.8 > 0.2 > model.probability({"visits": 1})


def test_a_stored_naive_bayes_gives_the_same_scores_after_loading() -> None:
    model = fit_tiny_table()

    loaded = NaiveBayes.from_dict(model.to_dict())

    assert loaded == model


def test_no_history_gives_a_prior_of_one_half_and_history_moves_it() -> None:
    assert PriorRate.from_labels([]).probability == 0.5
    assert PriorRate.from_labels([True, False, False]).probability == pytest.approx(2 / 5)


@pytest.mark.parametrize("field", X_EDUCATION_POST_CONTACT + LEADFLOW_POST_CONTACT)
def test_a_post_contact_field_cannot_be_made_a_feature(field: str) -> None:
    with pytest.raises(LeakageError) as refused:
        FeatureSpec(categorical=("Lead Source", field))

    assert refused.value.fields == (field,)


def test_a_stored_model_that_names_a_post_contact_field_is_refused() -> None:
    stored = fit_tiny_table().to_dict()
    stored["categorical"] = ["source", "Tags"]

    with pytest.raises(LeakageError):
        NaiveBayes.from_dict(stored)


def test_inferred_features_leave_out_post_contact_fields_and_identifiers() -> None:
    fields = [*X_EDUCATION_POST_CONTACT, *LEADFLOW_POST_CONTACT, "Prospect ID", "Converted"]
    records = [
        {"Lead Source": source, "TotalVisits": str(visits), **dict.fromkeys(fields, str(visits))}
        for visits, source in enumerate(["Google", "Olark Chat", "Google", "Direct", "Select"])
    ]

    spec = infer_spec(records)

    assert spec == FeatureSpec(categorical=("Lead Source",), numeric=("TotalVisits",))


def test_the_feature_set_of_a_lead_holds_only_pre_contact_values() -> None:
    record = {
        "contact.job_title": "Geschäftsführerin",
        "contact.email": "anna@gmx.de",
        "Lead Source": "Select",
        "TotalVisits": "3",
        "Tags": "Will revert after reading the email",
        "stage": "won",
    }
    spec = FeatureSpec(
        categorical=("contact.seniority", "contact.email_free_mail", "Lead Source"),
        numeric=("TotalVisits",),
    )

    features = build_features(record, spec)

    assert features == {
        "contact.seniority": "c_level",
        "contact.email_free_mail": "yes",
        "Lead Source": None,
        "TotalVisits": 3.0,
    }


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("CEO", Seniority.C_LEVEL),
        ("Geschäftsführer", Seniority.C_LEVEL),
        ("Geschaeftsfuehrerin", Seniority.C_LEVEL),
        ("Mitglied des Vorstands", Seniority.C_LEVEL),
        ("CFO & Co-Founder", Seniority.C_LEVEL),
        ("Chief Technology Officer", Seniority.C_LEVEL),
        ("Managing Director", Seniority.C_LEVEL),
        ("VP Sales", Seniority.VP_DIRECTOR),
        ("Vice President Marketing", Seniority.VP_DIRECTOR),
        ("Director of Operations", Seniority.VP_DIRECTOR),
        ("Head of Procurement", Seniority.VP_DIRECTOR),
        ("Leiter Einkauf", Seniority.VP_DIRECTOR),
        ("Bereichsleiterin Vertrieb", Seniority.VP_DIRECTOR),
        ("Marketing Manager", Seniority.MANAGER),
        ("Teamleiter IT", Seniority.MANAGER),
        ("Referentin Unternehmenskommunikation", Seniority.MANAGER),
        ("Assistentin der Geschäftsführung", Seniority.INDIVIDUAL),
        ("Sachbearbeiter Buchhaltung", Seniority.INDIVIDUAL),
        ("Software Engineer", Seniority.INDIVIDUAL),
        ("", Seniority.UNKNOWN),
        (None, Seniority.UNKNOWN),
    ],
)
def test_seniority_is_read_from_german_and_english_job_titles(
    title: str | None, level: Seniority
) -> None:
    assert seniority(title) is level


@pytest.mark.parametrize("module", [predictive, naive_bayes])
def test_the_predictive_domain_imports_only_the_standard_library(module: object) -> None:
    source = Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")

    imported = _imported_modules(source)

    assert imported
    assert all(
        name.split(".")[0] in sys.stdlib_module_names or name.startswith("leadflow.domain.")
        for name in imported
    ), imported


def _imported_modules(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names
