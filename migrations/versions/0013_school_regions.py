"""a school's holiday region and contact address

A school (an organisation) keeps the school-holiday region its classes are planned in
(noord, midden, zuid; none until the coordinator chooses it) and the address of its
contact, who is told when a lesson is cancelled.

Revision ID: 0013_school_regions
Revises: 0012
Create Date: 2026-12-03 14:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_school_regions'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('school_region', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('contact_email')
        batch.drop_column('school_region')
