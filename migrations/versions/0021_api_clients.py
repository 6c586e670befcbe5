"""API clients: other systems calling the API with a service token of one organisation

Revision ID: 0021_api_clients
Revises: 0020_cant_come
Create Date: 2026-12-03 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import groepsaanbod.db
from alembic import op

revision: str = "0021_api_clients"
down_revision: str | None = "0020_cant_come"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=16), nullable=False),
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("revoked_at", groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
        sa.Column("last_used_at", groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_id"),
        sa.UniqueConstraint("staff_id"),
    )
    op.create_index("ix_api_clients_organisation_id", "api_clients", ["organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_api_clients_organisation_id", table_name="api_clients")
    op.drop_table("api_clients")
