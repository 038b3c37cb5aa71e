"""Migration 0008 files the accounts of an existing database under their blocking keys."""

from __future__ import annotations

from alembic import command
from sqlalchemy import insert, select

from leadflow.adapters.db import migrate
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.matching import MatchQueries
from leadflow.adapters.db.tables import account_match_keys, accounts
from leadflow.adapters.db.uow import reading
from leadflow.adapters.importing.normalize import company_key
from leadflow.domain.company_blocks import stored_keys
from leadflow.services.intake.duplicates import find_account
from tests.factories import NOW, Tenant

NAMES = ("Müller Fördertechnik GmbH", "Schmidt Anlagenbau AG", "Werk 12 KG")


def _downgrade_below_the_keys(owner: Database) -> None:
    config = migrate.alembic_config(owner.engine)
    with owner.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012_account_match_keys-1")


def test_upgrading_files_the_existing_accounts_under_their_keys(
    db: Database, owner_database_url: str, tenant: Tenant
) -> None:
    owner = Database(owner_database_url)  # migrations change tables: the owner's work
    _downgrade_below_the_keys(owner)
    with db.transaction() as connection:
        for name in NAMES:
            connection.execute(
                insert(accounts).values(
                    workspace_id=tenant.id, name=name, name_key=company_key(name), created_at=NOW
                )
            )

    migrate.upgrade(owner.engine)
    owner.dispose()

    with db.reading() as connection:
        filed = set(
            connection.execute(select(account_match_keys.c.key, account_match_keys.c.account_id))
        )
        ids = dict(connection.execute(select(accounts.c.name, accounts.c.id)).all())
    assert filed == {(key, ids[name]) for name in NAMES for key in stored_keys(company_key(name))}
    with reading(db, tenant.id) as uow:
        match = find_account(
            MatchQueries(uow.connection, tenant.id), company="Mueller Foerdertechnk", domain=None
        )
    assert match is not None and match.account.id == ids["Müller Fördertechnik GmbH"]
