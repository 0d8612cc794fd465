"""board figures kept per item, and daily snapshots

Boards used to compute every item's completion from its milestones and its last update from
the history on each request, and the figures of a week ago from the history of every item.
Each item now keeps its completion and the moment of its last update (updated in the flush
that changes it); each past day's figures per city, department and directive are written
once, from the history, when a board first needs them. The upgrade computes the items'
figures; the downgrade sets them and the snapshots aside, and an upgrade gives them back.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25

"""
import sqlalchemy as sa
from alembic import op

from stash import restore_columns, restore_rows, stash_columns, stash_table

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

MINE = "FROM milestones m WHERE m.item_id = action_items.id"
LATEST = "(SELECT max(s.created_at) FROM status_updates s WHERE s.item_id = action_items.id)"
FIGURES = f"""
UPDATE action_items SET
  last_update_at = CASE WHEN {LATEST} > created_at THEN {LATEST} ELSE created_at END,
  completion = CASE
    WHEN status = 'done' THEN 100.0
    WHEN COALESCE((SELECT sum(m.weight) {MINE}), 0) > 0
      THEN 100.0 * COALESCE((SELECT sum(m.weight) {MINE} AND m.done_on IS NOT NULL), 0)
        / (SELECT sum(m.weight) {MINE})
    ELSE progress
  END
"""


def upgrade():
    op.create_table(
        'board_snapshot_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_board_snapshot_days')),
    )
    op.create_table(
        'board_snapshots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('city_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('directive_id', sa.Integer(), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('completion_sum', sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ['city_id'], ['cities.id'],
            name=op.f('fk_board_snapshots_city_id_cities'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['department_id'], ['departments.id'],
            name=op.f('fk_board_snapshots_department_id_departments'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['directive_id'], ['directives.id'],
            name=op.f('fk_board_snapshots_directive_id_directives'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_board_snapshots')),
    )
    with op.batch_alter_table('board_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_board_snapshots_day_city', ['day', 'city_id'], unique=False)

    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('completion', sa.Double(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column('last_update_at', sa.DateTime(timezone=True), nullable=True)
        )
    op.execute(FIGURES)
    restore_columns(revision, 'action_items', ['completion', 'last_update_at'])
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.alter_column('completion', server_default=None)
        batch_op.alter_column(
            'last_update_at', existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_index(
            'ix_action_items_city_last_update', ['city_id', 'last_update_at'], unique=False
        )
    restore_rows(revision, 'board_snapshot_days')
    restore_rows(revision, 'board_snapshots')


def downgrade():
    stash_table(revision, 'board_snapshots')
    stash_table(revision, 'board_snapshot_days')
    stash_columns(revision, 'action_items', ['completion', 'last_update_at'])
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index('ix_action_items_city_last_update')
        batch_op.drop_column('last_update_at')
        batch_op.drop_column('completion')
    with op.batch_alter_table('board_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_board_snapshots_day_city')
    op.drop_table('board_snapshots')
    op.drop_table('board_snapshot_days')
