"""offers with a deadline: a freed place is held for the first on the waiting list

A registration with status 'offered' holds its group's place until offered_until; the worker
passes an unanswered offer on to the next (registration/services/offers.py).

Revision ID: 0013_open_groups
Revises: 0012
Create Date: 2026-12-03 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0013_open_groups'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.add_column(sa.Column('offered_until', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))
        batch.create_index(batch.f('ix_registrations_offered_until'), ['offered_until'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.drop_index(batch.f('ix_registrations_offered_until'))
        batch.drop_column('offered_until')
