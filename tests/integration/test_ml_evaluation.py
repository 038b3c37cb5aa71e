"""The predictive score on real lead logs (X Education's Leads.csv and Olist's MQL funnel),
evaluated the way a user would: the file goes through `leadflow model evaluate`'s import into
a scratch workspace (in its own temporary SQLite file, on either test run) and back out through
the feature pipeline of stored leads."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from leadflow.adapters.ml import LogisticModel
from leadflow.adapters.ml.selection import AUC_TOLERANCE
from leadflow.domain.predictive import is_post_contact
from leadflow.services.prediction.model_evaluation import (
    FileEvaluation,
    evaluate_file,
    evaluation_summary,
)
from tests.environment import SHARED_DATA, shared_data
from tests.factories import NOW

DATA = SHARED_DATA
X_EDUCATION = DATA / "x_education_leads" / "Leads.csv"
OLIST = DATA / "olist_marketing_funnel"
# Filled in by X Education's sales team after contact.
LEAKAGE = (
    "Tags", "Lead Quality", "Lead Profile", "Asymmetrique Activity Index",
    "Asymmetrique Profile Index", "Asymmetrique Activity Score", "Asymmetrique Profile Score",
    "Last Activity", "Last Notable Activity",
)  # fmt: skip


def need(path: Path) -> Path:
    return shared_data(str(path.relative_to(SHARED_DATA)))


@pytest.fixture(scope="module")
def x_education() -> FileEvaluation:
    return evaluate_file(need(X_EDUCATION), target="Converted", exclude=LEAKAGE, now=NOW)


@pytest.fixture(scope="module")
def olist_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """MQLs joined with their closed deals into one export, written for this test run only."""
    with need(OLIST / "olist_closed_deals_dataset.csv").open(encoding="utf-8") as deals:
        won = {deal["mql_id"] for deal in csv.DictReader(deals)}
    path = tmp_path_factory.mktemp("olist") / "olist_mqls.csv"
    with (
        need(OLIST / "olist_marketing_qualified_leads_dataset.csv").open(encoding="utf-8") as mqls,
        path.open("w", newline="", encoding="utf-8") as out,
    ):
        reader = csv.DictReader(mqls)
        writer = csv.DictWriter(out, [*(reader.fieldnames or []), "won"])
        writer.writeheader()
        writer.writerows({**mql, "won": int(mql["mql_id"] in won)} for mql in reader)
    yield path
    path.unlink()


@pytest.fixture(scope="module")
def olist(olist_file: Path) -> FileEvaluation:
    return evaluate_file(olist_file, target="won", time_column="first_contact_date", now=NOW)


def test_x_education_is_imported_whole_and_scored_from_pre_contact_fields_only(
    x_education: FileEvaluation,
) -> None:
    fields = x_education.report.spec.fields

    assert x_education.imported.stored == x_education.report.count == 9240
    assert not [name for name in fields if is_post_contact(name)]
    assert not [name for name in fields if name.removeprefix("extras.") in LEAKAGE]
    assert {"lead.source", "extras.Lead Origin", "extras.Specialization"} <= set(fields)
    assert set(x_education.report.spec.numeric) == {
        "extras.TotalVisits",
        "extras.Total Time Spent on Website",
        "extras.Page Views Per Visit",
    }


def test_x_education_best_model_reaches_a_five_fold_auc_of_0_87(
    x_education: FileEvaluation,
) -> None:
    report = x_education.report
    best = report.cross_validation[report.best]

    assert best.auc >= 0.87
    assert min(report.fold_aucs[report.best]) >= 0.85
    assert best.top20_share >= 0.4


def test_x_education_best_model_is_calibrated_no_worse_than_a_plain_logistic_regression(
    x_education: FileEvaluation,
) -> None:
    figures = x_education.report.cross_validation

    assert figures[x_education.report.best].brier <= figures["logistic_plain"].brier
    assert figures[x_education.report.best].brier < figures["prior"].brier
    assert figures["majority"].brier == pytest.approx(x_education.report.base_rate)


def test_olist_mql_to_won_from_origin_and_landing_page_reaches_an_auc_of_0_67(
    olist: FileEvaluation,
) -> None:
    report = olist.report
    best = report.cross_validation[report.best]

    assert set(report.spec.fields) == {"extras.origin", "extras.landing_page_id"}
    assert best.auc >= 0.67
    assert best.brier < report.cross_validation["prior"].brier


def test_olist_chosen_model_ranks_and_calibrates_its_newest_mqls_as_a_plain_regression(
    olist: FileEvaluation,
) -> None:
    newest = olist.report.time_split

    assert newest is not None
    assert newest[olist.report.best].auc >= newest["logistic_plain"].auc - AUC_TOLERANCE
    assert newest[olist.report.best].brier <= newest["logistic_plain"].brier
    assert olist.report.drift[0].field == "extras.landing_page_id"


def test_olist_is_also_validated_on_its_newest_mqls(olist: FileEvaluation) -> None:
    time_split = olist.report.time_split

    assert time_split is not None
    assert time_split["logistic"].count == 1600
    assert time_split["logistic"].auc > 0.6


def test_the_evaluation_reproduces_its_figures_with_a_fixed_seed(
    olist: FileEvaluation, olist_file: Path
) -> None:
    again = evaluate_file(olist_file, target="won", time_column="first_contact_date", now=NOW)

    assert evaluation_summary(again) == evaluation_summary(olist)


def test_a_logistic_score_on_real_leads_is_explained_by_factors_that_add_up(
    x_education: FileEvaluation,
) -> None:
    records, labels = x_education.records, x_education.labels
    model = LogisticModel(x_education.report.spec).fit(records[:8000], labels[:8000])
    leads = records[8000:8050]

    log_odds = model.log_odds(leads)

    for lead, expected in zip(leads, log_odds, strict=True):
        explanation = model.explain(lead, top=5)
        assert len(explanation.factors) == 5
        assert explanation.log_odds == pytest.approx(float(expected), abs=1e-12)
