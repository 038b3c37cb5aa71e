"""Lead sources: the codes a workspace reports by and the spellings that stand for them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from leadflow.adapters.db.uow import reading, unit_of_work
from leadflow.domain.sources import BUILT_IN_ALIASES, MAX_ALIASES, SOURCE_CODES, SourceMap
from leadflow.services.workspaces.source_settings import set_source_aliases, workspace_sources
from leadflow.web.api.deps import DbDep, PrincipalDep
from leadflow.web.api.schemas import Input

router = APIRouter(prefix="/api/v1/sources", tags=["sources"])

Spelling = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class SourcesPublic(BaseModel):
    codes: list[str]
    """The source codes leads are stored and reported by."""
    built_in: dict[str, list[str]]
    """Spellings leadflow knows for each code (Salesforce, HubSpot, German, English)."""
    aliases: dict[str, str]
    """The workspace's own spellings: spelling -> code."""


class SourcesUpdate(Input):
    aliases: dict[Spelling, str] = Field(max_length=MAX_ALIASES)


def _public(sources: SourceMap) -> SourcesPublic:
    return SourcesPublic(
        codes=list(SOURCE_CODES),
        built_in={code: list(spellings) for code, spellings in BUILT_IN_ALIASES.items()},
        aliases=dict(sources.aliases),
    )


@router.get("", response_model=SourcesPublic)
def read_sources(db: DbDep, principal: PrincipalDep) -> SourcesPublic:
    """The source codes, the built-in spellings and the workspace's own."""
    with reading(db, principal.workspace_id) as uow:
        return _public(workspace_sources(uow))


@router.put("", response_model=SourcesPublic)
def change_sources(body: SourcesUpdate, db: DbDep, principal: PrincipalDep) -> SourcesPublic:
    """Replace the workspace's own spellings (`{"aliases": {"Hausmesse Ulm": "event"}}`);
    422 names a spelling whose code is unknown. Marketing and admins."""
    with unit_of_work(db, principal.workspace_id) as uow:
        return _public(set_source_aliases(uow, body.aliases, by=principal))
