"""What the chunks of one import share, and what storing one chunk gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from leadflow.adapters.db.matching import KnownAccount, MatchQueries
from leadflow.adapters.importing.rows import RowError
from leadflow.domain.company_blocks import probe_keys, stored_keys
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.sources import SourceMap
from leadflow.domain.stages import Stage
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.intake.duplicates import (
    PER_KEY,
    AccountMatch,
    fuzzy_candidates,
    similar_account,
)

PEOPLE_SCHEMA = {
    "slot": pl.String,
    "known_contact": pl.Int64,
    "known_lead": pl.Int64,
    "known_first": pl.String,
    "known_last": pl.String,
    "known_company": pl.String,
}


class AccountIndex:
    """The accounts one chunk of an import may match: those the database holds for the chunk's
    domains, name keys and blocking keys, and those the chunk makes as it goes. It answers as
    duplicates.find_account would, by lookups."""

    def __init__(self) -> None:
        self.by_domain: dict[str, KnownAccount] = {}
        self.by_key: dict[str, KnownAccount] = {}
        self.filed: dict[str, list[KnownAccount]] = {}

    @classmethod
    def load(cls, q: MatchQueries, wanted: list[tuple[str | None, str | None]]) -> AccountIndex:
        """The workspace's accounts for (name key, domain) pairs, read set-based: the first per
        domain and per key, and, for names without either, the candidates filed under their
        blocking keys."""
        index = cls()
        domains = {domain for _key, domain in wanted if domain}
        index.by_domain = q.first_accounts_with("domain", domains)
        index.by_key = q.first_accounts_with("name_key", {key for key, _ in wanted if key})
        fuzzy = {
            key
            for key, domain in wanted
            if key and key not in index.by_key and not (domain and domain in index.by_domain)
        }
        probes = set().union(*(probe_keys(key) for key in fuzzy))
        for key, account in q.accounts_filed_under(probes, per_key=PER_KEY):
            index.filed.setdefault(key, []).append(account)
        return index

    def add(self, account: KnownAccount) -> None:
        """An account this chunk makes: later rows match it."""
        if account.domain:
            self.by_domain.setdefault(account.domain, account)
        self.by_key.setdefault(account.name_key, account)
        for key in stored_keys(account.name_key):
            self.filed.setdefault(key, []).append(account)

    def find(self, name_key: str | None, domain: str | None) -> AccountMatch | None:
        if domain and domain in self.by_domain:
            return AccountMatch(self.by_domain[domain], f"same domain {domain}")
        if not name_key:
            return None
        if name_key in self.by_key:
            return AccountMatch(self.by_key[name_key], "same company name")
        filed = [
            (key, account)
            for key in sorted(probe_keys(name_key))
            for account in self.filed.get(key, ())[:PER_KEY]
        ]
        return similar_account(name_key, fuzzy_candidates(name_key, filed))


@dataclass
class ImportContext:
    """What every chunk of one import shares."""

    workspace_id: int
    table: TransitionTable
    now: datetime
    preset: str
    headers: dict[str, str]
    default_stage: Stage = Stage.PROSPECT
    campaign_id: int | None = None
    source: str = "import"
    note: str = "import"
    file_name: str = ""
    import_id: int | None = None
    privacy: PrivacyKeys | None = None
    list_only: bool = False
    history: bool = False
    by_user_id: int | None = None
    sources: SourceMap = field(default_factory=SourceMap)
    accounts_made: set[int] = field(default_factory=set)
    people_loaded: set[int] = field(default_factory=set)
    people: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PEOPLE_SCHEMA))

    def remember_people(self, people: pl.DataFrame) -> None:
        self.people = pl.concat([self.people, people.cast(PEOPLE_SCHEMA)])  # type: ignore[arg-type]

    def forget(self) -> None:
        """Drop what this import holds in memory (after a rolled-back chunk)."""
        self.accounts_made.clear()
        self.people_loaded.clear()
        self.people = pl.DataFrame(schema=PEOPLE_SCHEMA)


@dataclass
class ChunkResult:
    """Rows created (row, lead id), merged (row, lead id, reason), of those the rows whose
    merge changed something (updated), and the refused rows."""

    created: list[tuple[int, int | None]] = field(default_factory=list)
    merged: list[tuple[int, int | None, str]] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    same_as: dict[int, int] = field(default_factory=dict)
    suppressed: int = 0

    def resolve(self) -> None:
        """Name the lead of rows that duplicate an earlier row of the same chunk."""
        leads_of = dict(self.created)
        self.merged = [
            (row, lead_id if lead_id is not None else leads_of.get(self.same_as.get(row, 0)), why)
            for row, lead_id, why in self.merged
        ]
