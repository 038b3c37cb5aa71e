"""What the chunks of one import share, and what storing one chunk gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from leadflow.adapters.db.matching import KnownAccount
from leadflow.adapters.importing.rows import RowError
from leadflow.domain.lifecycle import TransitionTable
from leadflow.domain.sources import SourceMap
from leadflow.domain.stages import Stage
from leadflow.domain.suppression import PrivacyKeys
from leadflow.services.duplicates import AccountMatch, block_of, similar_account

PEOPLE_SCHEMA = {
    "slot": pl.String,
    "known_contact": pl.Int64,
    "known_lead": pl.Int64,
    "known_first": pl.String,
    "known_last": pl.String,
    "known_company": pl.String,
}


class AccountIndex:
    """The workspace's accounts in memory for one import, grown as the import makes new ones.
    It answers as duplicates.best_account would over the same accounts, by lookups."""

    def __init__(self, known: list[KnownAccount]) -> None:
        self.by_domain: dict[str, KnownAccount] = {}
        self.by_key: dict[str, KnownAccount] = {}
        self.blocks: dict[str, list[KnownAccount]] = {}
        for account in known:
            self.add(account)

    def add(self, account: KnownAccount) -> None:
        if account.domain:
            self.by_domain.setdefault(account.domain, account)
        self.by_key.setdefault(account.name_key, account)
        self.blocks.setdefault(block_of(account.name_key), []).append(account)

    def renumber(self, ids: dict[int, int]) -> None:
        """Give accounts made in this chunk the ids the database reserved for them."""

        def real(account: KnownAccount) -> KnownAccount:
            if account.id not in ids:
                return account
            return KnownAccount(ids[account.id], account.name, account.name_key, account.domain)

        self.by_domain = {domain: real(account) for domain, account in self.by_domain.items()}
        self.by_key = {key: real(account) for key, account in self.by_key.items()}
        for block, members in self.blocks.items():
            if any(member.id < 0 for member in members):
                self.blocks[block] = [real(member) for member in members]

    def find(self, name_key: str | None, domain: str | None) -> AccountMatch | None:
        if domain and domain in self.by_domain:
            return AccountMatch(self.by_domain[domain], f"same domain {domain}")
        if not name_key:
            return None
        if name_key in self.by_key:
            return AccountMatch(self.by_key[name_key], "same company name")
        return similar_account(name_key, self.blocks.get(block_of(name_key), []))


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
    accounts: AccountIndex | None = None
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
        self.accounts = None
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
