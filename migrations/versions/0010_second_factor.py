"""second factor: secrets encrypted at rest, a secret waiting for its set-up in the
sign-in's session, recovery codes

The TOTP secrets 0008 stored in the clear are encrypted here with the keys of
GROEPSAANBOD_ENCRYPTION_KEYS (in development without them: the key file under
var/, see protection/encryption.py). Outside development, with secrets to
encrypt and no keys, the upgrade stops with a message saying what to set.
Downgrading decrypts them again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _keys():
    from groepsaanbod.protection.encryption import key_ring
    from groepsaanbod.settings import Settings

    return key_ring(Settings.from_env())


def _convert_secrets(convert) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, totp_secret FROM staff WHERE totp_secret IS NOT NULL")).all()
    for staff_id, secret in rows:
        bind.execute(
            sa.text("UPDATE staff SET totp_secret = :secret WHERE id = :id"), {"secret": convert(secret), "id": staff_id}
        )


def upgrade() -> None:
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_recovery_codes_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('staff_id', 'code_hash', name='staff_recovery_code')
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_staff_id'), ['staff_id'], unique=False)

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)

    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_totp_secret', sa.String(length=255), nullable=True))

    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM staff WHERE totp_secret IS NOT NULL")).scalar():
        keys = _keys()
        _convert_secrets(keys.encrypt)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM staff WHERE totp_secret IS NOT NULL")).scalar():
        keys = _keys()
        _convert_secrets(keys.decrypt)

    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_column('pending_totp_secret')

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)

    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_staff_id'))

    op.drop_table('recovery_codes')
