"""A workspace's own spellings of lead sources, on top of the built-in ones (domain/sources.py).

Stored in the workspace configuration under `sources`: {"aliases": {"Hausmesse Ulm": "event"}}.
"""

from __future__ import annotations

from collections.abc import Mapping

from leadflow.adapters.db.uow import UnitOfWork
from leadflow.domain.errors import InvalidInput
from leadflow.domain.principal import Principal
from leadflow.domain.sources import SourceMap
from leadflow.domain.stages import Actor

CONFIG_KEY = "sources"


def source_map(config: Mapping[str, object]) -> SourceMap:
    """The workspace's source spellings from its configuration."""
    raw = config.get(CONFIG_KEY)
    aliases = raw.get("aliases") if isinstance(raw, Mapping) else None
    if not isinstance(aliases, Mapping):
        return SourceMap()
    return SourceMap({str(spelling): str(code) for spelling, code in aliases.items()})


def workspace_sources(uow: UnitOfWork) -> SourceMap:
    return source_map(uow.directory.workspace_config(uow.workspace_id))


def set_source_aliases(
    uow: UnitOfWork, aliases: Mapping[str, object], *, by: Principal
) -> SourceMap:
    """Replace the workspace's own spellings (spelling -> source code); checked before stored."""
    by.require(Actor.MARKETING)
    for spelling, code in aliases.items():
        if not isinstance(code, str):
            raise InvalidInput(
                f"source spelling '{spelling}' needs a source code as text", field="aliases"
            )
    sources = SourceMap({str(spelling): str(code) for spelling, code in aliases.items()})
    config = uow.directory.workspace_config(uow.workspace_id)
    config[CONFIG_KEY] = {"aliases": dict(sources.aliases)}
    uow.directory.set_workspace_config(uow.workspace_id, config)
    return sources


def canonical_source(uow: UnitOfWork, text: str | None) -> tuple[str | None, bool]:
    """The code to store for a typed source, and whether it is known."""
    found = workspace_sources(uow).canonical(text)
    if found is None:
        return None, True
    return found.value, found.known
