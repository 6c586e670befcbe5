"""a cohort's head count and the end of its waiting list from one index

A sign-up reads, under the cohort's lock, the number confirmed and the last waiting-list
position. With the index on (cohort_id, status) alone, the last position meant reading every
waiting registration of the cohort, and PostgreSQL's generic plan of the prepared statement,
planned with statistics from before a busy sign-up day, sorted them all: 14 ms at 8,698
waiting, under the lock. With waitlist_position as the index's third column the last place is
one backward step, whatever the statistics; the count of the confirmed uses the same index.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 07:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_registrations_cohort_status_position',
        'registrations',
        ['cohort_id', 'status', 'waitlist_position'],
        unique=False,
    )
    op.drop_index('ix_registrations_cohort_status', table_name='registrations')


def downgrade() -> None:
    op.create_index('ix_registrations_cohort_status', 'registrations', ['cohort_id', 'status'], unique=False)
    op.drop_index('ix_registrations_cohort_status_position', table_name='registrations')
