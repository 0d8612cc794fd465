"""reminder outbox with lines, scheduler lease, reminder settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa

from stash import restore_columns, restore_rows, stash_columns, stash_table


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


STATES = ("pending", "sending", "sent", "failed", "cancelled")


def _create_reminders(kinds, per_item):
    """The outbox table. Until 0003 it had never held data, so it is recreated, not altered:
    its kind values (a CHECK constraint) change, which batch mode cannot alter on SQLite.
    What it held since 0003 is stashed by the downgrade and restored by the upgrade."""
    item_columns = [
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["action_items.id"], name="fk_reminders_item_id_action_items"),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestones.id"], name="fk_reminders_milestone_id_milestones"),
    ] if per_item else [sa.Column("claimed_by", sa.String(length=128), nullable=True)]
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.Enum(*kinds, name="kind", native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("period_on", sa.Date(), nullable=False),
        sa.Column("state", sa.Enum(*STATES, name="state", native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *item_columns,
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name="fk_reminders_recipient_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
        sa.UniqueConstraint("key", name="uq_reminders_key"),
    )
    op.create_index("ix_reminders_state_next_attempt", "reminders", ["state", "next_attempt_at"])
    if per_item:
        op.create_index("ix_reminders_item_id", "reminders", ["item_id"])
        op.create_index("ix_reminders_recipient_id", "reminders", ["recipient_id"])
    else:
        op.create_index("ix_reminders_recipient_period", "reminders", ["recipient_id", "period_on"])


def upgrade():
    op.drop_table("reminders")
    _create_reminders(("daily", "digest"), per_item=False)
    restore_rows(revision, "reminders")
    op.create_table('scheduler_leases',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_tick_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leases'))
    )
    restore_rows(revision, 'scheduler_leases')
    op.create_table('reminder_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Enum('due_soon', 'due_today', 'overdue', 'escalation', 'stale', name='reason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=True),
    sa.Column('dropped', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['action_items.id'], name=op.f('fk_reminder_lines_item_id_action_items')),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], name=op.f('fk_reminder_lines_milestone_id_milestones')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_reminder_lines_owner_id_users')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_reminder_lines_recipient_id_users')),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'], name=op.f('fk_reminder_lines_reminder_id_reminders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_lines')),
    sa.UniqueConstraint('key', name=op.f('uq_reminder_lines_key'))
    )
    with op.batch_alter_table('reminder_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_lines_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_reminder_lines_recipient_reminder', ['recipient_id', 'reminder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_lines_reminder_id'), ['reminder_id'], unique=False)
    restore_rows(revision, 'reminder_lines')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminders_paused_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('delegate_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reminders_planned_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_delegate_id_users'), 'users', ['delegate_id'], ['id'])
    restore_columns(revision, 'users', ['reminders_paused_until', 'delegate_id', 'reminders_planned_on'])

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    stash_columns(revision, 'users', ['reminders_paused_until', 'delegate_id', 'reminders_planned_on'])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_delegate_id_users'), type_='foreignkey')
        batch_op.drop_column('reminders_planned_on')
        batch_op.drop_column('delegate_id')
        batch_op.drop_column('reminders_paused_until')

    with op.batch_alter_table('reminder_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_lines_reminder_id'))
        batch_op.drop_index('ix_reminder_lines_recipient_reminder')
        batch_op.drop_index(batch_op.f('ix_reminder_lines_item_id'))

    stash_table(revision, 'reminder_lines')
    op.drop_table('reminder_lines')
    stash_table(revision, 'scheduler_leases')
    op.drop_table('scheduler_leases')
    stash_table(revision, "reminders")
    op.drop_table("reminders")
    _create_reminders(
        ("due_soon", "due_today", "overdue", "escalation", "stale", "digest", "assignment"),
        per_item=True,
    )
    # ### end Alembic commands ###
