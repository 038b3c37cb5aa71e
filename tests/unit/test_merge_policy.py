"""The merge policy decides per field: fill the empty, update with a newer value, keep second
addresses as alternates, move the stage through the transition table, append notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.merge_policy import Action, Entry, FieldChange, Known, decide
from leadflow.domain.stages import Stage

THEN = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NOW = THEN + timedelta(days=1)
TABLE = TransitionTable()
STORED = Known(
    {"first_name": None, "last_name": "Fischer", "email": "eva@nordwerk.de",
     "phone": "+497111234560", "job_title": "Einkäuferin"},
    THEN, extras={"street": "Hafenstraße 4"}, stage=Stage.MQL,
)  # fmt: skip


def test_an_empty_field_is_filled_and_a_stable_one_is_kept() -> None:
    plan = decide(STORED, Entry({"first_name": "Eva", "last_name": "Fischer-Klein"}, NOW), TABLE)

    assert plan.fields == {"first_name": "Eva"}
    assert plan.changes == (
        FieldChange("first_name", Action.FILLED, None, "Eva"),
        FieldChange("last_name", Action.KEPT, "Fischer", "Fischer-Klein", "the stored value stays"),
    )


def test_a_newer_title_updates_and_an_older_one_is_only_logged() -> None:
    newer = decide(STORED, Entry({"job_title": "Leiterin Einkauf"}, NOW), TABLE)
    older = decide(STORED, Entry({"job_title": "Azubi"}, THEN - timedelta(days=9)), TABLE)

    assert newer.fields == {"job_title": "Leiterin Einkauf"}
    assert older.fields == {} and not older.changed
    assert older.changes[0].action is Action.KEPT


def test_two_values_of_the_same_moment_are_settled_by_the_value_not_the_order() -> None:
    known = Known({"job_title": "Einkäuferin"}, NOW)

    one_way = decide(known, Entry({"job_title": "Leitung Einkauf"}, NOW), TABLE)
    other_way = decide(
        Known({"job_title": "Leitung Einkauf"}, NOW),
        Entry({"job_title": "Einkäuferin"}, NOW),
        TABLE,
    )

    assert one_way.fields == {"job_title": "Leitung Einkauf"}  # the greater value wins
    assert other_way.fields == {}  # ... so it stays


def test_a_second_email_becomes_an_alternate_and_a_new_phone_keeps_the_old_one() -> None:
    entry = Entry({"email": "e.fischer@nordwerk.de", "phone": "+491712345678"}, NOW)

    plan = decide(STORED, entry, TABLE)

    assert plan.fields == {"phone": "+491712345678"}
    assert plan.alternates == (("email", "e.fischer@nordwerk.de"), ("phone", "+497111234560"))


def test_extras_are_added_and_updated_and_a_note_is_appended() -> None:
    entry = Entry({}, NOW, extras={"street": "Kaiserstraße 1", "segment": "Pet"}, note="Rückruf")

    plan = decide(STORED, entry, TABLE)

    assert plan.extras == {"street": "Kaiserstraße 1", "segment": "Pet"}
    assert plan.note == "Rückruf"


def test_a_won_date_walks_the_main_path_and_keeps_its_date() -> None:
    won_at = THEN - timedelta(days=30)

    plan = decide(STORED, Entry({}, NOW, stage_dates={Stage.WON: won_at}), TABLE)

    assert [(s.source, s.target, s.at, s.dated) for s in plan.steps] == [
        (Stage.MQL, Stage.SAL, won_at, False),
        (Stage.SAL, Stage.SQL, won_at, False),
        (Stage.SQL, Stage.WON, won_at, True),
    ]


def test_a_stage_already_passed_changes_nothing_and_a_forbidden_move_is_a_warning() -> None:
    passed = decide(STORED, Entry({}, NOW, stage=Stage.PROSPECT), TABLE)
    lost = Known({}, THEN, stage=Stage.LOST)

    forbidden = decide(lost, Entry({}, NOW, stage=Stage.SAL), TABLE)

    assert passed.steps == () and passed.changes == ()
    assert forbidden.steps == ()
    assert forbidden.changes[0].action is Action.WARNING and not forbidden.changed
