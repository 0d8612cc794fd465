"""the 督办 cycle: 签收, 主办/协办, 延期申请, 转办, 定期报送, 批示 and the leader role

Items gain the times of their stages (assigned, acknowledged, first report, submitted), the
due date before an approved extension, the item they were passed down from or the sub-unit
they were passed down to, a reporting cycle and a flag that opens extension requests after
the due date. Supporting departments, extension requests and leaders' instructions get
tables of their own; a report can be a supporting department's, on its part; the outbox
gains notices that tell of one audited event, and reminder lines for acknowledgement and
periodic reports; users may be leaders (市领导).

Items that existed before count as assigned and acknowledged when they were created.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from stash import restore_columns, restore_rows, stash_columns, stash_rows, stash_table

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

ITEM_COLUMNS = [
    'assigned_at', 'acknowledged_at', 'acknowledged_by_id', 'first_report_at', 'submitted_at',
    'original_due_on', 'parent_id', 'passed_to_city_id', 'reporting_cycle',
    'reporting_since', 'late_extension_open',
]
UPDATE_COLUMNS = ['supporter_department_id', 'part_progress']
NEW_MESSAGES = "kind = 'notice'"
NEW_LINES = (
    "reason IN ('acknowledge', 'report_due', 'report_missed') OR reminder_id IN "
    "(SELECT id FROM reminders WHERE " + NEW_MESSAGES + ")"
)
ROLES = "'staff', 'supervisor', 'admin'"
KINDS = (
    "'daily', 'digest', 'assignment', 'returned', 'request', 'summary', 'escalation', "
    "'bulletin'"
)
REASONS = "'due_soon', 'due_today', 'overdue', 'escalation', 'stale', 'requested'"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', f"role IN ({ROLES}, 'leader')")
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('acknowledged_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('first_report_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('original_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('passed_to_city_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reporting_cycle', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('reporting_since', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                'late_extension_open', sa.Boolean(), nullable=False, server_default='0'
            )
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_action_items_acknowledged_by_id_users'),
            'users', ['acknowledged_by_id'], ['id'],
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_action_items_parent_id_action_items'),
            'action_items', ['parent_id'], ['id'],
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_action_items_passed_to_city_id_cities'),
            'cities', ['passed_to_city_id'], ['id'],
        )
        batch_op.create_index(
            batch_op.f('ix_action_items_parent_id'), ['parent_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_action_items_passed_to_city_id'), ['passed_to_city_id'], unique=False
        )
    op.execute(
        "UPDATE action_items SET assigned_at = created_at, acknowledged_at = created_at "
        "WHERE responsible_id IS NOT NULL"
    )
    op.execute(
        "UPDATE action_items SET first_report_at = (SELECT min(created_at) FROM status_updates "
        "WHERE status_updates.item_id = action_items.id AND author_id IS NOT NULL)"
    )
    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supporter_department_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('part_progress', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_status_updates_supporter_department_id_departments'),
            'departments', ['supporter_department_id'], ['id'],
        )
    op.create_table(
        'item_supporters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('responsible_id', sa.Integer(), nullable=True),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.CheckConstraint(
            'progress >= 0 AND progress <= 100', name=op.f('ck_item_supporters_progress_range')
        ),
        sa.ForeignKeyConstraint(
            ['department_id'], ['departments.id'],
            name=op.f('fk_item_supporters_department_id_departments'),
        ),
        sa.ForeignKeyConstraint(
            ['item_id'], ['action_items.id'], ondelete='CASCADE',
            name=op.f('fk_item_supporters_item_id_action_items'),
        ),
        sa.ForeignKeyConstraint(
            ['responsible_id'], ['users.id'], name=op.f('fk_item_supporters_responsible_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_item_supporters')),
        sa.UniqueConstraint(
            'item_id', 'department_id', name=op.f('uq_item_supporters_item_id_department_id')
        ),
    )
    op.create_index(
        op.f('ix_item_supporters_department_id'), 'item_supporters', ['department_id']
    )
    op.create_index(
        op.f('ix_item_supporters_responsible_id'), 'item_supporters', ['responsible_id']
    )
    op.create_table(
        'extension_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('current_due_on', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column(
            'state',
            sa.Enum(
                'pending', 'approved', 'refused', name='state', native_enum=False, length=32,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.CheckConstraint('due_on > current_due_on', name=op.f('ck_extension_requests_later_date')),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['users.id'], name=op.f('fk_extension_requests_decided_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['item_id'], ['action_items.id'],
            name=op.f('fk_extension_requests_item_id_action_items'),
        ),
        sa.ForeignKeyConstraint(
            ['requested_by_id'], ['users.id'],
            name=op.f('fk_extension_requests_requested_by_id_users'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_requests')),
    )
    op.create_index(
        'ix_extension_requests_item_state', 'extension_requests', ['item_id', 'state']
    )
    op.create_table(
        'instructions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('directive_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            'item_id IS NOT NULL OR directive_id IS NOT NULL',
            name=op.f('ck_instructions_has_target'),
        ),
        sa.ForeignKeyConstraint(
            ['author_id'], ['users.id'], name=op.f('fk_instructions_author_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['directive_id'], ['directives.id'], name=op.f('fk_instructions_directive_id_directives')
        ),
        sa.ForeignKeyConstraint(
            ['item_id'], ['action_items.id'], name=op.f('fk_instructions_item_id_action_items')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_instructions')),
    )
    op.create_index(op.f('ix_instructions_author_id'), 'instructions', ['author_id'])
    op.create_index(op.f('ix_instructions_directive_id'), 'instructions', ['directive_id'])
    op.create_index(op.f('ix_instructions_item_id'), 'instructions', ['item_id'])
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_reminders_event_id_audit_events'), 'audit_events', ['event_id'], ['id']
        )
        batch_op.drop_constraint(op.f('ck_reminders_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({KINDS}, 'notice')")
    with op.batch_alter_table('reminder_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminder_lines_reason'), type_='check')
        batch_op.create_check_constraint(
            'reason', f"reason IN ({REASONS}, 'acknowledge', 'report_due', 'report_missed')"
        )
    # What a downgrade set aside comes back.
    restore_columns(revision, 'users', ['role', 'is_active'])
    restore_columns(revision, 'action_items', ITEM_COLUMNS)
    restore_columns(revision, 'status_updates', UPDATE_COLUMNS)
    restore_rows(revision, 'item_supporters')
    restore_rows(revision, 'extension_requests')
    restore_rows(revision, 'instructions')
    restore_columns(revision, 'reminders', ['event_id'])
    restore_rows(revision, 'reminders')
    restore_rows(revision, 'reminder_lines')


def downgrade():
    # The older outbox holds no notices and no lines of the new reasons: they wait in a stash.
    stash_rows(revision, 'reminder_lines', NEW_LINES)
    stash_rows(revision, 'reminders', NEW_MESSAGES)
    stash_columns(revision, 'reminders', ['event_id'])
    with op.batch_alter_table('reminder_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminder_lines_reason'), type_='check')
        batch_op.create_check_constraint('reason', f"reason IN ({REASONS})")
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminders_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN ({KINDS})")
        batch_op.drop_constraint(
            batch_op.f('fk_reminders_event_id_audit_events'), type_='foreignkey'
        )
        batch_op.drop_column('event_id')
    for table in ('instructions', 'extension_requests', 'item_supporters'):
        stash_table(revision, table)
    op.drop_table('instructions')
    op.drop_index('ix_extension_requests_item_state', table_name='extension_requests')
    op.drop_table('extension_requests')
    op.drop_table('item_supporters')
    stash_columns(revision, 'status_updates', UPDATE_COLUMNS)
    with op.batch_alter_table('status_updates', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_status_updates_supporter_department_id_departments'),
            type_='foreignkey',
        )
        batch_op.drop_column('part_progress')
        batch_op.drop_column('supporter_department_id')
    stash_columns(revision, 'action_items', ITEM_COLUMNS)
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_items_passed_to_city_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_parent_id'))
        batch_op.drop_constraint(
            batch_op.f('fk_action_items_passed_to_city_id_cities'), type_='foreignkey'
        )
        batch_op.drop_constraint(
            batch_op.f('fk_action_items_parent_id_action_items'), type_='foreignkey'
        )
        batch_op.drop_constraint(
            batch_op.f('fk_action_items_acknowledged_by_id_users'), type_='foreignkey'
        )
        for column in reversed(ITEM_COLUMNS):
            batch_op.drop_column(column)
    # The older schema knows no leaders: they wait as inactive supervisors (no sign-in, no
    # rights) until the upgrade gives them their role back.
    stash_columns(revision, 'users', ['role', 'is_active'])
    op.execute(
        "UPDATE users SET role = 'supervisor', is_active = false WHERE role = 'leader'"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', f"role IN ({ROLES})")
