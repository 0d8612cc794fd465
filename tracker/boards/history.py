"""The board figures computed from the milestones and the history, as the rules define them:
to rebuild what is kept incrementally (`tracker boards rebuild`), and to make each past day's
snapshot once (the figures a week ago and the weekly chart read snapshots, not history)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Float, and_, case, cast, delete, func, select, update

from ..clock import office_zone
from ..database import insert_ignoring_duplicates
from ..extensions import db
from ..models import (
    ActionItem,
    BoardSnapshot,
    Milestone,
    SnapshotDay,
    Status,
    StatusUpdate,
    utcnow,
)

KEPT_DAYS = 63  # the weekly chart's eight weeks back, and a week to spare
CHART_WEEKS = 8


def days_read(today: date) -> list[date]:
    """The past days whose snapshots the boards read on `today`: the same weekday in each of
    the last CHART_WEEKS weeks (the first is "a week ago")."""
    return [today - timedelta(weeks=n) for n in range(CHART_WEEKS, 0, -1)]


def end_of(day: date) -> datetime:
    """The first moment after `day`, in the office's time zone."""
    return datetime.combine(day + timedelta(days=1), time(0), office_zone())


def completion_sql(by: date | None = None):
    """An item's completion (`items.figures.completion_of`) as SQL, from its milestones and
    history: now, or at the end of the day `by` (then "done" earns nothing of its own; the
    milestones done by then and the progress last reported by then decide)."""
    done = Milestone.done_on.is_not(None)
    if by is not None:
        done = and_(done, Milestone.done_on <= by)
    mine = Milestone.item_id == ActionItem.id
    weight = select(func.sum(Milestone.weight)).where(mine).scalar_subquery()
    done_weight = select(func.sum(Milestone.weight)).where(mine, done).scalar_subquery()
    progress = ActionItem.progress if by is None else func.coalesce(_reported(by), 0)
    whens = [] if by is not None else [(ActionItem.status == Status.DONE, 100.0)]
    return case(
        *whens,
        (func.coalesce(weight, 0) > 0, 100.0 * func.coalesce(done_weight, 0) / weight),
        else_=cast(progress, Float),
    )


def _reported(by: date, column=StatusUpdate.to_progress):
    """`column` of the item's latest status update before the end of `by`."""
    return (
        select(column)
        .where(StatusUpdate.item_id == ActionItem.id, StatusUpdate.created_at < end_of(by))
        .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def last_update_sql():
    """When the item last moved: its latest status update, or its creation if that is later
    (an update can only be dated earlier by an import)."""
    latest = (
        select(func.max(StatusUpdate.created_at))
        .where(StatusUpdate.item_id == ActionItem.id)
        .scalar_subquery()
    )
    return case((latest > ActionItem.created_at, latest), else_=ActionItem.created_at)


def rebuild_items() -> int:
    """Recompute every item's kept figures from its milestones and history; returns how many
    items had figures that differed."""
    table = ActionItem.__table__
    wrong = db.session.scalar(
        select(func.count()).where(
            (func.abs(ActionItem.completion - completion_sql()) > 1e-9)
            | (ActionItem.last_update_at != last_update_sql())
            | ActionItem.last_update_at.is_(None)
        )
    )
    # Core UPDATE: derived figures, not a change of the item (no new version).
    db.session.execute(
        update(table).values(completion=completion_sql(), last_update_at=last_update_sql())
    )
    return wrong


def snapshot_rows(day: date) -> list[dict]:
    """The figures at the end of `day` per city, department and directive, from history."""
    then = end_of(day)
    status = func.coalesce(_reported(day, StatusUpdate.to_status), Status.NOT_STARTED)
    rows = db.session.execute(
        select(
            ActionItem.city_id,
            ActionItem.department_id,
            ActionItem.directive_id,
            func.count(),
            func.sum(completion_sql(day)),
        )
        .where(ActionItem.created_at < then, status != Status.CANCELLED)
        .group_by(ActionItem.city_id, ActionItem.department_id, ActionItem.directive_id)
    )
    return [
        {
            "day": day,
            "city_id": city,
            "department_id": department,
            "directive_id": directive,
            "items": count,
            "completion_sum": float(total or 0),
        }
        for city, department, directive, count, total in rows
    ]


def make_snapshots(days: list[date], today: date) -> None:
    """Write the snapshot of each past day in `days` that has none yet, and commit (a board
    writes them on the day's first view; what else the session holds is committed too). A
    concurrent writer of the same day makes this one skip it."""
    wanted = {day for day in days if day < today}  # a day's figures are final once it ends
    have = set(db.session.scalars(select(SnapshotDay.day).where(SnapshotDay.day.in_(wanted))))
    for day in sorted(wanted - have):
        made = {"day": day, "made_at": utcnow()}
        if insert_ignoring_duplicates(SnapshotDay, [made], ["day"]):
            rows = snapshot_rows(day)
            if rows:
                db.session.execute(BoardSnapshot.__table__.insert(), rows)
        db.session.commit()


def rebuild(today: date) -> tuple[int, int]:
    """Recompute the items' figures and the snapshots of the last KEPT_DAYS days from the
    history (commits). Returns (items corrected, days made)."""
    corrected = rebuild_items()
    db.session.execute(delete(BoardSnapshot))
    db.session.execute(delete(SnapshotDay))
    db.session.commit()
    days = [today - timedelta(days=n) for n in range(1, KEPT_DAYS + 1)]
    make_snapshots(days, today)
    return corrected, len(days)


def keep_up(today: date) -> None:
    """The scheduler's daily part: the snapshots today's boards read, made before anyone
    asks; those older than any board reads, deleted. Commits."""
    make_snapshots(days_read(today), today)
    forget_old_snapshots(today)
    db.session.commit()


def forget_old_snapshots(today: date) -> None:
    """Snapshots older than any board reads."""
    cutoff = today - timedelta(days=KEPT_DAYS)
    db.session.execute(delete(BoardSnapshot).where(BoardSnapshot.day < cutoff))
    db.session.execute(delete(SnapshotDay).where(SnapshotDay.day < cutoff))
