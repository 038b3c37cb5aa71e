"""predictive scoring: trained models per workspace and target, scores of open leads

Revision ID: 0006_models
Revises: 0005_ui
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadflow.adapters.db.types import UtcDateTime

revision = "0006_models"
down_revision = "0005_ui"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "predictive_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("model_name", sa.String(length=40), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.Column("trained_at", UtcDateTime(), nullable=False),
        sa.Column("training_size", sa.Integer(), nullable=False),
        sa.Column("positives", sa.Integer(), nullable=False),
        sa.Column("validation", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_predictive_models_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_predictive_models")),
    )
    op.create_index(
        "ix_predictive_models_workspace_target",
        "predictive_models",
        ["workspace_id", "target", "id"],
        unique=False,
    )
    op.create_table(
        "predictive_scores",
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("sql_probability", sa.Float(), nullable=True),
        sa.Column("sql_factors", sa.Text(), nullable=True),
        sa.Column("sql_model_id", sa.Integer(), nullable=True),
        sa.Column("won_probability", sa.Float(), nullable=True),
        sa.Column("won_factors", sa.Text(), nullable=True),
        sa.Column("won_model_id", sa.Integer(), nullable=True),
        sa.Column("scored_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_predictive_scores_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_predictive_scores_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sql_model_id"],
            ["predictive_models.id"],
            name=op.f("fk_predictive_scores_sql_model_id_predictive_models"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["won_model_id"],
            ["predictive_models.id"],
            name=op.f("fk_predictive_scores_won_model_id_predictive_models"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("lead_id", "workspace_id", name=op.f("pk_predictive_scores")),
    )


def downgrade() -> None:
    op.drop_table("predictive_scores")
    op.drop_index("ix_predictive_models_workspace_target", table_name="predictive_models")
    op.drop_table("predictive_models")
