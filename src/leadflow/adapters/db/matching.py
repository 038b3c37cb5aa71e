"""Lookups behind duplicate matching, always inside one workspace."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import Column, MetaData, String, Table, and_, bindparam, func, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.bulk import BulkWriter
from leadflow.adapters.db.tables import accounts, contact_alternates, contacts, leads

_BATCH = 900
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

    def _people(self, *conditions: object) -> list[KnownPerson]:
        query = (
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
                leads,
                and_(
                    leads.c.contact_id == contacts.c.id, leads.c.workspace_id == self.workspace_id
                ),
            )
            .outerjoin(accounts, accounts.c.id == contacts.c.account_id)
            .where(contacts.c.workspace_id == self.workspace_id, *conditions)  # type: ignore[arg-type]
            .order_by(contacts.c.id)
        )
        return [KnownPerson(*row) for row in self.connection.execute(query)]

    def people_with(self, column: str, values: Collection[str]) -> list[KnownPerson]:
        """Contacts whose e-mail, phone or external id is one of the values; many values are
        looked up through a temporary table in one query."""
        if len(values) <= _BATCH:
            return self._people(contacts.c[column].in_(sorted(values))) if values else []
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
                select(contact_alternates.c.value, contact_alternates.c.contact_id).where(
                    contact_alternates.c.workspace_id == self.workspace_id,
                    contact_alternates.c.kind == kind,
                    contact_alternates.c.value.in_(ordered[start : start + _BATCH]),
                )
            ).all()
            people = {p.contact_id: p for p in self.people_at_contacts({c for _, c in rows})}
            found += [(value, people[contact]) for value, contact in rows if contact in people]
        return found

    def people_at(self, account_ids: Collection[int]) -> list[KnownPerson]:
        found: list[KnownPerson] = []
        ordered = sorted(account_ids)
        for start in range(0, len(ordered), _BATCH):
            found += self._people(contacts.c.account_id.in_(ordered[start : start + _BATCH]))
        return found

    def people_at_contacts(self, contact_ids: Collection[int]) -> list[KnownPerson]:
        return self._people(contacts.c.id.in_(sorted(contact_ids)))

    def accounts_by_domain(self, domains: Collection[str]) -> list[KnownAccount]:
        return self._accounts(accounts.c.domain, domains)

    def accounts_by_key(self, keys: Collection[str]) -> list[KnownAccount]:
        return self._accounts(accounts.c.name_key, keys)

    def accounts_by_key_prefix(self, prefix: str) -> list[KnownAccount]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = select(
            accounts.c.id, accounts.c.name, accounts.c.name_key, accounts.c.domain
        ).where(
            accounts.c.workspace_id == self.workspace_id,
            accounts.c.name_key.like(escaped + "%", escape="\\"),
        )
        return [KnownAccount(*row) for row in self.connection.execute(query)]

    def all_accounts(self) -> Iterable[KnownAccount]:
        query = select(
            accounts.c.id, accounts.c.name, accounts.c.name_key, accounts.c.domain
        ).where(accounts.c.workspace_id == self.workspace_id)
        return (KnownAccount(*row) for row in self.connection.execute(query))

    def _accounts(self, column: object, values: Collection[str]) -> list[KnownAccount]:
        found: list[KnownAccount] = []
        ordered = sorted(values)
        query = select(
            accounts.c.id, accounts.c.name, accounts.c.name_key, accounts.c.domain
        ).where(
            accounts.c.workspace_id == self.workspace_id,
            column.in_(bindparam("values", expanding=True)),  # type: ignore[attr-defined]
        )
        for start in range(0, len(ordered), _BATCH):
            rows = self.connection.execute(query, {"values": ordered[start : start + _BATCH]})
            found += [KnownAccount(*row) for row in rows]
        return found
