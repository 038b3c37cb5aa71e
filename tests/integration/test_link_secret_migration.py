"""Migration 0014 gives every existing contact a random link secret of its own, and the
database makes one for every contact stored afterwards."""

from __future__ import annotations

from sqlalchemy import insert, select

from leadflow.adapters.db import migrate
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import contacts
from tests.factories import NOW, Tenant

PEOPLE = ("eva.fischer@nordwerk.de", "jan.berg@nordwerk.de", "ole.krug@werk12.de")


def _secrets(db: Database) -> dict[str, str]:
    with db.reading() as connection:
        return dict(connection.execute(select(contacts.c.email, contacts.c.link_secret)).all())


def test_existing_contacts_get_distinct_random_secrets_and_new_ones_get_theirs(
    db: Database, tenant: Tenant, owner_database_url: str
) -> None:
    owner = Database(owner_database_url)  # migrations run as the tables' owner
    migrate.downgrade(owner.engine, "0013_bigint_ids")
    try:
        with owner.transaction() as connection:
            for email in PEOPLE[:2]:
                connection.execute(
                    insert(contacts).values(workspace_id=tenant.id, email=email, created_at=NOW)
                )
    finally:
        migrate.upgrade(owner.engine)
        owner.dispose()
    with db.transaction() as connection:
        connection.execute(
            insert(contacts).values(workspace_id=tenant.id, email=PEOPLE[2], created_at=NOW)
        )

    secrets = _secrets(db)

    assert set(secrets) == set(PEOPLE)
    assert len(set(secrets.values())) == 3
    assert all(len(s) == 32 and int(s, 16) >= 0 for s in secrets.values())
