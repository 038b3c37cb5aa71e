"""The default transition table, checked move by move against DESIGN.md section 2."""

from __future__ import annotations

import itertools

import pytest

from leadflow.domain.errors import InvalidInput, InvalidTransition, PermissionDenied, ReasonRequired
from leadflow.domain.lifecycle import TransitionTable, table_from_config
from leadflow.domain.stages import Actor, Stage

P, M, SA, SQ, W, L, N, D = (
    Stage.PROSPECT,
    Stage.MQL,
    Stage.SAL,
    Stage.SQL,
    Stage.WON,
    Stage.LOST,
    Stage.NURTURE,
    Stage.DISQUALIFIED,
)
MKT, SLS, ADM, VIE = Actor.MARKETING, Actor.SALES, Actor.ADMIN, Actor.VIEWER
IMP, RES, AUTO = Actor.IMPORT, Actor.RESEARCH, Actor.AUTOMATIC

# (from, to) -> (who may, reason set). Written out from the design, not from the code.
SPEC: dict[tuple[Stage | None, Stage], tuple[set[Actor], str | None]] = {
    (None, P): ({MKT, ADM, IMP, RES}, None),
    (None, M): ({MKT, ADM, AUTO, IMP}, None),
    # Records of another system enter in the stage they had there.
    (None, SA): ({IMP}, None),
    (None, SQ): ({IMP}, None),
    (None, W): ({IMP}, None),
    (None, L): ({IMP}, None),
    (None, N): ({IMP}, None),
    (None, D): ({IMP}, None),
    (P, M): ({MKT, ADM, AUTO, IMP}, None),
    (N, M): ({MKT, ADM, AUTO, IMP}, None),
    (M, SA): ({SLS, ADM}, None),
    (M, N): ({SLS, MKT, ADM, AUTO}, "reject"),
    (M, D): ({SLS, MKT, ADM}, "disqualify"),
    (SA, D): ({SLS, MKT, ADM}, "disqualify"),
    (P, D): ({SLS, MKT, ADM}, "disqualify"),
    (N, D): ({SLS, MKT, ADM}, "disqualify"),
    (SA, SQ): ({SLS, ADM}, None),
    (SA, N): ({SLS, ADM}, "nurture"),
    (SQ, N): ({SLS, ADM}, "nurture"),
    (SQ, W): ({SLS, ADM}, None),
    (SQ, L): ({SLS, ADM}, "lost"),
    (L, N): ({MKT, ADM}, "recycle"),
    (D, N): ({MKT, ADM}, "recycle"),
}

TABLE = TransitionTable()
ALL_MOVES = list(itertools.product([None, *Stage], Stage, Actor))


def _reason_for(source: Stage | None, target: Stage) -> str | None:
    reason_set = SPEC[(source, target)][1]
    return TABLE.reason_codes[reason_set][0] if reason_set else None


@pytest.mark.parametrize(("source", "target", "actor"), ALL_MOVES)
def test_every_move_for_every_actor_follows_the_design(
    source: Stage | None, target: Stage, actor: Actor
) -> None:
    spec = SPEC.get((source, target))

    if spec is None:
        with pytest.raises(InvalidTransition):
            TABLE.decide(source, target, actor, "other")
    elif actor not in spec[0]:
        with pytest.raises(PermissionDenied):
            TABLE.decide(source, target, actor, _reason_for(source, target))
    else:
        move = TABLE.decide(source, target, actor, _reason_for(source, target))
        assert (move.source, move.target, move.actor) == (source, target, actor)


@pytest.mark.parametrize(
    ("source", "target"), [key for key, (_, reason) in SPEC.items() if reason is not None]
)
def test_a_move_that_needs_a_reason_is_refused_without_one(
    source: Stage | None, target: Stage
) -> None:
    with pytest.raises(ReasonRequired) as refused:
        TABLE.decide(source, target, Actor.ADMIN, None)

    assert refused.value.allowed_reasons


def test_a_reason_outside_the_workspace_list_is_refused() -> None:
    with pytest.raises(ReasonRequired, match="'cheap' is not a reason"):
        TABLE.decide(Stage.SQL, Stage.LOST, Actor.SALES, "cheap")


def test_an_illegal_move_names_the_current_stage_and_the_allowed_moves() -> None:
    with pytest.raises(InvalidTransition) as refused:
        TABLE.decide(Stage.PROSPECT, Stage.WON, Actor.SALES)

    assert refused.value.current == "prospect"
    assert set(refused.value.allowed) == {"mql", "disqualified"}


def test_automatic_moves_are_marked_as_such() -> None:
    assert TABLE.decide(Stage.PROSPECT, Stage.MQL, Actor.AUTOMATIC).automatic
    assert not TABLE.decide(Stage.PROSPECT, Stage.MQL, Actor.MARKETING).automatic


def test_a_workspace_can_override_the_table_and_the_reason_codes() -> None:
    table = table_from_config(
        {
            "transitions": [
                {"from": "new", "to": "mql", "who": ["marketing"]},
                {"from": "mql", "to": "sql", "who": "sales", "reason": "fast"},
            ],
            "reason_codes": {"fast": ["inbound_demo_request"]},
        }
    )

    move = table.decide(Stage.MQL, Stage.SQL, Actor.SALES, "inbound_demo_request")
    assert move.target is Stage.SQL
    with pytest.raises(InvalidTransition):
        table.decide(Stage.MQL, Stage.SAL, Actor.SALES)
    with pytest.raises(ReasonRequired):
        table.decide(Stage.MQL, Stage.SQL, Actor.SALES, "not_now")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"transitions": "all"}, "must be a list"),
        ({"transitions": [{"from": "mql", "to": "heaven", "who": "sales"}]}, "transitions\\[1\\]"),
        ({"transitions": [{"from": "mql", "to": "sal", "who": "boss"}]}, "transitions\\[1\\]"),
        ({"transitions": [{"from": "mql", "to": "sal", "who": "sales", "reason": "x"}]}, "'x'"),
        ({"reason_codes": {"lost": "price"}}, "reason_codes.lost"),
    ],
)
def test_a_broken_override_is_refused_with_the_place_of_the_error(
    config: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        table_from_config(config)
