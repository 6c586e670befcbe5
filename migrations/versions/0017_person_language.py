"""the participant a message was sent to

outbox_messages.participant_id: the message is hers (her data export lists it, erasing her
deletes it, whichever address it went to). Messages to staff and schools have none. Old rows
keep none: they are found by their address and dedupe key, as before.

Revision ID: 0017_person_language
Revises: 0016_school_regions
Create Date: 2026-12-03 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_person_language"
down_revision: str | None = "0016_school_regions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.add_column(sa.Column('participant_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_participant_id'), ['participant_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_messages_participant_id_participants'),
            'participants',
            ['participant_id'],
            ['id'],
            ondelete='CASCADE',
        )


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_participant_id_participants'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_participant_id'))
        batch_op.drop_column('participant_id')
