"""A random link secret for every contact, signed into its objection link

Revision ID: 0014_contact_link_secrets
Revises: 0013_bigint_ids
Create Date: 2026-12-04 20:15:00

The database makes the secret for each new row (128 random bits as 32 hex digits), so every
path that stores a contact gets one, the bulk import's INSERT ... SELECT included. Existing
contacts get a random secret of their own here. Objection links sent before this revision
carry no secret in their signature and stop working: the page then says the link is invalid.
PostgreSQL's gen_random_uuid() needs PostgreSQL 13 or newer.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_contact_link_secrets"
down_revision = "0013_bigint_ids"
branch_labels = None
depends_on = None

SQLITE_RANDOM = "(lower(hex(randomblob(16))))"
POSTGRESQL_RANDOM = "replace(gen_random_uuid()::text, '-', '')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds no column with an expression default: the table is rebuilt, and the copy
        # of the rows evaluates the default once per row.
        with op.batch_alter_table(
            "contacts", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "link_secret",
                    sa.String(length=32),
                    nullable=False,
                    server_default=sa.text(SQLITE_RANDOM),
                )
            )
        return
    # A volatile default is evaluated for every existing row while the table is rewritten.
    op.add_column(
        "contacts",
        sa.Column(
            "link_secret",
            sa.String(length=32),
            nullable=False,
            server_default=sa.text(POSTGRESQL_RANDOM),
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("contacts", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("link_secret")
