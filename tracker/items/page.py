"""The item page's read model: the item with its owners, milestones and sentence, the latest
of its history, reminders and audit trail, its leaders' instructions and its reporting
cycle, if the user may see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..access import visible_items
from ..extensions import db
from ..models import (
    ActionItem,
    AuditEvent,
    Directive,
    Instruction,
    ItemSupporter,
    Reminder,
    ReminderLine,
    Role,
    StatusUpdate,
    User,
)
from ..reminders.policy import current_policy
from .reporting import Cycle, cycle_of, last_closed, report_days
from .rules import REPORTING_CYCLES, Light, traffic_light


@dataclass
class ItemPage:
    item: ActionItem
    light: Light
    updates: list[StatusUpdate]
    audit_events: list[AuditEvent]
    reminders: list[ReminderLine]
    instructions: list[Instruction] = field(default_factory=list)
    cycle: Cycle | None = None
    parent_visible: bool = False  # a sub-unit's staff see their child item, not its parent
    # How many there are in all of the history, the reminders and the audit trail, where
    # only the latest `history` of them were read.
    totals: dict[str, int] = field(default_factory=dict)


# The latest entries of an item's history, reminders and audit trail on its page: an item
# overdue for months has hundreds of reminder lines (the API gives everything).
HISTORY_SHOWN = 50


def item_page(
    item_id: int, user: User, today: date, amber_days: int, history: int | None = HISTORY_SHOWN
) -> ItemPage | None:
    """Everything the item page shows, if `user` may see the item: of its history, reminders
    and audit trail the latest `history` entries (None: all)."""
    item = db.session.scalar(
        select(ActionItem)
        .options(
            joinedload(ActionItem.directive).joinedload(Directive.speech),
            joinedload(ActionItem.department),
            joinedload(ActionItem.responsible),
            joinedload(ActionItem.verified_by),
            joinedload(ActionItem.city),
            selectinload(ActionItem.co_owners),
            selectinload(ActionItem.milestones),
            selectinload(ActionItem.supporters).joinedload(ItemSupporter.department),
            selectinload(ActionItem.supporters).joinedload(ItemSupporter.responsible),
            selectinload(ActionItem.extension_requests),
            selectinload(ActionItem.children).joinedload(ActionItem.department),
            joinedload(ActionItem.parent),
            joinedload(ActionItem.passed_to_city),
        )
        .where(ActionItem.id == item_id, visible_items(user))
    )
    if item is None:
        return None
    totals: dict[str, int] = {}

    def latest(name: str, query) -> list:
        rows = db.session.scalars(query.limit(history)).unique().all()
        if history is not None and len(rows) == history:
            totals[name] = db.session.scalar(
                select(func.count()).select_from(query.order_by(None).subquery())
            )
        return list(rows)

    updates = latest(
        "updates",
        select(StatusUpdate)
        .options(
            joinedload(StatusUpdate.author),
            joinedload(StatusUpdate.milestone),
            joinedload(StatusUpdate.supporter_department),
        )
        .where(StatusUpdate.item_id == item.id)
        .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc()),
    )
    audit_events: list[AuditEvent] = []
    reminders: list[ReminderLine] = []
    if user.role != Role.STAFF:
        audit_events = latest(
            "audit_events",
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .where(AuditEvent.target_type == "action_items", AuditEvent.target_id == item.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        )
        reminders = latest(
            "reminders",
            select(ReminderLine)
            .join(ReminderLine.reminder)
            .options(
                joinedload(ReminderLine.reminder).joinedload(Reminder.recipient),
                joinedload(ReminderLine.milestone),
            )
            .where(ReminderLine.item_id == item.id)
            .order_by(Reminder.period_on.desc(), ReminderLine.id.desc()),
        )
    instructions = db.session.scalars(
        select(Instruction)
        .options(joinedload(Instruction.author))
        .where(Instruction.item_id == item.id)
        .order_by(Instruction.created_at.desc(), Instruction.id.desc())
    ).all()
    cycle = None
    if item.reporting_cycle in REPORTING_CYCLES:
        by_day = current_policy().report_by_day
        since = last_closed(item.reporting_cycle, today, by_day).start  # the windows shown
        days = report_days([item.id], since).get(item.id, [])
        cycle = cycle_of(item, days, today, by_day)
    parent_visible = item.parent_id is not None and bool(
        db.session.scalar(
            select(ActionItem.id).where(ActionItem.id == item.parent_id, visible_items(user))
        )
    )
    return ItemPage(
        item,
        traffic_light(item, today, amber_days),
        updates,
        audit_events,
        reminders,
        list(instructions),
        cycle,
        parent_visible,
        totals,
    )
