"""a participant's "can't come" and two-way SMS

absence_notices: she can't come to a meeting (from her page, a reminder's link or an SMS reply);
absence_links: the hashed secrets of the reminders' one-meeting links; sms_replies: SMS sent to
the service, the not-understood ones for the coordinator; participants.sms_stopped_at: STOP.

Revision ID: 0020_cant_come
Revises: 0019_support_needs
Create Date: 2026-12-03 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import groepsaanbod.db
from alembic import op

revision: str = "0020_cant_come"
down_revision: str | None = "0019_support_needs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("sms_stopped_at", groepsaanbod.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "absence_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "registration_id", sa.Integer(), sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.Column("created_at", groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_absence_notices_session_id", "absence_notices", ["session_id"])
    op.create_index("ix_absence_notices_registration_id", "absence_notices", ["registration_id"])
    op.create_index(
        "uq_absence_notices_live",
        "absence_notices",
        ["session_id", "registration_id"],
        unique=True,
        postgresql_where=sa.text("withdrawn_at IS NULL"),
        sqlite_where=sa.text("withdrawn_at IS NULL"),
    )
    op.create_table(
        "absence_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "registration_id", sa.Integer(), sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_sms", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_absence_links_session_id", "absence_links", ["session_id"])
    op.create_index("ix_absence_links_registration_id", "absence_links", ["registration_id"])
    op.create_table(
        "sms_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=False),
        sa.Column("from_phone", sa.String(length=32), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=True),
        sa.Column("received_at", groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column(
            "participant_id", sa.Integer(), sa.ForeignKey("participants.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column(
            "registration_id", sa.Integer(), sa.ForeignKey("registrations.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("understood", sa.String(length=16), nullable=False),
        sa.Column("handled_at", groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_sms_replies_open", "sms_replies", ["organisation_id", "handled_at"])
    op.create_index("ix_sms_replies_participant_id", "sms_replies", ["participant_id"])


def downgrade() -> None:
    op.drop_table("sms_replies")
    op.drop_table("absence_links")
    op.drop_table("absence_notices")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("sms_stopped_at")
