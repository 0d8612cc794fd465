"""The 督办 cycle's bookkeeping on every change of an item: the stage times a report or an
assignment sets, and the progress of an item passed down (转办), rolled up from its children
into its history."""

from __future__ import annotations

from ..access import leads
from ..extensions import db
from ..models import ActionItem, Status, StatusUpdate, User, utcnow
from .figures import completion_of


def stamp_report(item: ActionItem, actor: User, source: Status, target: Status) -> None:
    """The stage times a report sets: the first report, the submission; a lead's report
    acknowledges (签收) an item not acknowledged yet."""
    now = utcnow()
    item.first_report_at = item.first_report_at or now
    if target == Status.AWAITING_VERIFICATION and source != target:
        item.submitted_at = now
    if item.acknowledged_at is None and item.assigned_at is not None and leads(actor, item):
        item.acknowledged_at, item.acknowledged_by = now, actor


def stamp_assigned(item: ActionItem) -> None:
    """交办: a new assignment waits to be acknowledged (签收) again."""
    item.assigned_at, item.acknowledged_at, item.acknowledged_by = utcnow(), None, None


def roll_up(parent: ActionItem) -> StatusUpdate | None:
    """转办: a parent's progress is its children's completion (milestone-weighted as
    everywhere), averaged; a change is written to its history like any report."""
    children = parent.children
    if not children or Status(parent.status).is_closed:
        return None
    progress = round(sum(completion_of(c) for c in children) / len(children))
    if progress == parent.progress:
        return None
    target = Status.IN_PROGRESS if parent.status == Status.NOT_STARTED and progress else None
    entry = StatusUpdate(
        item=parent,
        author=None,
        from_status=parent.status,
        to_status=target or parent.status,
        from_progress=parent.progress,
        to_progress=progress,
    )
    db.session.add(entry)
    parent.progress = progress
    if target:
        parent.status = target
    parent.updated_at = utcnow()
    return entry
