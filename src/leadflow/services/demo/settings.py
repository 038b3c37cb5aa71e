"""The demo workspaces' rules: fit scoring, hand-over SLA and routing, as a team would set them."""

from __future__ import annotations

from datetime import datetime

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.handover.routing import set_routing_rules
from leadflow.services.handover.sla_settings import set_sla_settings
from leadflow.services.scores.scoring_settings import set_fit_rules


def fit_rules(industries: tuple[str, ...]) -> str:
    listed = ", ".join(f'"{industry}"' for industry in industries)
    return f"""\
[[rule]]
field = "account.industry"
op = "in"
value = [{listed}]
points = 25
label = "Zielbranche"

[[rule]]
field = "account.employees"
op = "range"
min = 100
max = 5000
points = 15
label = "Unternehmensgröße 100-5000"

[[rule]]
field = "contact.seniority"
op = "in"
value = ["c_level", "director"]
points = 20
label = "Entscheiderebene"

[[rule]]
field = "contact.job_title"
op = "contains"
value = "Werkstudent"
points = -30
label = "Werkstudent"

[[rule]]
field = "contact.email_free_mail"
op = "equals"
value = true
points = -10
label = "Freemail-Adresse"
"""


def routing_rules(sales: list[int]) -> str:
    south, north, west = sales
    return f"""\
default_team = "Innendienst"

[[team]]
name = "Süd"
members = [{{ user = {south}, weight = 2 }}, {{ user = {west} }}]

[[team]]
name = "Nord"
members = [{{ user = {north} }}]

[[team]]
name = "Innendienst"
members = [{{ user = {south} }}, {{ user = {north} }}, {{ user = {west} }}]

[[rule]]
type = "account_owner"

[[rule]]
label = "Süddeutschland"
postal_codes = ["6", "7", "8", "9"]
team = "Süd"

[[rule]]
label = "Norddeutschland"
postal_codes = ["1", "2", "3"]
team = "Nord"
"""


def sla_settings(bundesland: str) -> str:
    return f"""\
accept_within_hours = 8
recycle_after_hours = 40
bundesland = "{bundesland}"
"""


def configure_demo_workspace(
    uow: UnitOfWork,
    *,
    industries: tuple[str, ...],
    bundesland: str,
    sales: list[int],
    now: datetime,
) -> None:
    """Store the fit rules, SLA settings and routing rules of a demo workspace."""
    admin = Principal(uow.workspace_id, Actor.ADMIN)
    set_fit_rules(uow, fit_rules(industries), by=admin, now=now)
    set_sla_settings(uow, sla_settings(bundesland), by=admin)
    set_routing_rules(uow, routing_rules(sales), by=admin)
