"""A Hypothesis state machine drives a workspace through creates, moves, merges, undone merges,
erasures and imports, and after every step compares it with a simple model of what each lead
should be: its stage, whether it is merged and into which lead, whether it exists at all. The
stage log, the funnel's snapshot and the other workspace must agree with the model too."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import contacts, leads, stage_changes
from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.adapters.secret_key import privacy_keys
from leadflow.domain.errors import DomainError
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Role, Stage
from leadflow.services.imports.importer import ImportRequest, run_import
from leadflow.services.intake.lead_input import LeadInput
from leadflow.services.intake.leads import create_lead
from leadflow.services.intake.merges import merge_leads, unmerge
from leadflow.services.lifecycle.moves import move_lead
from leadflow.services.privacy.person_rights import erase_person
from leadflow.services.reports.stage_log import snapshot_report
from leadflow.services.workspaces.directory import create_workspace
from leadflow.settings import Settings
from tests.factories import NOW, Tenant

P, M, SAL, SQL = Stage.PROSPECT, Stage.MQL, Stage.SAL, Stage.SQL
WON, LOST, NURTURE, DQ = Stage.WON, Stage.LOST, Stage.NURTURE, Stage.DISQUALIFIED

ALLOWED: dict[Stage, dict[Stage, bool]] = {
    # What an admin may do from each stage (the default transition table, written out by
    # hand): target -> whether a reason is required.
    P: {M: False, DQ: True},
    NURTURE: {M: False, DQ: True},
    M: {SAL: False, NURTURE: True, DQ: True},
    SAL: {NURTURE: True, DQ: True},  # SQL needs the qualification gate, never met here
    SQL: {WON: False, LOST: True, NURTURE: True},
    LOST: {NURTURE: True},
    DQ: {NURTURE: True},
    WON: {},
}
REASON = "other"
"""A reason code that every reason set of the default table has."""


@dataclass
class ModelLead:
    email: str
    stage: Stage
    merged_into: int | None = None


@dataclass(frozen=True)
class ModelMerge:
    merge_id: int
    survivor: int
    duplicate: int


class Lifecycle(RuleBasedStateMachine):
    def __init__(self, db: Database, work_dir: Path, neighbour: Tenant) -> None:
        super().__init__()
        self.db = db
        self.work_dir = work_dir
        self.neighbour = neighbour
        self.neighbour_leads = _lead_count(db, neighbour.id)
        self.slug = f"sm-{next(_workspaces)}"
        workspace = create_workspace(db, self.slug, "Zustandsmaschine GmbH", now=NOW)
        assert workspace.id is not None
        self.workspace_id = workspace.id
        self.admin = Principal.member(self.workspace_id, Role.ADMIN)
        self.now = NOW
        self.leads: dict[int, ModelLead] = {}
        self.merges: list[ModelMerge] = []
        self.erased: set[str] = set()
        self.emails = (f"person{n}@firma{n % 7}.de" for n in itertools.count())

    leads_made = Bundle("leads")

    def _tick(self) -> None:
        self.now += timedelta(minutes=7)

    def _active(self) -> list[int]:
        return sorted(i for i, lead in self.leads.items() if lead.merged_into is None)

    @rule(target=leads_made, stage=st.sampled_from([P, M]))
    def create(self, stage: Stage) -> int:
        self._tick()
        email = next(self.emails)
        with unit_of_work(self.db, self.workspace_id) as uow:
            created = create_lead(
                uow, LeadInput(email=email, stage=stage), by=self.admin, now=self.now
            )
        lead_id = created.details.lead.id
        assert lead_id is not None and not created.merged
        self.leads[lead_id] = ModelLead(email, stage)
        return lead_id

    @rule(lead_id=leads_made, target_stage=st.sampled_from(list(Stage)))
    def move(self, lead_id: int, target_stage: Stage) -> None:
        lead = self.leads.get(lead_id)
        if lead is None or lead.merged_into is not None:
            return
        self._tick()
        allowed = ALLOWED[lead.stage]
        reason = REASON if allowed.get(target_stage) else None
        try:
            with unit_of_work(self.db, self.workspace_id) as uow:
                move_lead(uow, lead_id, target_stage, by=self.admin, now=self.now, reason=reason)
        except DomainError:
            assert target_stage not in allowed, f"{lead.stage} -> {target_stage} was refused"
            return
        assert target_stage in allowed, f"{lead.stage} -> {target_stage} went through"
        lead.stage = target_stage

    @precondition(lambda self: len(self._active()) >= 2)
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        survivor, duplicate = data.draw(
            st.lists(st.sampled_from(self._active()), min_size=2, max_size=2, unique=True)
        )
        self._tick()
        with unit_of_work(self.db, self.workspace_id) as uow:
            record = merge_leads(uow, survivor, duplicate, by=self.admin, now=self.now)
        self.leads[duplicate].merged_into = survivor
        self.merges.append(ModelMerge(record.id, survivor, duplicate))

    @precondition(lambda self: bool(self.merges))
    @rule()
    def undo_last_merge(self) -> None:
        last = self.merges.pop()
        self._tick()
        with unit_of_work(self.db, self.workspace_id) as uow:
            unmerge(uow, last.merge_id, by=self.admin, now=self.now)
        self.leads[last.duplicate].merged_into = None

    @precondition(lambda self: bool(self._active()))
    @rule(data=st.data())
    def erase(self, data: st.DataObject) -> None:
        lead_id = data.draw(st.sampled_from(self._active()))
        self._tick()
        keys = privacy_keys(Settings(database_url=str(self.db.engine.url)))
        erase_person(self.db, keys, by=self.admin, email=self.leads[lead_id].email, now=self.now)
        gone = {lead_id} | self._merged_into(lead_id)
        for erased_id in gone:
            self.erased.add(self.leads.pop(erased_id).email)
        # Merges that involved an erased person cannot be undone any more.
        self.merges = [m for m in self.merges if not {m.survivor, m.duplicate} & gone]

    @rule(new=st.integers(min_value=0, max_value=3), again=st.booleans())
    def import_file(self, new: int, again: bool) -> None:
        """A file with some new people and, maybe, someone already there."""
        emails = [next(self.emails) for _ in range(new)]
        active = self._active()
        if again and active:
            emails.append(self.leads[active[0]].email)
        if not emails:
            return
        self._tick()
        path = self.work_dir / f"import-{self.slug}-{len(self.leads)}-{new}.csv"
        path.write_text(
            "email;company\n" + "".join(f"{email};Firma\n" for email in emails), encoding="utf-8"
        )
        before = set(_lead_ids(self.db, self.workspace_id))
        run_import(self.db, path, ImportRequest(self.workspace_id), by=self.admin, now=self.now)
        made = set(_lead_ids(self.db, self.workspace_id)) - before
        assert len(made) == new, f"{new} new people made {len(made)} leads"
        by_email = _emails_of(self.db, self.workspace_id, made)
        for lead_id in made:
            self.leads[lead_id] = ModelLead(by_email[lead_id], P)

    def _merged_into(self, lead_id: int) -> set[int]:
        found: set[int] = set()
        frontier = {lead_id}
        while frontier:
            frontier = {i for i, lead in self.leads.items() if lead.merged_into in frontier}
            found |= frontier
        return found

    @invariant()
    def every_lead_is_as_the_model_says(self) -> None:
        with self.db.reading() as connection:
            rows = connection.execute(
                select(leads.c.id, leads.c.stage, leads.c.merged_into_id).where(
                    leads.c.workspace_id == self.workspace_id
                )
            ).all()
        stored = {row.id: (Stage(row.stage), row.merged_into_id) for row in rows}
        expected = {i: (lead.stage, lead.merged_into) for i, lead in self.leads.items()}
        assert stored == expected

    @invariant()
    def the_stage_log_ends_in_each_leads_stage(self) -> None:
        with self.db.reading() as connection:
            rows = connection.execute(
                select(stage_changes.c.lead_id, stage_changes.c.target)
                .where(stage_changes.c.workspace_id == self.workspace_id)
                .order_by(stage_changes.c.lead_id, stage_changes.c.at, stage_changes.c.id)
            ).all()
        last = {row.lead_id: Stage(row.target) for row in rows}
        assert last == {i: lead.stage for i, lead in self.leads.items()}

    @invariant()
    def the_funnel_snapshot_counts_the_leads_that_are_not_merged(self) -> None:
        with reading(self.db, self.workspace_id) as uow:
            snapshot = snapshot_report(uow, self.now + timedelta(days=1))
        counted = {stage: count for stage, count in snapshot.items() if count}
        expected: dict[Stage, int] = {}
        for lead_id in self._active():
            stage = self.leads[lead_id].stage
            expected[stage] = expected.get(stage, 0) + 1
        assert counted == expected

    @invariant()
    def nothing_of_an_erased_person_is_left(self) -> None:
        if not self.erased:
            return
        with self.db.reading() as connection:
            left = connection.execute(
                select(func.count())
                .select_from(contacts)
                .where(
                    contacts.c.workspace_id == self.workspace_id,
                    contacts.c.email.in_(sorted(self.erased)),
                )
            ).scalar_one()
        assert left == 0

    @invariant()
    def the_neighbour_workspace_is_untouched(self) -> None:
        assert _lead_count(self.db, self.neighbour.id) == self.neighbour_leads


_workspaces = itertools.count(1)


def _lead_ids(db: Database, workspace_id: int) -> list[int]:
    with db.reading() as connection:
        return list(
            connection.execute(select(leads.c.id).where(leads.c.workspace_id == workspace_id))
            .scalars()
            .all()
        )


def _lead_count(db: Database, workspace_id: int) -> int:
    return len(_lead_ids(db, workspace_id))


def _emails_of(db: Database, workspace_id: int, lead_ids: set[int]) -> dict[int, str]:
    with db.reading() as connection:
        rows = connection.execute(
            select(leads.c.id, contacts.c.email)
            .join(contacts, contacts.c.id == leads.c.contact_id)
            .where(leads.c.workspace_id == workspace_id, leads.c.id.in_(sorted(lead_ids)))
        ).all()
    return {row.id: row.email for row in rows}


@pytest.mark.slow
def test_the_lifecycle_matches_its_model_through_moves_merges_undo_erasure_and_imports(
    db: Database, other_tenant: Tenant, tmp_path: Path
) -> None:
    from tests.factories import new_lead

    for _ in range(3):
        new_lead(db, other_tenant, stage=Stage.MQL)
    machine_settings: Any = settings(
        max_examples=25,
        stateful_step_count=30,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )

    run_state_machine_as_test(
        lambda: Lifecycle(db, tmp_path, other_tenant), settings=machine_settings
    )
