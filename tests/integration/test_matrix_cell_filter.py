"""The lead list filtered by a cell of the grade x engagement matrix, with the workspace's own
engagement bands: the same cell the lead page shows for each lead."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.lead_listing import ListFilter
from leadflow.adapters.db.tables import leads
from leadflow.adapters.db.uow import in_unit_of_work, reading
from leadflow.domain.engagement import TouchType
from leadflow.domain.errors import InvalidInput
from leadflow.domain.stages import Role
from leadflow.services.intake.touches import record_touch
from leadflow.services.scores.scoring import lead_score
from leadflow.services.views.lead_views import lead_list_view
from tests.factories import NOW, Tenant, new_lead
from tests.integration.automation_support import scoring


def _lead(db: Database, tenant: Tenant, email: str, grade: str | None, forms: int) -> int:
    lead_id = new_lead(db, tenant, email=email)
    by = tenant.principal(Role.MARKETING)
    for _ in range(forms):
        in_unit_of_work(
            db,
            tenant.id,
            lambda uow: record_touch(uow, lead_id, TouchType.FORM_SUBMITTED, NOW, by=by, now=NOW),
        )
    with db.transaction(tenant.id) as connection:
        connection.execute(update(leads).where(leads.c.id == lead_id).values(grade=grade))
    return lead_id


def _cell(db: Database, tenant: Tenant, cell: str) -> set[int]:
    with reading(db, tenant.id) as uow:
        view = lead_list_view(
            uow, ListFilter(), sort="newest", after=None, before=None, limit=50, cell=cell
        )
    return {row.id for row in view.page.rows}


def test_each_cell_holds_the_leads_the_lead_page_places_in_it(db: Database, tenant: Tenant) -> None:
    scoring(db, tenant, hot_from=50.0, warm_from=20.0)
    hot_a = _lead(db, tenant, "a@werk.de", "A", forms=2)
    warm_b = _lead(db, tenant, "b@werk.de", "B", forms=1)
    ungraded_cold = _lead(db, tenant, "c@werk.de", None, forms=0)
    graded_c_hot = _lead(db, tenant, "d@werk.de", "C", forms=2)

    cells = {cell: _cell(db, tenant, cell) for cell in ("A1", "B2", "C3", "C1", "A2")}

    assert cells == {
        "A1": {hot_a}, "B2": {warm_b}, "C3": {ungraded_cold}, "C1": {graded_c_hot}, "A2": set()
    }  # fmt: skip
    with reading(db, tenant.id) as uow:
        for cell, ids in cells.items():
            for lead_id in ids:
                assert lead_score(uow, lead_id, at=NOW).matrix_cell == cell


def test_an_unknown_cell_is_refused(db: Database, tenant: Tenant) -> None:
    with pytest.raises(InvalidInput) as refused:
        _cell(db, tenant, "E5")

    assert refused.value.field == "cell"
