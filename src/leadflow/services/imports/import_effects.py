"""What follows an imported lead's entry, as on every other entry path: a stage.changed event
for each new lead, routing and the hand-over clock for each new MQL, and (in
services/imports/importer.py) the automatic move to mql once the import's fit scores are known.

An import marked as history (`ImportRequest.history`) does none of this: its leads are the past
of another system, and nobody is to be assigned or reminded of them. That choice is recorded
with the import and shown in its report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from leadflow.adapters.db.driver_io import unindexed
from leadflow.adapters.db.import_staging import ANNOUNCED, NewPeople
from leadflow.adapters.db.tables import leads
from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.stages import Stage
from leadflow.domain.webhooks import STAGE_CHANGED
from leadflow.services.handover import clock as handover
from leadflow.services.handover.routing import route_new_mql
from leadflow.services.webhooks import events


@dataclass(frozen=True)
class NewLead:
    id: int
    stage: Stage
    owner_id: int | None
    source: str | None
    entered_at: datetime


def follow_new_leads(
    uow: UnitOfWork,
    lead_ids: Sequence[int],
    *,
    by_user_id: int | None,
    now: datetime,
) -> None:
    """Record the entry of a chunk's new leads and hand its new MQLs to sales."""
    if not lead_ids:
        return
    staged = NewPeople(uow.connection, uow.workspace_id)
    # The events are written by the database from the stored leads, as events.record_many
    # would write them one by one.
    row_ids = staged.announce(lead_ids, by_user_id=by_user_id, now=now)
    events.deliver_many(uow, STAGE_CHANGED, row_ids, now=now)
    for lead in _new_mqls(uow):
        route_new_mql(uow, lead.id, lead.owner_id, now)
        owner_id = uow.leads.get(lead.id).owner_id
        # The clock starts when leadflow hands the lead to sales, not at its imported date.
        handover.start_clock(uow, lead.id, owner_id=owner_id, source=lead.source, now=now)


def _new_mqls(uow: UnitOfWork) -> list[NewLead]:
    """The announced leads that entered as MQLs."""
    rows = uow.connection.execute(
        select(
            leads.c.id, leads.c.stage, leads.c.owner_id, leads.c.source, leads.c.stage_entered_at
        )
        .where(
            unindexed(leads.c.workspace_id) == uow.workspace_id,
            leads.c.id.in_(select(ANNOUNCED.c.id)),
            unindexed(leads.c.stage) == Stage.MQL.value,
        )
        .order_by(leads.c.id)
    )
    return [NewLead(r.id, Stage(r.stage), r.owner_id, r.source, r.stage_entered_at) for r in rows]
