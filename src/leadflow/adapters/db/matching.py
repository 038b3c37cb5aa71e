"""Lookups behind duplicate matching, always inside one workspace."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    TextClause,
    and_,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.engine import Connection

from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.driver_io import unindexed
from leadflow.adapters.db.tables import (
    account_match_keys,
    accounts,
    contact_alternates,
    contacts,
    leads,
)

_BATCH = 900
_UNION = 64
_ACCOUNT = (accounts.c.id, accounts.c.name, accounts.c.name_key, accounts.c.domain)
_PROBE = Table("lf_probe_keys", MetaData(), Column("k", String), prefixes=["TEMPORARY"])


def _probe_keys(connection: Connection, values: Collection[str]) -> Table:
    """A temporary table (this connection's only) holding the values to look up."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS lf_probe_keys (k TEXT)")
    else:
        connection.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS lf_probe_keys (k TEXT) ON COMMIT DELETE ROWS"
        )
    connection.exec_driver_sql("DELETE FROM lf_probe_keys")
    BulkWriter(connection).insert(_PROBE, ("k",), [(value,) for value in values], prepared=True)
    return _PROBE


@lru_cache(maxsize=_UNION)
def _filed_under(count: int) -> TextClause:
    """One statement for `count` keys, each read up to :per_key accounts through the index.
    Plain SQL: building the same statement with SQLAlchemy each time costs more than running it."""
    return text(
        " UNION ALL ".join(
            f'SELECT * FROM (SELECT "key", account_id FROM account_match_keys '
            f'WHERE workspace_id = :workspace AND "key" = :k{n} '
            f"ORDER BY account_id LIMIT :per_key) AS p{n}"
            for n in range(count)
        )
    )


@lru_cache(maxsize=2)
def _people_query(by_id: bool = False) -> Select[Any]:
    """Contacts with their live lead and account name; conditions are added per look-up."""
    workspace = bindparam("workspace", type_=Integer)
    # Fetched by id, the workspace is checked unindexed: with many ids SQLite would otherwise
    # walk the workspace's contacts through an index on workspace_id.
    scope = unindexed(contacts.c.workspace_id) if by_id else contacts.c.workspace_id
    return (
        select(
            contacts.c.id,
            func.coalesce(leads.c.merged_into_id, leads.c.id),
            contacts.c.email,
            contacts.c.phone,
            contacts.c.first_name,
            contacts.c.last_name,
            contacts.c.account_id,
            accounts.c.name,
            contacts.c.external_id,
        )
        .select_from(contacts)
        .outerjoin(
            leads, and_(leads.c.contact_id == contacts.c.id, leads.c.workspace_id == workspace)
        )
        .outerjoin(accounts, accounts.c.id == contacts.c.account_id)
        .where(scope == workspace)
        .order_by(contacts.c.id)
    )


@lru_cache(maxsize=8)
def _people_by_query(column: str) -> Select[Any]:
    """Built once per column: a statement made anew per entry costs more than running it."""
    return _people_query(by_id=column == "id").where(
        contacts.c[column].in_(bindparam("values", expanding=True))
    )


@lru_cache(maxsize=4)
def _first_accounts_query(column: str) -> Select[Any]:
    first = (
        select(func.min(accounts.c.id))
        .where(
            accounts.c.workspace_id == bindparam("workspace"),
            accounts.c[column].in_(bindparam("values", expanding=True)),
        )
        .group_by(accounts.c[column])
    )
    # Scoped by the subquery alone: with a workspace condition of its own, SQLite would
    # walk the workspace's accounts instead of fetching the few ids by primary key.
    return select(*_ACCOUNT).where(accounts.c.id.in_(first))


_ALTERNATES = select(contact_alternates.c.value, contact_alternates.c.contact_id).where(
    contact_alternates.c.workspace_id == bindparam("workspace"),
    contact_alternates.c.kind == bindparam("kind"),
    contact_alternates.c.value.in_(bindparam("values", expanding=True)),
)

_ACCOUNTS_BY_ID = select(*_ACCOUNT, accounts.c.workspace_id).where(
    accounts.c.id.in_(bindparam("ids", expanding=True))
)


@dataclass(frozen=True)
class KnownPerson:
    """An existing contact with its live lead (the survivor, when it was merged away)."""

    contact_id: int
    lead_id: int | None
    email: str | None
    phone: str | None
    first_name: str | None
    last_name: str | None
    account_id: int | None
    company: str | None
    external_id: str | None


@dataclass(frozen=True)
class KnownAccount:
    id: int
    name: str
    name_key: str
    domain: str | None


class MatchQueries:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id
        self.accounts_read = 0
        """Account rows the look-ups returned: what matching had to compare."""

    def _people(self, *conditions: object) -> list[KnownPerson]:
        query = _people_query().where(*conditions)  # type: ignore[arg-type]
        rows = self.connection.execute(query, {"workspace": self.workspace_id})
        return [KnownPerson(*row) for row in rows]

    def _people_by(
        self, column: str, values: Collection[str] | Collection[int]
    ) -> list[KnownPerson]:
        """People whose `column` is one of the values, through a statement built once."""
        rows = self.connection.execute(
            _people_by_query(column),
            {"workspace": self.workspace_id, "values": sorted(values)},
        )
        return [KnownPerson(*row) for row in rows]

    def people_with(self, column: str, values: Collection[str]) -> list[KnownPerson]:
        """Contacts whose e-mail, phone or external id is one of the values; many values are
        looked up through a temporary table in one query."""
        if len(values) <= _BATCH:
            return self._people_by(column, values) if values else []
        probe = _probe_keys(self.connection, values)
        # IN (subquery) rather than a join: SQLite then probes the column's index per value,
        # where for a join it may scan the whole workspace's contacts to spare a sort.
        return self._people(contacts.c[column].in_(select(probe.c.k)))

    def people_with_alternate(
        self, kind: str, values: Collection[str]
    ) -> list[tuple[str, KnownPerson]]:
        """Contacts that have one of the values as an alternate e-mail or phone, by value."""
        if not values:
            return []
        found: list[tuple[str, KnownPerson]] = []
        ordered = sorted(values)
        for start in range(0, len(ordered), _BATCH):
            rows = self.connection.execute(
                _ALTERNATES,
                {"workspace": self.workspace_id, "kind": kind,
                 "values": ordered[start : start + _BATCH]},
            ).all()  # fmt: skip
            people = {p.contact_id: p for p in self.people_at_contacts({c for _, c in rows})}
            found += [(value, people[contact]) for value, contact in rows if contact in people]
        return found

    def people_at(self, account_ids: Collection[int]) -> list[KnownPerson]:
        found: list[KnownPerson] = []
        ordered = sorted(account_ids)
        for start in range(0, len(ordered), _BATCH):
            found += self._people_by("account_id", ordered[start : start + _BATCH])
        return found

    def people_at_contacts(self, contact_ids: Collection[int]) -> list[KnownPerson]:
        return self._people_by("id", contact_ids) if contact_ids else []

    def account_with(self, column: str, value: str) -> KnownAccount | None:
        """The first account whose domain or name key is `value`."""
        found = self.first_accounts_with(column, [value])
        return found.get(value)

    def first_accounts_with(self, column: str, values: Collection[str]) -> dict[str, KnownAccount]:
        """For each value, the first account (lowest id) whose domain or name key it is."""
        found: dict[str, KnownAccount] = {}
        ordered = sorted(set(values))
        query = _first_accounts_query(column)
        for start in range(0, len(ordered), _BATCH):
            rows = self.connection.execute(
                query, {"workspace": self.workspace_id, "values": ordered[start : start + _BATCH]}
            )
            for row in rows:
                account = self._counted(row)
                found[account.name_key if column == "name_key" else account.domain or ""] = account
        return found

    def accounts_filed_under(
        self, keys: Collection[str], *, per_key: int
    ) -> list[tuple[str, KnownAccount]]:
        """(key, account) for accounts filed under the keys, at most `per_key` per key (those
        of lowest id), ordered by key and id: the work is bounded by the number of keys."""
        if not keys:
            return []
        if len(keys) <= _UNION:
            params: dict[str, object] = {"workspace": self.workspace_id, "per_key": per_key}
            params.update({f"k{n}": key for n, key in enumerate(sorted(keys))})
            hits = self.connection.execute(_filed_under(len(keys)), params).all()
            # The accounts in a statement of their own, by primary key, their workspace checked
            # here: joined to the keys, PostgreSQL would run the keys' statement once per
            # account of the workspace, and with the workspace in the WHERE clause SQLite would
            # walk the workspace's accounts instead of fetching the few ids.
            found = {
                row[0]: row
                for row in self.connection.execute(
                    _ACCOUNTS_BY_ID, {"ids": sorted({account_id for _key, account_id in hits})}
                )
                if row[4] == self.workspace_id
            }
            return [
                (key, self._counted(found[account_id][:4]))
                for key, account_id in sorted(hits)
                if account_id in found
            ]
        filed = account_match_keys.c
        probe = _probe_keys(self.connection, keys)
        rank = func.row_number().over(partition_by=filed.key, order_by=filed.account_id)
        ranked = (
            select(filed.key, filed.account_id, rank.label("rank"))
            .where(filed.workspace_id == self.workspace_id, filed.key.in_(select(probe.c.k)))
            .subquery()
        )
        query = (
            select(ranked.c.key, *_ACCOUNT)
            .join_from(ranked, accounts, accounts.c.id == ranked.c.account_id)
            .where(ranked.c.rank <= per_key, accounts.c.workspace_id == self.workspace_id)
            .order_by(ranked.c.key, accounts.c.id)
        )
        return [(row[0], self._counted(row[1:])) for row in self.connection.execute(query)]

    def _counted(self, row: Sequence[object]) -> KnownAccount:
        self.accounts_read += 1
        return KnownAccount(*row)  # type: ignore[arg-type]
