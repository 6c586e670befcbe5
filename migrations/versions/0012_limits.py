"""further private links for a person who signs up again

The public sign-up answers the same whether or not the person is already signed up (no
registration oracle). The person on record gets a message with a further private link instead;
the one they had keeps working, so a stranger who types their address cannot stop it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'registration_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['registration_id'],
            ['registrations.id'],
            name=op.f('fk_registration_links_registration_id_registrations'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_registration_links_token_hash')),
    )
    op.create_index(
        op.f('ix_registration_links_registration_id'), 'registration_links', ['registration_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_registration_links_registration_id'), table_name='registration_links')
    op.drop_table('registration_links')
