"""registration, waiting lists, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 01:31:52.511262
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('created_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_kind'), ['kind'], unique=False)

    op.create_table('registration_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('actor_staff_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_staff_id'], ['staff.id'], name=op.f('fk_registration_events_actor_staff_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_registration_events_cohort_id_cohorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_registration_events_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_events_registration_id_registrations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_events'))
    )
    with op.batch_alter_table('registration_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_events_programme_id'), ['programme_id'], unique=False)

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        # Existing rows get the defaults: no place, not taking registrations.
        batch_op.add_column(sa.Column('place', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('accepts_registrations', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=False, server_default='nl'))
        batch_op.add_column(sa.Column('place', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('consented_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('access_revoked_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_index(batch_op.f('ix_registrations_cohort_id'))
        batch_op.create_index('ix_registrations_cohort_status', ['cohort_id', 'status'], unique=False)
        batch_op.create_index('ix_registrations_programme_status', ['programme_id', 'status'], unique=False)
        batch_op.create_index('uq_registrations_programme_email', ['programme_id', 'contact_email'], unique=True, postgresql_where=sa.text("status <> 'withdrawn' AND contact_email IS NOT NULL"), sqlite_where=sa.text("status <> 'withdrawn' AND contact_email IS NOT NULL"))
        batch_op.create_index('uq_registrations_programme_phone', ['programme_id', 'contact_phone'], unique=True, postgresql_where=sa.text("status <> 'withdrawn' AND contact_phone IS NOT NULL"), sqlite_where=sa.text("status <> 'withdrawn' AND contact_phone IS NOT NULL"))



def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_registrations_programme_phone', postgresql_where=sa.text("status <> 'withdrawn' AND contact_phone IS NOT NULL"), sqlite_where=sa.text("status <> 'withdrawn' AND contact_phone IS NOT NULL"))
        batch_op.drop_index('uq_registrations_programme_email', postgresql_where=sa.text("status <> 'withdrawn' AND contact_email IS NOT NULL"), sqlite_where=sa.text("status <> 'withdrawn' AND contact_email IS NOT NULL"))
        batch_op.drop_index('ix_registrations_programme_status')
        batch_op.drop_index('ix_registrations_cohort_status')
        batch_op.create_index(batch_op.f('ix_registrations_cohort_id'), ['cohort_id'], unique=False)
        batch_op.drop_column('access_revoked_at')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('consented_at')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('place')
        batch_op.drop_column('language')

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('accepts_registrations')
        batch_op.drop_column('place')

    with op.batch_alter_table('registration_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_events_programme_id'))

    op.drop_table('registration_events')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_kind'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_created_at'))

    op.drop_table('outbox_messages')
