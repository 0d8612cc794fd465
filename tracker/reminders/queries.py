"""Read models of the outbox for the admin page."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    ActionItem,
    Channel,
    Department,
    Directive,
    Reminder,
    ReminderKind,
    ReminderLine,
    ReminderState,
)

SHOWN_PER_STATE = 50
STATES = (ReminderState.FAILED, ReminderState.PENDING, ReminderState.SENDING, ReminderState.SENT)


@dataclass
class OutboxSection:
    state: ReminderState
    total: int
    # (message, how many items it lists; None for the weekly digest, which lists a board)
    rows: list[tuple[Reminder, int | None]] = field(default_factory=list)


def outbox_page() -> list[OutboxSection]:
    """The newest messages of each state, each with the number of items it lists (or will
    list): a daily email its lines not dropped, an assignment notice the recipient's items of
    the speech. In a fixed number of queries."""
    totals = dict(
        db.session.execute(select(Reminder.state, func.count()).group_by(Reminder.state)).all()
    )
    sections = []
    for state in STATES:
        messages = db.session.scalars(
            select(Reminder)
            .options(
                selectinload(Reminder.recipient),
                selectinload(Reminder.department).selectinload(Department.city),
            )
            .where(Reminder.state == state)
            .order_by(Reminder.id.desc())
            .limit(SHOWN_PER_STATE)
        ).all()
        counts = _item_counts(messages)
        rows = [(m, _shown_count(m, counts)) for m in messages]
        sections.append(OutboxSection(state, totals.get(state, 0), rows))
    return sections


def _shown_count(message: Reminder, counts: dict[int, int]) -> int | None:
    """None for what lists a board or is worked out when sent (robots' posts, SMS)."""
    if message.kind == ReminderKind.DIGEST or message.channel != Channel.EMAIL:
        return None
    return counts.get(message.id, 0)


def _item_counts(messages: list[Reminder]) -> dict[int, int]:
    """How many items each message lists (a return notice: its one item)."""
    daily = [m.id for m in messages if m.kind in (ReminderKind.DAILY, ReminderKind.REQUEST)]
    counts = dict(
        db.session.execute(
            select(ReminderLine.reminder_id, func.count(func.distinct(ReminderLine.item_id)))
            .where(ReminderLine.reminder_id.in_(daily), ReminderLine.dropped.is_(False))
            .group_by(ReminderLine.reminder_id)
        ).all()
    )
    assignments = [m.id for m in messages if m.kind == ReminderKind.ASSIGNMENT]
    counts |= dict(
        db.session.execute(
            select(Reminder.id, func.count(ActionItem.id))
            .join(Directive, Directive.speech_id == Reminder.speech_id)
            .join(
                ActionItem,
                and_(
                    ActionItem.directive_id == Directive.id,
                    ActionItem.responsible_id == Reminder.recipient_id,
                ),
            )
            .where(Reminder.id.in_(assignments))
            .group_by(Reminder.id)
        ).all()
    )
    counts |= {m.id: 1 for m in messages if m.kind == ReminderKind.RETURNED}
    return counts
