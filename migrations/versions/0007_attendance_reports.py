"""attendance registers, signals, report indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:23:08.011218
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('attendance_signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('attended', sa.Integer(), nullable=False),
    sa.Column('recorded', sa.Integer(), nullable=False),
    sa.Column('raised_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('handled_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_attendance_signals_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['staff.id'], name=op.f('fk_attendance_signals_handled_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_attendance_signals_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_attendance_signals_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_signals'))
    )
    with op.batch_alter_table('attendance_signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_signals_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index('ix_attendance_signals_open', ['programme_id', 'handled_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_signals_participant_id'), ['participant_id'], unique=False)

    op.create_table('session_registers',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('taken_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('theme', sa.String(length=200), nullable=False),
    sa.Column('speaker', sa.String(length=200), nullable=False),
    sa.Column('volunteer_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff.id'], name=op.f('fk_session_registers_changed_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_session_registers_session_id_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['staff.id'], name=op.f('fk_session_registers_taken_by_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_session_registers'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_participant_session', ['participant_id', 'session_id', 'status'], unique=False)

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index('ix_sessions_programme_starts_at', ['programme_id', 'starts_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_programme_starts_at')

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_participant_session')

    op.drop_table('session_registers')
    with op.batch_alter_table('attendance_signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_signals_participant_id'))
        batch_op.drop_index('ix_attendance_signals_open')
        batch_op.drop_index(batch_op.f('ix_attendance_signals_cohort_id'))

    op.drop_table('attendance_signals')
