"""content languages: the language a staff member wrote a free text in

sessions.cancel_reason_language and drop_in_pauses.reason_language: the page (or API request)
language of the person who typed the reason, so a page in another language marks it with its
`lang` (WCAG 3.1.2). Older rows stay NULL: their language is not known.

Revision ID: 0024_content_languages
Revises: 0022_webhooks
Create Date: 2026-12-04 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0024_content_languages"
down_revision: str | None = "0022_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("cancel_reason_language", sa.String(5), nullable=True))
    op.add_column("drop_in_pauses", sa.Column("reason_language", sa.String(5), nullable=True))


def downgrade() -> None:
    op.drop_column("drop_in_pauses", "reason_language")
    op.drop_column("sessions", "cancel_reason_language")
