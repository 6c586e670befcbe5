"""outbox retries and failures

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 02:18:29.654173
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'], ondelete='SET NULL')




def downgrade() -> None:

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_next_attempt_at'))
        batch_op.drop_column('organisation_id')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('next_attempt_at')


