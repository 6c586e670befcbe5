"""security and privacy: second factor, one-time account links, rate counters,
audit events, consent versions, private link expiry, erasure

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:27:11.417574
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rate_counters',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('window_start', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window_start', name=op.f('pk_rate_counters'))
    )
    op.create_table('account_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('created_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_account_tokens_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_account_tokens'))
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_tokens_staff_id'), ['staff_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_staff_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_staff_id'], ['staff.id'], name=op.f('fk_audit_events_actor_staff_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_audit_events_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_audit_events_participant_id_participants'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_organisation_at', ['organisation_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_participant_id'), ['participant_id'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_second_factor', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('consent_language', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('access_expires_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))

    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_factor_done', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_column('second_factor_done')

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('access_expires_at')
        batch_op.drop_column('consent_language')
        batch_op.drop_column('consent_version')

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('require_second_factor')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_participant_id'))
        batch_op.drop_index('ix_audit_events_organisation_at')

    op.drop_table('audit_events')
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tokens_staff_id'))

    op.drop_table('account_tokens')
    op.drop_table('rate_counters')
