"""Every merge can be undone to the exact earlier state: the lead, its contact, the contact's
alternates, the stage log and the notes are as they were before it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.uow import unit_of_work
from leadflow.domain.activity import ActivityKind, Outcome
from leadflow.domain.errors import Conflict
from leadflow.domain.stages import Role, Stage
from leadflow.services.intake.merges import merge_leads, unmerge
from leadflow.services.tasks.activities import log_activity
from tests.factories import NOW, Tenant, enter_lead
from tests.integration.merge_support import import_file, merge_log, snapshot, write_csv

LATER = NOW + timedelta(days=1)
EVA = {"email": "eva.fischer@nordwerk.de", "first_name": "Eva", "last_name": "Fischer",
       "company": "Nordwerk GmbH", "phone": "0711 1234560", "job_title": "Einkäuferin"}  # fmt: skip


def _an_entry_with_new_data(db: Database, tenant: Tenant, tmp: Path, lead_id: int) -> int:
    again = enter_lead(
        db, tenant, at=LATER, like=EVA, phone="0171 2345678", job_title="Leiterin Einkauf",
        stage=Stage.MQL, note="Bitte Rückruf", extras={"street": "Hafenstraße 4"},
    )  # fmt: skip
    assert again.merge_id is not None
    return again.merge_id


def _a_second_address(db: Database, tenant: Tenant, tmp: Path, lead_id: int) -> int:
    again = enter_lead(db, tenant, at=LATER, like=EVA, email="e.fischer@nordwerk.de")
    assert again.merge_id is not None
    return again.merge_id


def _an_import_with_a_won_date(db: Database, tenant: Tenant, tmp: Path, lead_id: int) -> int:
    headers = ["Email", "Job Title", "Lifecycle Stage", "Became a Customer Date", "Segment"]
    row = [EVA["email"], "Geschäftsführerin", "customer", "20.02.2026", "Intralogistik"]
    import_file(db, tenant, write_csv(tmp / "deals.csv", headers, [row]), now=LATER)
    return int(merge_log(db, lead_id)[-1]["id"])


def _a_duplicate_lead(db: Database, tenant: Tenant, tmp: Path, lead_id: int) -> int:
    other = enter_lead(db, tenant, email="fischer.eva@web.de", last_name="Fischer")
    assert other.details.lead.id is not None
    with unit_of_work(db, tenant.id) as uow:
        log_activity(
            uow, other.details.lead.id, kind=ActivityKind.CALL, outcome=Outcome.REACHED,
            subject="Rückruf", body=None, at=NOW, by=tenant.principal(Role.SALES), now=NOW,
        )  # fmt: skip
        record = merge_leads(
            uow, lead_id, other.details.lead.id, by=tenant.principal(Role.SALES), now=LATER
        )
    return record.id


MERGES: dict[str, Callable[[Database, Tenant, Path, int], int]] = {
    "an entry with new data": _an_entry_with_new_data,
    "a second address": _a_second_address,
    "an import with a won date": _an_import_with_a_won_date,
    "a duplicate lead": _a_duplicate_lead,
}


@pytest.mark.parametrize("merge", list(MERGES))
def test_undoing_a_merge_restores_the_exact_earlier_state(
    db: Database, tenant: Tenant, tmp_path: Path, merge: str
) -> None:
    lead_id = enter_lead(db, tenant, like=EVA).details.lead.id
    assert lead_id is not None
    before = snapshot(db, lead_id)
    merge_id = MERGES[merge](db, tenant, tmp_path, lead_id)
    assert snapshot(db, lead_id) != before

    with unit_of_work(db, tenant.id) as uow:
        unmerge(uow, merge_id, by=tenant.principal(Role.SALES), now=LATER + timedelta(hours=1))

    assert snapshot(db, lead_id) == before


def test_an_entry_merge_is_undone_only_after_the_merges_that_came_after_it(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    lead_id = enter_lead(db, tenant, like=EVA).details.lead.id
    assert lead_id is not None
    first = _an_entry_with_new_data(db, tenant, tmp_path, lead_id)
    second = _an_import_with_a_won_date(db, tenant, tmp_path, lead_id)
    sales = tenant.principal(Role.SALES)

    with pytest.raises(Conflict, match=f"undo merge {second} first"):
        with unit_of_work(db, tenant.id) as uow:
            unmerge(uow, first, by=sales, now=LATER)
