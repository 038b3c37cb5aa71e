"""PostgreSQL roles: the tables' owner migrates, the application connects as a role that may
only read and write rows (and so stays behind row-level security, migration 0019)."""

from __future__ import annotations

import re

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
ROWS = "SELECT, INSERT, UPDATE, DELETE"


def role_of(url: str | URL) -> str | None:
    """The role a database URL logs in as, or None when it names none."""
    return make_url(url).username


def grant_application_role(engine: Engine, role: str) -> None:
    """Let `role` read and write the rows of every table in the schema and draw ids from its
    sequences, now and for tables later migrations create; it may change no table, and only
    read the migration history. `engine` connects as the tables' owner; the role must exist."""
    if not _ROLE_NAME.match(role):
        raise ValueError(f"not a plain role name: {role!r}")
    with engine.begin() as connection:
        owner = connection.execute(text("SELECT current_user")).scalar_one()
        if owner == role:
            raise ValueError(
                "the application role must not be the tables' owner: row-level security "
                "would not bind it to one workspace, and it could change the tables"
            )
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        target, place = f'"{role}"', f'"{schema}"'
        for statement in (
            f"GRANT USAGE ON SCHEMA {place} TO {target}",
            f"GRANT {ROWS} ON ALL TABLES IN SCHEMA {place} TO {target}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {place} TO {target}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {place} GRANT {ROWS} ON TABLES TO {target}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {place} GRANT USAGE, SELECT ON SEQUENCES "
            f"TO {target}",
        ):
            connection.execute(text(statement))
        history = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
        if history is not None:
            connection.execute(
                text(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {target}")
            )
