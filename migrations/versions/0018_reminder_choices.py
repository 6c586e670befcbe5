"""a participant's reminder choice

Each registration keeps how the person wants her meeting reminders (email, sms, both or none;
empty: email, else SMS) and, when the programme lets her choose, how many hours before a
meeting (one of the template's reminder_choices_hours; empty: the template's reminder_hours).

Revision ID: 0018_reminder_choices
Revises: 0017_person_language
Create Date: 2026-12-03 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_reminder_choices"
down_revision: str | None = "0017_person_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.add_column(sa.Column('reminder_channels', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('reminder_hours', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.drop_column('reminder_hours')
        batch.drop_column('reminder_channels')
