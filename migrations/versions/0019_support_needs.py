"""support needs on the registration

What a person asks for to be able to come (an interpreter and its language, childcare for
her other children, a partner coming along, help with travel, accessibility), as JSON in the
shape registration/support.py checks; NULL when she asked for nothing. Erased with the person.

Revision ID: 0019_support_needs
Revises: 0018_reminder_choices
Create Date: 2026-12-03 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_support_needs"
down_revision: str | None = "0018_reminder_choices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("support", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("support")
