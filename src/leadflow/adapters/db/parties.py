"""Accounts and contacts of one workspace."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from leadflow.adapters.db.account_keys import file_accounts
from leadflow.adapters.db.rows import inserted_id
from leadflow.adapters.db.tables import accounts, contacts
from leadflow.domain.errors import NotFound
from leadflow.domain.party import Account, Contact

# Built once: SQLAlchemy compiles each once per set of columns, where a statement built with
# .values() per call is built and keyed anew every time.
_ADD_ACCOUNT = insert(accounts)
_ADD_CONTACT = insert(contacts)

ACCOUNT_FIELDS = ("name", "domain", "industry", "employees", "country", "postal_code", "city")
CONTACT_FIELDS = (
    "account_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "seniority",
    "department",
    "buying_role",
)


def account_from_row(row: Any) -> Account:
    return Account(
        workspace_id=row.workspace_id,
        id=row.id,
        owner_id=row.owner_id,
        **{name: getattr(row, name) for name in ACCOUNT_FIELDS},
    )


def contact_from_row(row: Any) -> Contact:
    return Contact(
        workspace_id=row.workspace_id,
        id=row.id,
        **{name: getattr(row, name) for name in CONTACT_FIELDS},
    )


class AccountRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add(self, account: Account, name_key: str, now: datetime) -> int:
        values = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
        result = self.connection.execute(
            _ADD_ACCOUNT,
            {"workspace_id": self.workspace_id, "name_key": name_key,
             "owner_id": account.owner_id, "created_at": now, **values},
        )  # fmt: skip
        account.id = inserted_id(result)
        file_accounts(self.connection, self.workspace_id, [(account.id, name_key)])
        return account.id

    def many(self, account_ids: Collection[int]) -> dict[int, Account]:
        """The workspace's accounts of these ids, by id, in one statement."""
        rows = self.connection.execute(
            select(accounts).where(
                accounts.c.workspace_id == self.workspace_id,
                accounts.c.id.in_(sorted(account_ids)),
            )
        )
        return {row.id: account_from_row(row) for row in rows}

    def get(self, account_id: int) -> Account:
        row = self.connection.execute(
            select(accounts).where(
                accounts.c.workspace_id == self.workspace_id, accounts.c.id == account_id
            )
        ).first()
        if row is None:
            raise NotFound("account", account_id)
        return account_from_row(row)

    def find(self, *, domain: str | None, name_key: str) -> Account | None:
        """The account with this domain, else the one with this name key."""
        scope = accounts.c.workspace_id == self.workspace_id
        if domain:
            row = self.connection.execute(
                select(accounts).where(scope, accounts.c.domain == domain).limit(1)
            ).first()
            if row is not None:
                return account_from_row(row)
        row = self.connection.execute(
            select(accounts).where(scope, accounts.c.name_key == name_key).limit(1)
        ).first()
        return account_from_row(row) if row is not None else None


class ContactRepository:
    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id

    def add(self, contact: Contact, now: datetime) -> int:
        values = {name: getattr(contact, name) for name in CONTACT_FIELDS}
        result = self.connection.execute(
            _ADD_CONTACT, {"workspace_id": self.workspace_id, "created_at": now, **values}
        )
        contact.id = inserted_id(result)
        return contact.id

    def by_email(self, email: str) -> Contact | None:
        row = self.connection.execute(
            select(contacts).where(
                contacts.c.workspace_id == self.workspace_id,
                contacts.c.email == email.lower(),
            )
        ).first()
        return contact_from_row(row) if row is not None else None
