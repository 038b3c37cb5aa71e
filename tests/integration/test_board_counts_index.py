"""The board's counts per stage are read from an index alone, never from the leads' rows."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.pipeline import Pipeline
from tests.factories import Tenant


def _statements_of_counts(db: Database, workspace_id: int, owner_id: int | None) -> list[str]:
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    with db.reading() as connection:
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            Pipeline(connection, workspace_id).counts(owner_id)
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        plans: list[str] = []
        for statement, parameters in seen:
            if statement.lstrip().upper().startswith("SELECT"):
                rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plans.extend(str(row[-1]) for row in rows)
    return plans


@pytest.mark.parametrize("mine", [False, True], ids=["all leads", "my leads"])
def test_the_board_counts_stages_from_a_covering_index(
    db: Database, tenant: Tenant, mine: bool
) -> None:
    if db.backend != "sqlite":
        pytest.skip("the query plan text is SQLite's")
    owner_id = next(iter(tenant.user_ids.values())) if mine else None
    plans = _statements_of_counts(db, tenant.id, owner_id)
    assert plans == [
        "SEARCH leads USING COVERING INDEX ix_leads_workspace_live_stage_owner "
        "(workspace_id=? AND merged_into_id=?)"
    ]


def test_the_board_counts_index_exists_on_both_databases(db: Database) -> None:
    with db.reading() as connection:
        if db.backend == "sqlite":
            found = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads'")
            )
        else:
            found = connection.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'leads'")
            )
        names = {row[0] for row in found}
    assert "ix_leads_workspace_live_stage_owner" in names
