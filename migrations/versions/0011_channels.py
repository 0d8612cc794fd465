"""group robots and SMS beside email: department robots, mobile numbers, the outbox's channel; monthly bulletins

A department may have a group robot (DingTalk, WeCom or Feishu) that gets its daily summary,
escalations and requests for an update; a person may take urgent messages by SMS too. The
outbox gains the channel of each message, and a robot's message is addressed to a
department instead of a person; a robot's request for an update names its items.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

from stash import (
    restore_columns,
    restore_rows,
    stash_columns,
    stash_rows,
    stash_table,
)

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

NEW_MESSAGES = "channel != 'email' OR kind IN ('summary', 'escalation', 'bulletin')"
NEW_LINES = "reminder_id IN (SELECT id FROM reminders WHERE " + NEW_MESSAGES + ")"
ADDRESSED = (
    "(channel = 'robot' AND department_id IS NOT NULL AND recipient_id IS NULL)"
    " OR (channel != 'robot' AND recipient_id IS NOT NULL)"
)


def upgrade():
    op.create_table(
        'department_robots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column(
            'platform',
            sa.Enum(
                'dingtalk', 'wecom', 'feishu', name='platform', native_enum=False, length=32,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=200), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['department_id'], ['departments.id'],
            name=op.f('fk_department_robots_department_id_departments'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_department_robots')),
        sa.UniqueConstraint('department_id', name=op.f('uq_department_robots_department_id')),
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile', sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column('sms_urgent', sa.Boolean(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'channel',
                sa.Enum(
                    'email', 'robot', 'sms', name='channel', native_enum=False, length=32,
                    create_constraint=True,
                ),
                nullable=False,
                server_default='email',
            )
        )
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_reminders_department_id_departments'),
            'departments',
            ['department_id'],
            ['id'],
        )
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint(
            "kind",
            "kind IN ('daily', 'digest', 'assignment', 'returned', 'request', 'summary', "
            "'escalation', 'bulletin')",
        )
        batch_op.create_check_constraint("addressed", ADDRESSED)
    op.create_table(
        'reminder_items',
        sa.Column('reminder_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['item_id'], ['action_items.id'], name=op.f('fk_reminder_items_item_id_action_items')
        ),
        sa.ForeignKeyConstraint(
            ['reminder_id'], ['reminders.id'], name=op.f('fk_reminder_items_reminder_id_reminders')
        ),
        sa.PrimaryKeyConstraint('reminder_id', 'item_id', name=op.f('pk_reminder_items')),
    )
    restore_rows(revision, 'department_robots')
    restore_columns(revision, 'users', ['mobile', 'sms_urgent'])
    restore_rows(revision, 'reminders')
    restore_rows(revision, 'reminder_lines')
    restore_rows(revision, 'reminder_items')


def downgrade():
    # The older outbox holds emails only: robot posts, SMS and the new kinds wait in a stash.
    stash_table(revision, 'reminder_items')
    op.drop_table('reminder_items')
    stash_rows(revision, 'reminder_lines', NEW_LINES)
    stash_rows(revision, 'reminders', NEW_MESSAGES)
    stash_columns(revision, 'users', ['mobile', 'sms_urgent'])
    stash_table(revision, 'department_robots')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reminders_addressed"), type_="check")
        batch_op.drop_constraint(op.f("ck_reminders_kind"), type_="check")
        batch_op.create_check_constraint(
            "kind", "kind IN ('daily', 'digest', 'assignment', 'returned', 'request')"
        )
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(
            batch_op.f('fk_reminders_department_id_departments'), type_='foreignkey'
        )
        batch_op.drop_column('department_id')
        batch_op.drop_constraint(op.f("ck_reminders_channel"), type_="check")
        batch_op.drop_column('channel')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('sms_urgent')
        batch_op.drop_column('mobile')
    op.drop_table('department_robots')
