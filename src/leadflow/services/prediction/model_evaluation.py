"""How well would leadflow score my own history? A file of past leads, evaluated.

The file goes through the import into a scratch workspace: a temporary SQLite database unless
another database is named (then the workspace is removed afterwards). The records come from
the stored leads through the same reader that trains a workspace's models, and every model is
evaluated by 5-fold cross-validation and on the newest fifth of leads (by the time column, or
in the file's order without one, which is the order a workspace importing the file would train
in). The best model is the one that workspace would deploy (adapters/ml/selection.py).
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.lead_features import read_leads
from leadflow.adapters.db.scratch_workspace import drop_workspace
from leadflow.adapters.importing import MappingFile
from leadflow.adapters.importing.mapping_file import EXTRA, IGNORE
from leadflow.adapters.ml import EvaluationReport, evaluate
from leadflow.adapters.ml.metrics import Scores
from leadflow.domain.errors import InvalidInput
from leadflow.domain.factor_text import EXTRAS_PREFIX
from leadflow.domain.predictive import Record, Value, infer_spec
from leadflow.services.imports.past_leads import ImportedFile, file_headers, import_past_leads
from leadflow.services.workspaces.directory import create_workspace

TRUE_VALUES = frozenset({"1", "true", "yes", "y", "ja", "j", "x", "won", "converted", "wahr"})
FALSE_VALUES = frozenset({"0", "false", "no", "n", "nein", "lost", "falsch"})
IMPORT_PATH = "leadflow import (services/importer.run_import) into a scratch workspace"


@dataclass(frozen=True)
class FileEvaluation:
    """An evaluation of a file: how its rows were imported and what every model scored."""

    file: str
    target: str
    positive: str | None
    time_column: str | None
    excluded: tuple[str, ...]
    seed: int
    imported: ImportedFile
    report: EvaluationReport
    records: Sequence[Record] = field(repr=False, default=())
    labels: Sequence[bool] = field(repr=False, default=())


def evaluate_file(
    path: Path,
    *,
    target: str,
    positive: str | None = None,
    time_column: str | None = None,
    exclude: Sequence[str] = (),
    preset: str | None = None,
    seed: int = 0,
    database_url: str | None = None,
    now: datetime,
) -> FileEvaluation:
    """Import a file of past leads into a scratch workspace and evaluate every model on it."""
    _check_columns(path, target, time_column, exclude)
    columns = {target: EXTRA, **dict.fromkeys(exclude, IGNORE)}
    if time_column:
        columns[time_column] = "created_at"
    overrides = MappingFile("evaluation", None, columns)
    with _scratch_database(database_url) as db:
        slug = f"evaluation-{secrets.token_hex(4)}"
        workspace = create_workspace(db, slug, f"Evaluation of {path.name}", now=now)
        assert workspace.id is not None
        try:
            imported = import_past_leads(
                db,
                workspace.id,
                path,
                overrides=overrides,
                preset=preset,
                required=[time_column] if time_column else [],
                now=now,
            )
            with db.reading() as connection:
                stored = read_leads(connection, workspace.id)
        finally:
            if database_url is not None:
                with db.transaction() as connection:
                    drop_workspace(connection, workspace.id)
    if len(stored.ids) < 10:
        raise InvalidInput(f"{path.name}: only {len(stored.ids)} leads could be imported")
    target_field = EXTRAS_PREFIX + target
    labels = outcomes(stored.records.column(target_field), target, positive)
    # Cross-validation picks records one by one: dictionaries serve that better than columns.
    records = list(stored.records.without([target_field]))
    spec = infer_spec(records, exclude=(target, *exclude))
    times = stored.created_at if time_column else None
    report = evaluate(records, labels, times, seed, spec=spec)
    return FileEvaluation(
        path.name, target, positive, time_column, tuple(exclude), seed, imported, report,
        records, labels,
    )  # fmt: skip


def outcomes(values: Sequence[Value], column: str, positive: str | None) -> list[bool]:
    """Each lead's outcome from the target column: its positive value, or a yes/no word."""
    texts = [str(value).strip().casefold() if value is not None else "" for value in values]
    if positive is not None:
        wanted = positive.strip().casefold()
        labels = [text == wanted for text in texts]
    else:
        unknown = sorted(
            {text for text in texts if text and text not in TRUE_VALUES | FALSE_VALUES}
        )
        if unknown:
            shown = ", ".join(repr(text) for text in unknown[:5])
            raise InvalidInput(
                f"column '{column}' holds values that are not yes or no ({shown}); "
                "name the value that means converted with --positive",
                field="positive",
            )
        labels = [text in TRUE_VALUES for text in texts]
    if all(labels) or not any(labels):
        raise InvalidInput(
            f"column '{column}' needs both converted and not converted leads to evaluate",
            field="target",
        )
    return labels


def _check_columns(
    path: Path, target: str, time_column: str | None, exclude: Sequence[str]
) -> None:
    headers = file_headers(path)
    named = [("--target", target)] + [("--time-column", time_column)] * bool(time_column)
    named += [("--exclude", column) for column in exclude]
    for option, column in named:
        if column not in headers:
            raise InvalidInput(
                f"{path.name} has no column '{column}' ({option}); its columns are: "
                + ", ".join(headers),
                field=option.removeprefix("--"),
            )
    if target in exclude or target == time_column:
        raise InvalidInput(f"the target column '{target}' cannot also be excluded or the time")


@contextmanager
def _scratch_database(url: str | None) -> Iterator[Database]:
    if url is not None:
        db = Database(url)
        try:
            db.upgrade()
            yield db
        finally:
            db.dispose()
        return
    with tempfile.TemporaryDirectory(prefix="leadflow-evaluation-") as folder:
        db = Database(f"sqlite:///{Path(folder) / 'scratch.db'}")
        try:
            db.upgrade()
            yield db
        finally:
            db.dispose()


def evaluation_summary(evaluation: FileEvaluation) -> dict[str, object]:
    """The evaluation as plain data (for --json): import counts, features and every figure."""
    report = evaluation.report
    imported = evaluation.imported
    return {
        "file": evaluation.file,
        "target": evaluation.target,
        "positive": evaluation.positive,
        "time_column": evaluation.time_column,
        "excluded": list(evaluation.excluded),
        "seed": evaluation.seed,
        "import": {
            "path": IMPORT_PATH,
            "rows": imported.rows,
            "stored": imported.stored,
            "rejected_rows": len({error.row for error in imported.rejected}),
            "merged_duplicates": imported.merged,
            "first_rejections": [str(error) for error in imported.rejected[:20]],
        },
        "leads": report.count,
        "base_rate": report.base_rate,
        "features": {
            "categorical": list(report.spec.categorical),
            "numeric": list(report.spec.numeric),
        },
        "best": report.best,
        "chosen_because": report.reason,
        "order": "time column" if evaluation.time_column else "file order",
        "drift": [
            {"field": drift.field, "psi": drift.psi, "level": drift.level} for drift in report.drift
        ],
        "cross_validation": {
            name: {**_scores(scores), "fold_aucs": list(report.fold_aucs[name])}
            for name, scores in report.cross_validation.items()
        },
        "time_split": (
            {name: _scores(scores) for name, scores in report.time_split.items()}
            if report.time_split is not None
            else None
        ),
    }


def _scores(scores: Scores) -> dict[str, object]:
    return {
        "auc": scores.auc,
        "brier": scores.brier,
        "top20_share": scores.top20_share,
        "count": scores.count,
        "reliability": [
            {
                "lower": row.lower,
                "upper": row.upper,
                "count": row.count,
                "mean_predicted": row.mean_predicted,
                "observed_rate": row.observed_rate,
            }
            for row in scores.reliability
        ],
    }
