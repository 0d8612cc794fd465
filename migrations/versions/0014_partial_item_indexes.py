"""items: the indexes of the parent item and the sub-unit passed down to, partial

Nearly every item has neither. SQLite's statistics count the NULLs of a full index as one
value shared by every row, so it scanned the whole table for the few items passed down to
a supervisor's scope (on every page a supervisor opens); an index of the non-NULL values
alone is read instead, on both databases.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

COLUMNS = ['parent_id', 'passed_to_city_id']


def upgrade():
    for column in COLUMNS:
        name = f'ix_action_items_{column}'
        where = sa.text(f'{column} IS NOT NULL')
        op.drop_index(name, table_name='action_items')
        op.create_index(
            name, 'action_items', [column], sqlite_where=where, postgresql_where=where
        )


def downgrade():
    for column in COLUMNS:
        name = f'ix_action_items_{column}'
        op.drop_index(name, table_name='action_items')
        op.create_index(name, 'action_items', [column])
