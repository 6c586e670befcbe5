"""staff availability and absences, venue opening hours and closures

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 01:43:17.408438
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_availability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_availability_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_availability'))
    )
    with op.batch_alter_table('staff_availability', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_availability_staff_id'), ['staff_id'], unique=False)

    op.create_table('venue_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_venue_closures_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue_closures'))
    )
    with op.batch_alter_table('venue_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_closures_venue_id'), ['venue_id'], unique=False)

    op.create_table('venue_openings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_venue_openings_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue_openings'))
    )
    with op.batch_alter_table('venue_openings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_openings_venue_id'), ['venue_id'], unique=False)

    op.create_table('staff_absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reported_by_id'], ['staff.id'], name=op.f('fk_staff_absences_reported_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_staff_absences_session_id_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_absences_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_absences'))
    )
    with op.batch_alter_table('staff_absences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_absences_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_absences_staff_id'), ['staff_id'], unique=False)

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('moved_from', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('moved_from')
        batch_op.drop_column('number')

    with op.batch_alter_table('staff_absences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_absences_staff_id'))
        batch_op.drop_index(batch_op.f('ix_staff_absences_session_id'))

    op.drop_table('staff_absences')
    with op.batch_alter_table('venue_openings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_openings_venue_id'))

    op.drop_table('venue_openings')
    with op.batch_alter_table('venue_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_closures_venue_id'))

    op.drop_table('venue_closures')
    with op.batch_alter_table('staff_availability', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_availability_staff_id'))

    op.drop_table('staff_availability')
