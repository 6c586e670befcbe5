"""tenancy: invitations of their own, availability per organisation, who made a feed

Joining an organisation needs the person's consent, so an invitation is a row of its
own (open until accepted, declined or withdrawn) instead of a role added at once. A
school class whose mentor was invited waits for that invitation. Working hours are per
person and organisation: each organisation keeps its own. Existing hours are copied to
every organisation the person works for (they applied to all of them until now), and
hours of people who work for none are dropped. A group's or location's calendar link
remembers who made it, so it stops when they leave the organisation.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 07:32:58
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import groepsaanbod.db

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('answered_at', groepsaanbod.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'accepted', 'declined', 'withdrawn')", name=op.f('ck_staff_invitations_known_status')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['staff.id'], name=op.f('fk_staff_invitations_invited_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_staff_invitations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_invitations_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_invitations_token_hash'))
    )
    with op.batch_alter_table('staff_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_invitations_email'), ['email'], unique=False)
        batch_op.create_index('ix_staff_invitations_organisation_status', ['organisation_id', 'status'], unique=False)

    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('made_by_staff_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_feeds_made_by_staff_id_staff'), 'staff', ['made_by_staff_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('school_classes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mentor_invitation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_school_classes_mentor_invitation_id_staff_invitations'), 'staff_invitations', ['mentor_invitation_id'], ['id'], ondelete='SET NULL')

    # Hours per organisation: first nullable, filled from the roles, then required.
    with op.batch_alter_table('staff_availability', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
    op.execute(
        "INSERT INTO staff_availability (staff_id, organisation_id, weekday, starts, ends) "
        "SELECT a.staff_id, o.organisation_id, a.weekday, a.starts, a.ends "
        "FROM staff_availability a "
        "JOIN (SELECT DISTINCT staff_id, organisation_id FROM roles) o ON o.staff_id = a.staff_id "
        "WHERE a.organisation_id IS NULL"
    )
    op.execute("DELETE FROM staff_availability WHERE organisation_id IS NULL")
    with op.batch_alter_table('staff_availability', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index(batch_op.f('ix_staff_availability_staff_id'))
        batch_op.create_index('ix_staff_availability_staff_organisation', ['staff_id', 'organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_staff_availability_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    # Back to one set of hours per person: keep those of one organisation (the lowest id).
    op.execute(
        "DELETE FROM staff_availability WHERE organisation_id <> "
        "(SELECT MIN(b.organisation_id) FROM staff_availability b WHERE b.staff_id = staff_availability.staff_id)"
    )
    with op.batch_alter_table('staff_availability', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_staff_availability_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index('ix_staff_availability_staff_organisation')
        batch_op.create_index(batch_op.f('ix_staff_availability_staff_id'), ['staff_id'], unique=False)
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('school_classes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_school_classes_mentor_invitation_id_staff_invitations'), type_='foreignkey')
        batch_op.drop_column('mentor_invitation_id')

    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feeds_made_by_staff_id_staff'), type_='foreignkey')
        batch_op.drop_column('made_by_staff_id')

    with op.batch_alter_table('staff_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_invitations_organisation_status')
        batch_op.drop_index(batch_op.f('ix_staff_invitations_email'))

    op.drop_table('staff_invitations')
