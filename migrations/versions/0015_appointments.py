"""appointments: the times offered for individual meetings (phone calls, intakes) and who has each

Revision ID: 0015_appointments
Revises: 0014_dropin
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = "0015_appointments"
down_revision: str | None = "0014_dropin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'appointments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('local_start', sa.DateTime(timezone=False), nullable=False),
        sa.Column('starts_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('duration_minutes', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('chosen_by', sa.String(length=16), nullable=True),
        sa.Column('chosen_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('created_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['registration_id'],
            ['registrations.id'],
            name=op.f('fk_appointments_registration_id_registrations'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['session_id'], ['sessions.id'], name=op.f('fk_appointments_session_id_sessions'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments')),
        sa.UniqueConstraint('session_id', 'local_start', name='uq_appointments_session_local_start'),
        sa.UniqueConstraint('session_id', 'registration_id', name='uq_appointments_session_registration'),
    )
    op.create_index(op.f('ix_appointments_session_id'), 'appointments', ['session_id'], unique=False)
    op.create_index(op.f('ix_appointments_starts_at'), 'appointments', ['starts_at'], unique=False)
    op.create_index(op.f('ix_appointments_registration_id'), 'appointments', ['registration_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_appointments_registration_id'), table_name='appointments')
    op.drop_index(op.f('ix_appointments_starts_at'), table_name='appointments')
    op.drop_index(op.f('ix_appointments_session_id'), table_name='appointments')
    op.drop_table('appointments')
