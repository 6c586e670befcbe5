"""a school's holiday region and contact address

A school (an organisation) keeps the school-holiday region its classes are planned in
(noord, midden, zuid; none until the coordinator chooses it) and the address of its
contact, who is told when a lesson is cancelled. A guest teacher's topics, weekdays and
weeks off per organisation, which the THINK year planner uses.

Revision ID: 0016_school_regions
Revises: 0015_appointments
Create Date: 2026-12-03 14:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_school_regions"
down_revision: str | None = "0015_appointments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('school_region', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
    op.create_table(
        'guest_teacher_availability',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('topics', sa.JSON(), nullable=False),
        sa.Column('weekdays', sa.JSON(), nullable=False),
        sa.Column('weeks_off', sa.JSON(), nullable=False),
        sa.Column('max_lessons_per_week', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['organisation_id'],
            ['organisations.id'],
            name=op.f('fk_guest_teacher_availability_organisation_id_organisations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['staff_id'], ['staff.id'], name=op.f('fk_guest_teacher_availability_staff_id_staff'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_teacher_availability')),
        sa.UniqueConstraint('organisation_id', 'staff_id', name='guest_teacher_once'),
    )
    with op.batch_alter_table('guest_teacher_availability') as batch:
        batch.create_index(
            batch.f('ix_guest_teacher_availability_organisation_id'), ['organisation_id'], unique=False
        )
        batch.create_index(batch.f('ix_guest_teacher_availability_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    op.drop_table('guest_teacher_availability')
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('contact_email')
        batch.drop_column('school_region')
