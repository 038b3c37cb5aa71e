"""What an import's merges read set-based, for a whole chunk at once, is what a single entry's
merge reads one statement at a time."""

from __future__ import annotations

from pathlib import Path

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.merges import MergeRepository
from leadflow.adapters.db.uow import unit_of_work
from leadflow.domain.stages import Stage
from leadflow.services.intake.entry_merge import EntryRecord, TakenValues, Target, entry_records
from tests.factories import NOW, Tenant, enter_lead
from tests.integration.merge_support import import_file, write_csv


def _person(db: Database, tenant: Tenant, **fields: object) -> Target:
    created = enter_lead(db, tenant, **{"stage": Stage.MQL, **fields})
    return Target(created.details.contact.id or 0, created.details.lead.id)


def _one_by_one(repo: MergeRepository, target: Target) -> EntryRecord:
    lead = repo.entry_lead(target.lead_id) if target.lead_id is not None else None
    return EntryRecord(
        repo.entry_contact(target.contact_id), lead, frozenset(repo.alternates(target.contact_id))
    )


def test_a_chunks_people_read_together_are_read_as_one_at_a_time(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    anna = _person(db, tenant, email="anna@nordwerk.de", last_name="Schmidt", job_title="CEO")
    jan = _person(db, tenant, email="jan@nordwerk.de", last_name="Berg", source="Messe")
    stranger = _person(db, other_tenant, email="eva@suedmetall.de", last_name="Klein")
    with unit_of_work(db, tenant.id) as uow:
        repo = uow.merges
        repo.add_alternate(anna.contact_id, "email", "einkauf@nordwerk.de", NOW)
        repo.add_alternate(anna.contact_id, "phone", "+497111234560", NOW)

        together = entry_records(uow, [anna, jan, stranger])
        singly = {target: _one_by_one(repo, target) for target in (anna, jan)}

    assert together == singly
    assert together[anna].alternates == {
        ("email", "einkauf@nordwerk.de"),
        ("phone", "+497111234560"),
    }


def test_a_value_a_merge_writes_is_taken_for_the_merges_after_it(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    anna = _person(db, tenant, email="anna@nordwerk.de", last_name="Schmidt")
    _person(db, other_tenant, email="jan@nordwerk.de", last_name="Berg")
    wanted = {("email", "anna@nordwerk.de"), ("email", "jan@nordwerk.de"),
              ("email", "einkauf@nordwerk.de")}  # fmt: skip
    with db.transaction() as connection:
        MergeRepository(connection, tenant.id).add_alternate(
            anna.contact_id, "email", "vertrieb@nordwerk.de", NOW
        )
        taken = TakenValues(connection, tenant.id, wanted)
        before = {value: taken.has("email", value) for _, value in sorted(wanted)}
        taken.add_all([("email", "einkauf@nordwerk.de"), ("job_title", "CEO")])

        after = taken.has("email", "einkauf@nordwerk.de")
        unasked = taken.has("email", "vertrieb@nordwerk.de")

    assert before == {
        "anna@nordwerk.de": True,
        "einkauf@nordwerk.de": False,
        "jan@nordwerk.de": False,
    }
    assert after and unasked


def test_a_person_known_by_a_second_address_is_found_among_a_thousand_rows(
    db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    anna = _person(db, tenant, email="anna@nordwerk.de", last_name="Schmidt")
    with db.transaction() as connection:
        MergeRepository(connection, tenant.id).add_alternate(
            anna.contact_id, "email", "einkauf@nordwerk.de", NOW
        )
    rows = [[f"person{n}@werk{n}.de", f"Person{n}"] for n in range(1000)]
    rows[500] = ["einkauf@nordwerk.de", "Schmidt"]
    path = write_csv(tmp_path / "many.csv", ["Email", "Last Name"], rows)

    report = import_file(db, tenant, path, preset="generic")

    assert (report.created, report.merged) == (999, 1)
    assert report.merges == [(502, anna.lead_id, "same e-mail")]
