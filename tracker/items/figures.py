"""The figures each item keeps for the boards, updated in the flush that changes the item, its
milestones or its history, whatever code path made the change (one rule, one place).

`tracker/boards/history.py` computes the same figures from the milestones and the history, to
rebuild them (`tracker boards rebuild`) and to check them (tests/test_board_figures.py)."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..models import ActionItem, Milestone, Status, StatusUpdate, utcnow


def completion_of(item: ActionItem, milestones: list[Milestone] | None = None) -> float:
    """Done is 100; else the done share of the milestones' weight where there are
    milestones, else the reported progress. `history.completion_sql` is the same rule."""
    if item.status == Status.DONE:
        return 100.0
    milestones = item.milestones if milestones is None else milestones
    total = sum(m.weight or 0 for m in milestones)
    if total > 0:
        return 100.0 * sum(m.weight or 0 for m in milestones if m.done_on) / total
    return float(item.progress or 0)


@event.listens_for(Session, "before_flush")
def _keep_figures(session: Session, flush_context, instances) -> None:
    items: set[ActionItem] = set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, ActionItem) and obj not in session.deleted:
            items.add(obj)
        elif isinstance(obj, Milestone | StatusUpdate):
            item = _item_of(session, obj)
            if item is not None and item not in session.deleted:
                items.add(item)
    for item in items:
        if item.created_at is None:
            item.created_at = utcnow()
        latest = item.last_update_at or item.created_at
        for update in session.new:
            if isinstance(update, StatusUpdate) and _item_of(session, update) is item:
                update.created_at = update.created_at or utcnow()
                latest = max(latest, update.created_at)
        if item.last_update_at != latest:
            item.last_update_at = latest
        # Milestones deleted or added through the session rather than the collection count.
        milestones = [m for m in item.milestones if m not in session.deleted]
        milestones += [
            m
            for m in session.new
            if isinstance(m, Milestone) and m not in milestones and _item_of(session, m) is item
        ]
        completion = completion_of(item, milestones)
        if item.completion != completion:
            item.completion = completion


def _item_of(session: Session, row: Milestone | StatusUpdate) -> ActionItem | None:
    if row.item is not None or row.item_id is None:
        return row.item
    return session.get(ActionItem, row.item_id)
