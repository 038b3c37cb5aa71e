"""Funnel stages and the roles of the people and processes that move leads."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    PROSPECT = "prospect"
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"
    WON = "won"
    LOST = "lost"
    NURTURE = "nurture"
    DISQUALIFIED = "disqualified"


MAIN_PATH: tuple[Stage, ...] = (Stage.PROSPECT, Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON)


class Role(StrEnum):
    """A user's role in one workspace."""

    ADMIN = "admin"
    MARKETING = "marketing"
    SALES = "sales"
    VIEWER = "viewer"


class Actor(StrEnum):
    """Who may make a move: a workspace role or one of leadflow's own processes."""

    ADMIN = "admin"
    MARKETING = "marketing"
    SALES = "sales"
    VIEWER = "viewer"
    IMPORT = "import"
    RESEARCH = "research"
    AUTOMATIC = "automatic"

    @classmethod
    def for_role(cls, role: Role) -> Actor:
        return cls(role.value)


PEOPLE: frozenset[Actor] = frozenset({Actor.ADMIN, Actor.MARKETING, Actor.SALES, Actor.VIEWER})
PROCESSES: frozenset[Actor] = frozenset({Actor.IMPORT, Actor.RESEARCH, Actor.AUTOMATIC})
