"""Password hashes (slow on purpose) never run inside a write transaction, where on SQLite they
would hold the write lock and stall every other writer."""

from __future__ import annotations

import pytest

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import users
from leadflow.adapters.passwords import hash_password, verify_password
from leadflow.domain.stages import Role
from leadflow.services.workspaces import directory as directory_service
from leadflow.services.workspaces.directory import add_user
from leadflow.services.workspaces.sessions import sign_in, signed_in
from tests.factories import NOW, PASSWORD, Tenant


class RecordingCheck:
    """The real argon2 check, noting for each call whether a write transaction was open."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.inside_writes: list[bool] = []

    def __call__(self, stored: str, password: str) -> bool:
        self.inside_writes.append(self.db.writing)
        return verify_password(stored, password)


def test_the_database_knows_when_a_write_transaction_is_open(db: Database) -> None:
    with db.reading():
        reading = db.writing
    with db.transaction():
        writing = db.writing

    assert (reading, writing, db.writing) == (False, True, False)


def test_sign_in_checks_the_password_before_the_write_transaction(
    db: Database, tenant: Tenant
) -> None:
    check = RecordingCheck(db)

    token = sign_in(db, "sales@acme.example", PASSWORD, now=NOW, verify=check)

    assert token is not None and signed_in(db, token, now=NOW) is not None
    assert check.inside_writes == [False]


@pytest.mark.parametrize(
    ("email", "password"),
    [("sales@acme.example", "wrong password"), ("nobody@acme.example", PASSWORD)],
)
def test_a_failed_sign_in_checks_outside_any_write_transaction_too(
    db: Database, tenant: Tenant, email: str, password: str
) -> None:
    check = RecordingCheck(db)

    token = sign_in(db, email, password, now=NOW, verify=check)

    assert token is None
    assert check.inside_writes == [False]


def test_a_password_changed_during_the_check_opens_no_session(db: Database, tenant: Tenant) -> None:
    def check_while_the_password_changes(stored: str, password: str) -> bool:
        with db.transaction() as connection:
            connection.execute(
                users.update()
                .where(users.c.email == "sales@acme.example")
                .values(password_hash=hash_password("a brand new password"))
            )
        return verify_password(stored, password)

    token = sign_in(
        db, "sales@acme.example", PASSWORD, now=NOW, verify=check_while_the_password_changes
    )

    assert token is None


def test_adding_a_user_hashes_the_password_before_the_write_transaction(
    db: Database, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside_writes: list[bool] = []

    def recording_hash(password: str) -> str:
        inside_writes.append(db.writing)
        return hash_password(password)

    monkeypatch.setattr(directory_service, "hash_password", recording_hash)

    user_id = add_user(
        db, "new@acme.example", workspace_slug="acme", role=Role.SALES, password=PASSWORD, now=NOW
    )

    assert user_id > 0
    assert inside_writes == [False]
    assert sign_in(db, "new@acme.example", PASSWORD, now=NOW) is not None
