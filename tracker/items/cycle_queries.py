"""Read models of the 督办 cycle for /my: the groups it adds (what waits for acknowledgement,
what a department supports, the extension requests to decide, a leader's instructed items)
and how a leader's instructed items have moved since."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, or_, select, union

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
        mine = select(Instruction.item_id).where(
            Instruction.author_id == user.id, Instruction.item_id.is_not(None)
        )
        directives = select(Instruction.directive_id).where(
            Instruction.author_id == user.id, Instruction.directive_id.is_not(None)
        )
        return {
            "instructed": (
                or_(ActionItem.id.in_(mine), ActionItem.directive_id.in_(directives)),
                by_due,
                {},
            )
        }
    return {
        "extension_pending": (
            attention_sql("extension_pending", today, amber_days, policy),
            by_due,
            {"attention": "extension_pending"},
        )
    }


def since_instructed(user: User, items: list[ActionItem]) -> dict[int, tuple[datetime, int]]:
    """For a leader's instructed items: when they last instructed each, and its progress
    then (from the history), to show how it has moved since."""
    if not items:
        return {}
    ids = [item.id for item in items]
    directives = {item.directive_id for item in items}
    latest: dict[int, datetime] = {}
    for item_id, directive_id, at in db.session.execute(
        select(Instruction.item_id, Instruction.directive_id, Instruction.created_at).where(
            Instruction.author_id == user.id,
            or_(Instruction.item_id.in_(ids), Instruction.directive_id.in_(directives)),
        )
    ):
        for item in items:
            if item.id == item_id or (item_id is None and item.directive_id == directive_id):
                latest[item.id] = max(latest.get(item.id, at), at)
    result = {}
    for item_id, at in latest.items():
        before = db.session.scalar(
            select(StatusUpdate.to_progress)
            .where(StatusUpdate.item_id == item_id, StatusUpdate.created_at <= at)
            .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
            .limit(1)
        )
        result[item_id] = (at, before or 0)
    return result
