"""return notices through the outbox

A supervisor returning a submitted item used to email its owners straight from the request
(lost when the mail server was down). The notice is now an outbox message of its own kind,
pointing at the history entry that returned the item.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25

"""
import sqlalchemy as sa
from alembic import op

from stash import restore_columns, restore_rows, stash_columns, stash_rows

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

RETURN_NOTICES = "kind = 'returned'"


def upgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('update_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_reminders_update_id_status_updates'),
            'status_updates',
            ['update_id'],
            ['id'],
        )
        # A new kind of outbox message (the autogenerator does not see CHECK constraints).
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint(
            "kind", "kind IN ('daily', 'digest', 'assignment', 'returned')"
        )
    # What a downgrade set aside: the return notices, sent or waiting.
    restore_columns(revision, 'reminders', ['update_id'])
    restore_rows(revision, 'reminders')


def downgrade():
    # The older outbox cannot hold return notices: they wait in a stash (they have no lines).
    stash_rows(revision, 'reminders', RETURN_NOTICES)
    stash_columns(revision, 'reminders', ['update_id'])
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('daily', 'digest', 'assignment')")
        batch_op.drop_constraint(
            batch_op.f('fk_reminders_update_id_status_updates'), type_='foreignkey'
        )
        batch_op.drop_column('update_id')
