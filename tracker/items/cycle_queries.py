"""Read models of the 督办 cycle for /my: the groups it adds (what waits for acknowledgement,
what a department supports, the extension requests to decide, a leader's instructed items)
and how a leader's instructed items have moved since."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, union

from ..extensions import db
from ..models import (
    ActionItem,
    Instruction,
    ItemSupporter,
    Role,
    StatusUpdate,
    User,
    item_co_owners,
)
from ..reminders.policy import current_policy
from .rules import OPEN, attention_sql, unacknowledged_sql

CYCLE_GROUPS = ("unacknowledged", "instructed", "extension_pending", "supporting")


def cycle_groups(user: User, today: date, amber_days: int) -> dict:
    """/my's groups of the 督办 cycle: staff, what waits for their acknowledgement (签收) and
    what their department supports (协办); supervisors, the extension requests to decide;
    leaders, the items they instructed (批示)."""
    by_due = (ActionItem.due_on, ActionItem.id)
    policy = current_policy()
    if user.role == Role.STAFF:
        owned = union(
            select(ActionItem.id).where(ActionItem.responsible_id == user.id),
            select(item_co_owners.c.item_id).where(item_co_owners.c.user_id == user.id),
            select(ActionItem.id).where(ActionItem.department_id == user.department_id),
        )
        supported = select(ItemSupporter.item_id).where(
            or_(
                ItemSupporter.responsible_id == user.id,
                ItemSupporter.department_id == user.department_id,
            )
        )
        return {
            "unacknowledged": (
                and_(ActionItem.id.in_(owned), unacknowledged_sql()),
                by_due,
                {"attention": "unacknowledged"},
            ),
            "supporting": (
                and_(ActionItem.id.in_(supported), ActionItem.status.in_(OPEN)),
                by_due,
                {},
            ),
        }
    if user.role == Role.LEADER:
        mine = select(Instruction.item_id).where(Instruction.author_id == user.id)
        return {"instructed": (ActionItem.id.in_(mine), by_due, {})}
    return {
        "extension_pending": (
            attention_sql("extension_pending", today, amber_days, policy),
            by_due,
            {"attention": "extension_pending"},
        )
    }


def since_instructed(user: User, items: list[ActionItem]) -> dict[int, tuple[datetime, int]]:
    """For a leader's instructed items: when they last instructed each, and its progress
    then (from the history), to show how it has moved since. Two queries."""
    if not items:
        return {}
    latest = dict(
        db.session.execute(
            select(Instruction.item_id, func.max(Instruction.created_at))
            .where(
                Instruction.author_id == user.id,
                Instruction.item_id.in_([item.id for item in items]),
            )
            .group_by(Instruction.item_id)
        ).all()
    )
    result = {item_id: (at, 0) for item_id, at in latest.items()}
    history = (
        select(StatusUpdate.item_id, StatusUpdate.to_progress, StatusUpdate.created_at)
        .where(StatusUpdate.item_id.in_(list(latest)))
        .order_by(StatusUpdate.item_id, StatusUpdate.created_at, StatusUpdate.id)
    )
    for item_id, progress, at in db.session.execute(history):
        if at <= latest[item_id]:  # the last entry before the instruction wins
            result[item_id] = (latest[item_id], progress)
    return result
