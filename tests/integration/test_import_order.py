"""Importing the same rows in any order and in any chunking ends in the same stored people and
leads: the merge policy settles two rows of one file by their values, never by their order."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import contact_alternates, contacts, leads
from leadflow.domain.principal import Principal
from leadflow.domain.stages import Actor
from leadflow.services.imports.importer import ImportRequest, run_import
from leadflow.services.workspaces.directory import create_workspace
from tests.factories import NOW
from tests.integration.merge_support import write_csv

HEADERS = ["Email", "First Name", "Last Name", "Phone", "Job Title", "Lifecycle Stage", "Segment"]
PEOPLE = [
    ("anna.schmidt@nordwerk.de", "Anna", "Schmidt", ("0711 1234560", "0171 1111111")),
    ("joerg.weiss@suedmetall.de", "Jörg", "Weiß", ("089 2345678", "0172 2222222")),
    ("eva.klein@rheinlog.de", "Eva", "Klein", ("0221 3456789", "0173 3333333")),
]
TITLES = (None, "Einkäuferin", "Leitung Einkauf")
# Stages of the main path: a stage the lead has passed changes nothing, a later one moves it.
STAGES = (None, "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer")
SEGMENTS = (None, "Intralogistik", "Maschinenbau")

rows = st.lists(
    st.tuples(
        st.integers(0, len(PEOPLE) - 1),
        st.booleans(),
        st.integers(0, 2),
        st.sampled_from(TITLES),
        st.sampled_from(STAGES),
        st.sampled_from(SEGMENTS),
    ),  # fmt: skip
    min_size=1,
    max_size=10,
)
_workspaces = itertools.count(1)


def _as_csv_row(row: tuple[int, bool, int, str | None, str | None, str | None]) -> list[str]:
    person, named, phone, title, stage, segment = row
    email, first, last, phones = PEOPLE[person]
    return [email, first if named else "", last, phones[phone - 1] if phone else "",
            title or "", stage or "", segment or ""]  # fmt: skip


def _stored_after_import(db: Database, tmp: Path, lines: list[list[str]], chunk: int) -> Any:
    number = next(_workspaces)
    workspace = create_workspace(db, f"order-{number}", f"Order {number}", now=NOW)
    assert workspace.id is not None
    path = write_csv(tmp / f"rows-{number}.csv", HEADERS, lines)
    request = ImportRequest(workspace.id, preset="hubspot", chunk_rows=chunk)
    run_import(db, path, request, by=Principal.process(workspace.id, Actor.MARKETING), now=NOW)
    return _state(db, workspace.id)


def _state(db: Database, workspace_id: int) -> list[tuple[Any, ...]]:
    """People and their leads, without ids and times of writing."""
    people = []
    with db.reading() as connection:
        stored = connection.execute(
            select(contacts, leads.c.stage, leads.c.source, leads.c.extras, leads.c.grade)
            .join(leads, leads.c.contact_id == contacts.c.id)
            .where(contacts.c.workspace_id == workspace_id)
        ).mappings()
        for person in stored:
            alternates = connection.execute(
                select(contact_alternates.c.kind, contact_alternates.c.value).where(
                    contact_alternates.c.contact_id == person["id"]
                )
            ).all()
            people.append(
                (
                    person["email"],
                    person["first_name"],
                    person["last_name"],
                    person["phone"],
                    person["job_title"],
                    person["stage"],
                    person["source"],
                    person["grade"],
                    json.dumps(person["extras"], sort_keys=True),
                    sorted(map(tuple, alternates)),
                )  # fmt: skip
            )
    return sorted(people)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows, data=st.data())
def test_the_same_rows_in_any_order_and_chunking_end_in_the_same_state(
    db: Database, tmp_path: Path, rows: list[Any], data: st.DataObject
) -> None:
    lines = [_as_csv_row(row) for row in rows]
    shuffled = data.draw(st.permutations(lines), label="order")
    chunk = data.draw(st.integers(1, len(lines)), label="chunk rows")
    expected = _stored_after_import(db, tmp_path, lines, chunk=20_000)

    stored = _stored_after_import(db, tmp_path, shuffled, chunk=chunk)

    assert stored == expected
