"""A unit of work reads the workspace's settings once, however many rules consult them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import unit_of_work
from leadflow.domain.stages import Role, Stage
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.intake.leads import create_lead
from tests.factories import NOW, Tenant, sales_users
from tests.integration.automation_support import routing, scoring


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def remember(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def _settings_reads(statements: list[str]) -> int:
    return sum(
        1 for sql in statements if "workspaces.config" in sql and sql.lstrip().startswith("SELECT")
    )


def test_creating_an_mql_reads_the_workspace_settings_once(db: Database, tenant: Tenant) -> None:
    [anna] = sales_users(db, tenant, "anna")
    routing(
        db, tenant, f'default_team = "T"\n[[team]]\nname = "T"\nmembers = [{{ user = {anna} }}]\n'
    )
    scoring(db, tenant, mql_min_fit=10, mql_min_engagement=5)
    data = LeadInput(email="anna@werk.de", last_name="Schmidt", company="Werk", stage=Stage.MQL)

    with _statements(db) as statements, unit_of_work(db, tenant.id) as uow:
        created = create_lead(uow, data, by=tenant.principal(Role.MARKETING), now=NOW)

    assert created.details.lead.owner_id == anna
    assert _settings_reads(statements) == 1


def test_a_setting_changed_in_a_unit_of_work_is_what_it_reads_next(
    db: Database, tenant: Tenant
) -> None:
    with unit_of_work(db, tenant.id) as uow:
        config = uow.directory.workspace_config(tenant.id)
        config["language"] = "de"
        untouched = uow.directory.workspace_config(tenant.id)
        uow.directory.set_workspace_config(tenant.id, config)
        changed = uow.directory.workspace_config(tenant.id)

    assert "language" not in untouched
    assert changed["language"] == "de"
