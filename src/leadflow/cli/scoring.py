"""`leadflow score`: fit rules, scoring settings, a lead's scores, touches and the rescore."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.cli.context import WorkspaceOption, now, principal
from leadflow.cli.database_scope import command_database
from leadflow.cli.errors import guarded
from leadflow.domain.engagement import TouchType
from leadflow.domain.errors import InvalidInput
from leadflow.domain.scoring import dump_fit_rules
from leadflow.services.intake.touches import record_touch
from leadflow.services.scores.rescore import rescore_workspace
from leadflow.services.scores.scoring import lead_score
from leadflow.services.scores.scoring_settings import (
    current_fit_rules,
    current_scoring_settings,
    set_fit_rules,
    set_scoring_settings,
    settings_as_dict,
)

console = Console()
score_app = typer.Typer(help="Fit rules, engagement settings, MQL threshold and rescoring.")

ByOption = Annotated[
    str | None, typer.Option("--by", help="Act as this user (default: workspace operator).")
]


@score_app.command("rules")
@guarded
def score_rules(
    workspace: WorkspaceOption,
    set_file: Annotated[
        Path | None, typer.Option("--set", help="Store the fit rules of this TOML file.")
    ] = None,
    by: ByOption = None,
) -> None:
    """Print the workspace's fit rules as TOML, or store new ones with --set."""
    with command_database() as db:
        actor = principal(db, workspace, by)
        if set_file is not None:
            with unit_of_work(db, actor.workspace_id) as uow:
                stored = set_fit_rules(
                    uow, set_file.read_text(encoding="utf-8"), by=actor, now=now()
                )
            console.print(
                f"stored {len(stored.ruleset.rules)} fit rules as version {stored.version}; "
                f"run `leadflow score rescore --workspace {workspace}` to apply them to every lead"
            )
            return
        with reading(db, actor.workspace_id) as uow:
            current = current_fit_rules(uow)
        if current.version is None:
            console.print("# no fit rules yet: every lead scores 0")
            return
        print(f"# version {current.version}\n{dump_fit_rules(current.ruleset)}")


@score_app.command("settings")
@guarded
def score_settings(
    workspace: WorkspaceOption,
    half_life_days: Annotated[float | None, typer.Option(help="Engagement half-life.")] = None,
    hot_from: Annotated[float | None, typer.Option(help="Engagement of band 1 (hot).")] = None,
    warm_from: Annotated[float | None, typer.Option(help="Engagement of band 2 (warm).")] = None,
    points: Annotated[
        list[str] | None, typer.Option("--points", help="TYPE=N, e.g. download=15; repeatable.")
    ] = None,
    mql_min_fit: Annotated[int | None, typer.Option(help="MQL threshold: fit at least.")] = None,
    mql_min_engagement: Annotated[
        float | None, typer.Option(help="MQL threshold: engagement at least.")
    ] = None,
    no_threshold: Annotated[
        bool, typer.Option("--no-threshold", help="Remove the MQL threshold.")
    ] = False,
    by: ByOption = None,
) -> None:
    """Show the scoring settings, or change the ones given."""
    changes: dict[str, object] = {
        key: value
        for key, value in {
            "half_life_days": half_life_days,
            "hot_from": hot_from,
            "warm_from": warm_from,
            "mql_min_fit": mql_min_fit,
            "mql_min_engagement": mql_min_engagement,
        }.items()
        if value is not None
    }
    if points:
        changes["points"] = dict(_points(pair) for pair in points)
    if no_threshold:
        changes.update(mql_min_fit=None, mql_min_engagement=None)
    with command_database() as db:
        actor = principal(db, workspace, by)
        if changes:
            with unit_of_work(db, actor.workspace_id) as uow:
                settings = set_scoring_settings(uow, changes, by=actor)
        else:
            with reading(db, actor.workspace_id) as uow:
                settings = current_scoring_settings(uow)
        print(json.dumps(settings_as_dict(settings), indent=2))


@score_app.command("show")
@guarded
def score_show(
    lead_id: int,
    workspace: WorkspaceOption,
    at: Annotated[str | None, typer.Option(help="Engagement as it stood then (ISO time).")] = None,
) -> None:
    """A lead's fit score with its reasons, engagement, matrix cell and threshold."""
    with command_database() as db:
        actor = principal(db, workspace, None)
        moment = _moment(at) if at else now()
        with reading(db, actor.workspace_id) as uow:
            score = lead_score(uow, lead_id, at=moment)
        console.print(
            f"lead {lead_id}: fit {score.fit.points}, engagement {score.engagement:.1f} "
            f"at {moment:%Y-%m-%d %H:%M} UTC, cell {score.matrix_cell}, stage {score.stage}"
        )
        for reason in score.fit.reasons:
            console.print(f"  {reason}")
        if not score.fit_rules_current:
            console.print("  (scored with older rules: a rescore is due)")
        if score.threshold is not None:
            reached = "reached" if score.reaches_threshold else "not reached"
            console.print(
                f"MQL threshold fit >= {score.threshold.min_fit} and engagement >= "
                f"{score.threshold.min_engagement:g}: {reached}"
            )


@score_app.command("touch")
@guarded
def score_touch(
    lead_id: int,
    workspace: WorkspaceOption,
    kind: Annotated[TouchType, typer.Option("--type", help="What happened.")],
    at: Annotated[str | None, typer.Option(help="When (ISO time; default now).")] = None,
    campaign: Annotated[int | None, typer.Option(help="Campaign id.")] = None,
    asks_for_contact: Annotated[
        bool, typer.Option(help="A submitted form that asks sales to get in touch.")
    ] = False,
    by: ByOption = None,
) -> None:
    """Record a touch on a lead and print its engagement (and an automatic move to mql)."""
    with command_database() as db:
        actor = principal(db, workspace, by)
        current = now()
        with unit_of_work(db, actor.workspace_id) as uow:
            recorded = record_touch(
                uow,
                lead_id,
                kind,
                _moment(at) if at else current,
                by=actor,
                now=current,
                campaign_id=campaign,
                asks_for_contact=asks_for_contact,
            )
        moved = "moved to mql: " if recorded.moved_to_mql else ""
        console.print(
            f"touch {recorded.touch_id}: engagement {recorded.engagement:.1f}, stage "
            f"{recorded.stage} ({moved}{recorded.decision})"
        )


@score_app.command("rescore")
@guarded
def score_rescore(workspace: WorkspaceOption, by: ByOption = None) -> None:
    """Score every lead of the workspace with its current fit rules."""
    with command_database() as db:
        actor = principal(db, workspace, by)
        table = Table("leads", "rules version", "moved to mql")
        result = rescore_workspace(
            db,
            actor.workspace_id,
            by=actor,
            now=now(),
            progress=lambda done, total: console.print(f"{done}/{total} leads scored"),
        )
        table.add_row(str(result.leads), str(result.rules_version or "-"), str(result.moved_to_mql))
        console.print(table)


def _points(pair: str) -> tuple[str, float]:
    kind, _, value = pair.partition("=")
    try:
        return TouchType(kind.strip()).value, float(value)
    except ValueError as error:
        raise InvalidInput(
            f"--points {pair!r}: use TYPE=N with a type among {', '.join(TouchType)}",
            field="points",
        ) from error


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(f"{text!r} is not an ISO time", field="at") from error
    if moment.tzinfo is None:
        raise InvalidInput(f"{text!r} needs a time zone, e.g. +01:00 or Z", field="at")
    return moment
