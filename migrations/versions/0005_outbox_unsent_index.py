"""outbox index of unsent messages

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 02:52:12.076206
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_unsent', ['id'], unique=False, postgresql_where=sa.text('sent_at IS NULL AND failed_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL AND failed_at IS NULL'))




def downgrade() -> None:

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_unsent', postgresql_where=sa.text('sent_at IS NULL AND failed_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL AND failed_at IS NULL'))


