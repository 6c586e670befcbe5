"""attendance_marks: marks a phone sent later (the register offline), each received once by its id

Revision ID: 0023_attendance_marks
Revises: 0022_webhooks
Create Date: 2026-12-04 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import groepsaanbod.db
from alembic import op

revision: str = "0023_attendance_marks"
down_revision: str | None = "0022_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = groepsaanbod.db.UTCDateTime(timezone=True)
    op.create_table(
        "attendance_marks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "participant_id", sa.Integer(), sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("value", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("marked_at", when, nullable=False),
        sa.Column("marked_by_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
        sa.Column("received_at", when, nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attendance_marks_session_id", "attendance_marks", ["session_id"])
    op.create_index("ix_attendance_marks_participant_id", "attendance_marks", ["participant_id"])


def downgrade() -> None:
    op.drop_table("attendance_marks")
