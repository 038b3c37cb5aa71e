"""Predictive scoring commands: train, score, explain, configure, evaluate a file."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.adapters.ml.drift import FieldDrift
from leadflow.cli.context import WorkspaceOption, database, now, principal
from leadflow.cli.errors import guarded
from leadflow.domain.factor_text import factor_text
from leadflow.domain.principal import Principal
from leadflow.services.prediction.model_evaluation import (
    FileEvaluation,
    evaluate_file,
    evaluation_summary,
)
from leadflow.services.prediction.model_monitoring import (
    ModelStatus,
    model_status,
    retrain_when_needed,
    status_summary,
)
from leadflow.services.prediction.prediction_views import configure_predictive, lead_prediction
from leadflow.services.prediction.predictive import train_workspace
from leadflow.services.prediction.predictive_scoring import (
    MAX_WORKERS,
    default_workers,
    score_workspace,
)

console = Console()
model_app = typer.Typer(help="Predictive lead scoring: P(sql) and P(won) learned per workspace.")


@contextmanager
def _acting_in(workspace: str) -> Iterator[tuple[Database, Principal]]:
    """The database and the workspace's operator; the connections are closed afterwards."""
    db = database()
    try:
        yield db, principal(db, workspace, None)
    finally:
        db.dispose()


@model_app.command("train")
@guarded
def model_train(workspace: WorkspaceOption) -> None:
    """Train the workspace's models (sql and won) on its own closed leads."""
    with _acting_in(workspace) as (db, actor):
        models = train_workspace(db, actor.workspace_id, by=actor, now=now())
    for model in models:
        console.print(
            f"[bold]{model.target}[/bold]: {model.model_name} from {model.training_size} closed "
            f"leads ({model.positives} reached {model.target}); {model.reason}",
            highlight=False,
        )


@model_app.command("score")
@guarded
def model_score(
    workspace: WorkspaceOption,
    batch_size: Annotated[int, typer.Option(help="Leads per write batch.", min=100)] = 25_000,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Processes that score batches side by side [default: one per CPU core].",
            min=1,
            max=MAX_WORKERS,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Score every open lead of the workspace with its current models."""
    with _acting_in(workspace) as (db, actor):
        run = score_workspace(
            db,
            actor.workspace_id,
            by=actor,
            now=now(),
            batch_size=batch_size,
            workers=workers or default_workers(),
        )
    console.print(f"scored {run.scored} open leads in {run.batches} write batches")


@model_app.command("status")
@guarded
def model_status_command(
    workspace: WorkspaceOption,
    retrain: Annotated[
        bool, typer.Option(help="Queue a training job if drift or calibration calls for one.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """How the current models hold up: drift of each field since training, calibration on the
    leads closed since (last 90 days), and whether to retrain."""
    with _acting_in(workspace) as (db, actor):
        if retrain:
            statuses, job = retrain_when_needed(db, actor.workspace_id, by=actor, now=now())
        else:
            with reading(db, actor.workspace_id) as uow:
                statuses, job = model_status(uow, now=now()), None
    if as_json:
        document = {"models": [status_summary(s) for s in statuses], "job_id": job and job.id}
        typer.echo(json.dumps(document, indent=2, default=str))
        return
    if not statuses:
        console.print("no model trained yet: leadflow model train")
    for status in statuses:
        _print_status(status)
    if job is not None:
        console.print(f"queued training job {job.id} (leadflow worker runs it)", highlight=False)


def _print_status(status: ModelStatus) -> None:
    model = status.model
    console.print(
        f"[bold]{model.target}[/bold]: {model.model_name}, trained {model.trained_at:%Y-%m-%d} "
        f"on {model.training_size} closed leads; {status.new_leads} leads arrived since",
        highlight=False,
    )
    _print_drift(status.drift, "training window against the leads arrived since")
    calibration = status.calibration
    if calibration is None:
        console.print("  no lead closed since training (last 90 days)")
    else:
        expected = (
            f" (validated: {calibration.validated_brier:.4f})"
            if calibration.validated_brier is not None
            else ""
        )
        console.print(
            f"  {calibration.count} leads closed since training ({calibration.won} won), "
            f"Brier {calibration.brier:.4f}{expected}",
            highlight=False,
        )
        table = Table("decile", "leads", "mean score", "converted", title="reliability by decile")
        for index, row in enumerate(calibration.deciles, start=1):
            table.add_row(
                str(index), str(row.count), f"{row.mean_predicted or 0:.3f}",
                f"{row.observed_rate or 0:.3f}",
            )  # fmt: skip
        console.print(table)
    for reason in status.retrain_because:
        console.print(f"  retrain: {reason}", highlight=False)


@model_app.command("explain")
@guarded
def model_explain(
    lead_id: int,
    workspace: WorkspaceOption,
    top: Annotated[int, typer.Option(help="How many factors to show.", min=1, max=50)] = 5,
) -> None:
    """Print a lead's probability of reaching sql and won, and the factors behind each."""
    with _acting_in(workspace) as (db, actor), reading(db, actor.workspace_id) as uow:
        prediction = lead_prediction(uow, lead_id, top=top)
    for item in prediction.predictions:
        model, explanation = item.model, item.explanation
        console.print(
            f"[bold]lead {lead_id}: P({item.target}) = {item.probability:.1%}[/bold] "
            f"({model.model_name}, trained {model.trained_at:%Y-%m-%d} on "
            f"{model.training_size} closed leads)",
            highlight=False,
        )
        for factor in explanation.factors:
            console.print(f"  {factor_text(factor)}", highlight=False, markup=False)
        parts = [f"{explanation.base:+.3f} base"]
        parts += [f"{factor.contribution:+.3f}" for factor in explanation.factors]
        parts += [f"{explanation.rest:+.3f} other factors"] if explanation.rest else []
        console.print(
            f"  log-odds: {' '.join(parts)} = {explanation.log_odds:+.3f}", highlight=False
        )


@model_app.command("configure")
@guarded
def model_configure(
    workspace: WorkspaceOption,
    nurture_days: Annotated[
        int | None, typer.Option(help="Days in nurture after which a lead counts as lost.")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option(help="A field models must never read; repeatable.")
    ] = None,
    clear_exclude: Annotated[bool, typer.Option(help="Forget every excluded field.")] = False,
    pool: Annotated[
        bool | None,
        typer.Option(
            "--pool/--no-pool",
            help="Share closed leads' fit, engagement and outcomes with the installation's other "
            "sharing workspaces, and start from their pooled model while history is small.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Set when a nurtured lead counts as lost and which fields the models never read."""
    with _acting_in(workspace) as (db, actor):
        settings = in_unit_of_work(
            db,
            actor.workspace_id,
            lambda uow: configure_predictive(
                uow,
                by=actor,
                nurture_days=nurture_days,
                exclude=[] if clear_exclude else exclude,
                pool=pool,
            ),
        )
    excluded = ", ".join(settings.exclude) or "none"
    shared = "shared with the pool" if settings.pool else "not shared"
    console.print(
        f"nurture age {settings.nurture_days} days; excluded fields: {excluded}; history {shared}"
    )


@model_app.command("evaluate")
@guarded
def model_evaluate(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX export of past leads.")],
    target: Annotated[str, typer.Option(help="Column that says whether a lead converted.")],
    positive: Annotated[
        str | None, typer.Option(help="The target value that means converted (default: yes/1).")
    ] = None,
    time_column: Annotated[
        str | None, typer.Option(help="Column with the lead's date: adds a time-ordered split.")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option(help="A column to leave out entirely; repeatable.")
    ] = None,
    preset: Annotated[
        str | None, typer.Option(help="Import preset: salesforce, hubspot or generic.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the cross-validation folds.")] = 0,
    database_url: Annotated[
        str | None,
        typer.Option("--database", help="Import into this database (default: a temporary one)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """How well would leadflow score this history? AUC, Brier, top-20 % share per model."""
    evaluation = evaluate_file(
        file,
        target=target,
        positive=positive,
        time_column=time_column,
        exclude=exclude or [],
        preset=preset,
        seed=seed,
        database_url=database_url,
        now=now(),
    )
    if as_json:
        typer.echo(json.dumps(evaluation_summary(evaluation), indent=2))
        return
    _print_evaluation(evaluation)


def _print_evaluation(evaluation: FileEvaluation) -> None:
    report, imported = evaluation.report, evaluation.imported
    console.print(
        f"{evaluation.file}: {imported.rows} rows, {imported.stored} imported as leads, "
        f"{len({error.row for error in imported.rejected})} rejected, "
        f"{imported.merged} merged as duplicates; {report.count} leads evaluated, "
        f"{report.base_rate:.1%} converted",
        highlight=False,
    )
    console.print("features: " + ", ".join(report.spec.fields), highlight=False)
    console.print(
        f"best (what training would deploy): {report.best}; {report.reason}", highlight=False
    )
    newest = "by time" if evaluation.time_column else "the last 20 % of the file"
    for title, figures in (
        ("5-fold cross-validation", report.cross_validation),
        (f"trained on the older 80 %, tested on the newest 20 % ({newest})", report.time_split),
    ):
        if figures is None:
            continue
        table = Table("model", "AUC", "Brier", "top-20 % share", title=title)
        for name, scores in figures.items():
            table.add_row(
                name, f"{scores.auc:.4f}", f"{scores.brier:.4f}", f"{scores.top20_share:.3f}"
            )
        console.print(table)
        reliability = Table(
            "scores", "leads", "mean score", "converted", title=f"reliability of {report.best}"
        )
        for row in figures[report.best].reliability:
            reliability.add_row(
                f"{row.lower:.1f}-{row.upper:.1f}",
                str(row.count),
                "" if row.mean_predicted is None else f"{row.mean_predicted:.3f}",
                "" if row.observed_rate is None else f"{row.observed_rate:.3f}",
            )
        console.print(reliability)
    _print_drift(report.drift, "older 80 % against the newest 20 %")


def _print_drift(drifts: Sequence[FieldDrift], between: str) -> None:
    table = Table("field", "PSI", "shift", title=f"drift of each field ({between})")
    for drift in drifts:
        table.add_row(drift.field, f"{drift.psi:.3f}", drift.level)
    console.print(table)
