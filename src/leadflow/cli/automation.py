"""Commands for scoring, the hand-over SLA, routing, webhooks and the worker."""

from __future__ import annotations

import typer

from leadflow.cli.handover import sla_app
from leadflow.cli.routing import route, routing_app
from leadflow.cli.scoring import score_app
from leadflow.cli.webhooks import webhook_app, worker


def register(app: typer.Typer) -> None:
    """Add the commands to the `leadflow` app."""
    app.add_typer(score_app, name="score")
    app.add_typer(sla_app, name="sla")
    app.add_typer(routing_app, name="routing")
    app.add_typer(webhook_app, name="webhook")
    app.command("route")(route)
    app.command("worker")(worker)
