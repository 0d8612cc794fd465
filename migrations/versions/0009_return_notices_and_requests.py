"""return notices and requests for an update through the outbox

A supervisor returning a submitted item used to email its owners straight from the request
(lost when the mail server was down). The notice is now an outbox message of its own kind,
pointing at the history entry that returned the item. A supervisor may also ask the owners
of chosen items for an update (催办): a message of its own kind whose lines say so.

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

NEW_MESSAGES = "kind IN ('returned', 'request')"
NEW_LINES = (
    "reason = 'requested' OR reminder_id IN (SELECT id FROM reminders WHERE " + NEW_MESSAGES + ")"
)


def upgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('update_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_reminders_update_id_status_updates'),
            'status_updates',
            ['update_id'],
            ['id'],
        )
        # New kinds and reasons (the autogenerator does not see CHECK constraints).
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint(
            "kind", "kind IN ('daily', 'digest', 'assignment', 'returned', 'request')"
        )
    with op.batch_alter_table('reminder_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reminder_lines_reason"), type_="check")
        batch_op.create_check_constraint(
            "reason",
            "reason IN ('due_soon', 'due_today', 'overdue', 'escalation', 'stale', 'requested')",
        )
    # What a downgrade set aside: the return notices and requests, sent or waiting.
    restore_columns(revision, 'reminders', ['update_id'])
    restore_rows(revision, 'reminders')
    restore_rows(revision, 'reminder_lines')


def downgrade():
    # The older outbox cannot hold these messages: they wait in a stash with their lines.
    stash_rows(revision, 'reminder_lines', NEW_LINES)
    stash_rows(revision, 'reminders', NEW_MESSAGES)
    stash_columns(revision, 'reminders', ['update_id'])
    with op.batch_alter_table('reminder_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reminder_lines_reason"), type_="check")
        batch_op.create_check_constraint(
            "reason", "reason IN ('due_soon', 'due_today', 'overdue', 'escalation', 'stale')"
        )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('daily', 'digest', 'assignment')")
        batch_op.drop_constraint(
            batch_op.f('fk_reminders_update_id_status_updates'), type_='foreignkey'
        )
        batch_op.drop_column('update_id')
