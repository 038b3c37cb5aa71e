"""`leadflow model`: train, score, explain, configure, and evaluate an exported file."""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.directory import Directory
from leadflow.cli.main import app
from tests.factories import NOW, Tenant
from tests.integration.predictive_history import History, add_history

LEAKY = "Sales notes"


def _run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A CRM export of 400 past leads; 'Tags' and 'Sales notes' were written after contact."""
    rng = random.Random(11)
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            ["Lead ID", "Lead Source", "Budget answer", "Tags", LEAKY, "Created", "Deal Status"]
        )
        for index in range(400):
            source = rng.choice(["Webinar", "Messe", "Google Ads", "Newsletter"])
            budget = rng.choice(["< 10k", "10k-50k", "> 50k", ""])
            chance = 0.15 + 0.35 * (source == "Webinar") + 0.2 * (budget == "> 50k")
            won = rng.random() < chance
            created = date(2025, 1, 1) + timedelta(days=index // 2)
            writer.writerow(
                [f"L-{index}", source, budget, "hot" if won else "cold",
                 "Vertrag" if won else "kein Bedarf", created.strftime("%d.%m.%Y"),
                 "Closed Won" if won else "Closed Lost"]
            )  # fmt: skip
    return path


def _evaluate(cli: CliRunner, export: Path, *extra: str) -> dict[str, object]:
    output = _run(
        cli, "model", "evaluate", str(export), "--target", "Deal Status",
        "--positive", "Closed Won", "--json", *extra,
    )  # fmt: skip
    summary: dict[str, object] = json.loads(output)
    return summary


def _features(summary: dict[str, object]) -> list[str]:
    features = summary["features"]
    assert isinstance(features, dict)
    return [*features["categorical"], *features["numeric"]]


def test_evaluate_imports_the_export_and_reports_every_model(cli: CliRunner, export: Path) -> None:
    summary = _evaluate(cli, export, "--exclude", LEAKY, "--time-column", "Created")

    assert summary["leads"] == 400
    assert summary["import"] == {
        "path": "leadflow import (services/importer.run_import) into a scratch workspace",
        "rows": 400,
        "stored": 400,
        "rejected_rows": 0,
        "merged_duplicates": 0,
        "first_rejections": [],
    }
    figures = summary["cross_validation"]
    assert isinstance(figures, dict)
    assert set(figures) == {
        "prior", "naive_bayes", "logistic", "logistic_plain", "logistic_robust", "majority",
        "cold_start",
    }  # fmt: skip
    assert 0.6 < figures["logistic"]["auc"] < 0.9
    assert len(figures["logistic"]["reliability"]) == 10
    time_split = summary["time_split"]
    assert isinstance(time_split, dict)
    assert time_split["logistic"]["count"] == 80
    assert summary["best"] in figures and summary["best"] != "majority"
    assert "on the newest 80 of 400 closed leads" in str(summary["chosen_because"])
    drift = summary["drift"]
    assert isinstance(drift, list) and {item["field"] for item in drift} >= {"lead.source"}


def test_evaluate_never_lets_a_leaky_or_excluded_column_into_the_features(
    cli: CliRunner, export: Path
) -> None:
    excluded = _evaluate(cli, export, "--exclude", LEAKY)
    not_excluded = _evaluate(cli, export)

    assert _features(excluded) == ["lead.source", "extras.Budget answer"]
    assert "extras.Tags" not in _features(not_excluded)
    assert f"extras.{LEAKY}" in _features(not_excluded)  # only the user knows this one leaks


def test_evaluate_reproduces_its_figures_with_the_same_seed(cli: CliRunner, export: Path) -> None:
    first = _evaluate(cli, export, "--seed", "3")

    again = _evaluate(cli, export, "--seed", "3")
    other_seed = _evaluate(cli, export, "--seed", "4")

    assert again == first
    assert other_seed["cross_validation"] != first["cross_validation"]


def test_evaluate_can_use_the_configured_database_and_leaves_no_workspace_behind(
    cli: CliRunner, export: Path, database_url: str, db: Database
) -> None:
    in_temporary = _evaluate(cli, export, "--exclude", LEAKY)

    in_database = _evaluate(cli, export, "--exclude", LEAKY, "--database", database_url)

    assert in_database == in_temporary
    with db.reading() as connection:
        assert [w.slug for w in Directory(connection).all_workspaces()] == []


def test_evaluate_names_a_missing_column_and_the_columns_there_are(
    cli: CliRunner, export: Path
) -> None:
    output = _run(cli, "model", "evaluate", str(export), "--target", "Converted", code=2)

    assert "has no column 'Converted'" in output
    assert "Deal Status" in output


def test_evaluate_asks_for_the_positive_value_when_the_target_is_not_yes_or_no(
    cli: CliRunner, export: Path
) -> None:
    output = _run(cli, "model", "evaluate", str(export), "--target", "Deal Status", code=2)

    assert "--positive" in output


@pytest.fixture
def trained(cli: CliRunner, db: Database, tenant: Tenant) -> History:
    history = add_history(db, tenant.id, NOW, closed=60, open_count=5)
    _run(cli, "model", "train", "--workspace", tenant.slug)
    return history


def test_train_score_and_explain_a_lead(cli: CliRunner, tenant: Tenant, trained: History) -> None:
    scored = _run(cli, "model", "score", "--workspace", tenant.slug)
    output = _run(
        cli, "model", "explain", str(trained.open_ids[0]), "--workspace", tenant.slug,
        "--top", "3",
    )  # fmt: skip

    assert "scored" in scored
    assert f"lead {trained.open_ids[0]}: P(sql) = " in output
    assert "P(won) = " in output
    assert "log-odds:" in output
    assert any(line.strip().startswith(("+ ", "- ")) for line in output.splitlines())


def test_configure_sets_the_nurture_age_and_excluded_fields(cli: CliRunner, tenant: Tenant) -> None:
    output = _run(
        cli, "model", "configure", "--workspace", tenant.slug, "--nurture-days", "120",
        "--exclude", "Budget band",
    )  # fmt: skip
    cleared = _run(cli, "model", "configure", "--workspace", tenant.slug, "--clear-exclude")

    assert "nurture age 120 days; excluded fields: Budget band" in output
    assert "nurture age 120 days; excluded fields: none" in cleared


def test_explaining_before_training_exits_with_not_found(
    cli: CliRunner, db: Database, tenant: Tenant
) -> None:
    lead_id = add_history(db, tenant.id, NOW, closed=0, open_count=1).open_ids[0]

    output = _run(cli, "model", "explain", str(lead_id), "--workspace", tenant.slug, code=3)

    assert "train one first" in output
