"""directives: the owner the speech names, and the department it suggests

The extractor reads the unit a directive's text names as its owner (…牵头, 由…负责,
"X should …"); the directive keeps those words and the department of the city (or of a
sub-unit) they match, for the reviewer to see and confirm.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

from stash import restore_columns, stash_columns

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = ['owner_hint', 'suggested_department_id']


def upgrade():
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_hint', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('suggested_department_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_directives_suggested_department_id_departments'),
            'departments', ['suggested_department_id'], ['id'], ondelete='SET NULL',
        )
    restore_columns(revision, 'directives', COLUMNS)


def downgrade():
    stash_columns(revision, 'directives', COLUMNS)
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_directives_suggested_department_id_departments'), type_='foreignkey'
        )
        batch_op.drop_column('suggested_department_id')
        batch_op.drop_column('owner_hint')
