"""Invariants the model keeps whatever the caller does: append-only history, optimistic
locking, constraints, and UTC datetimes."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker.database import insert_ignoring_duplicates
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    AppendOnlyViolation,
    AuditEvent,
    City,
    Department,
    LineReason,
    ReminderLine,
    Role,
    Status,
    StatusUpdate,
    User,
)


@pytest.fixture
def item(make_item):
    item = make_item()
    db.session.commit()
    return item


def test_status_updates_cannot_be_rewritten_or_deleted(item):
    update = StatusUpdate(item=item, to_status=Status.IN_PROGRESS, to_progress=10, note="begun")
    db.session.add(update)
    db.session.commit()
    update.note = "rewritten"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(update)
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(StatusUpdate, update.id).note == "begun"


def test_audit_events_cannot_be_rewritten(item):
    event = AuditEvent(action="item.created", target_type="action_items", target_id=item.id)
    db.session.add(event)
    db.session.commit()
    event.action = "nothing.happened"
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()


def test_a_save_based_on_an_old_version_fails(item):
    assert item.version == 1
    with Session(db.engine) as other:
        theirs = other.get(ActionItem, item.id)
        theirs.progress = 50
        other.commit()
    item.progress = 20
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(ActionItem, item.id).progress == 50
    assert db.session.get(ActionItem, item.id).version == 2


@pytest.mark.parametrize(
    "change",
    [
        {"progress": 101},
        {"progress": -1},
        {"start_on": date(2026, 5, 1), "due_on": date(2026, 4, 1)},
    ],
)
def test_item_constraints_hold_in_the_database(item, change):
    for name, value in change.items():
        setattr(item, name, value)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_staff_user_needs_a_department_and_a_supervisor_a_city(app):
    db.session.add(User(email="s@example.com", name="S", role=Role.STAFF))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    city = City(slug="x", name="X")
    department = Department(city=city, slug="d", name="D")
    db.session.add(
        User(email="ok@example.com", name="OK", role=Role.STAFF, city=city, department=department)
    )
    db.session.commit()


def test_datetimes_come_back_as_aware_utc(item):
    moment = datetime(2026, 3, 16, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    db.session.add(AuditEvent(action="x", target_type="t", at=moment))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(AuditEvent.at))
    assert stored == moment and stored.tzinfo is not None
    assert stored.astimezone(UTC).hour == 1
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.add(AuditEvent(action="y", target_type="t", at=datetime(2026, 1, 1)))
        db.session.flush()
    db.session.rollback()


def test_inserting_many_rows_ignores_the_ones_already_there_and_counts_the_new(item):
    """The planner's bulk insert (one array per column on PostgreSQL): rows whose key exists
    are left as they are, the count is of new rows only, and every value lands in its
    column, including NULLs, enums, dates and columns with the same value in every row.
    (A day's board snapshots are written by whoever inserts the day first: a count that
    said "some" when nothing was written let two first views both write them.)"""
    owner = User(email="owner@example.com", name="Owner", role=Role.ADMIN)
    db.session.add(owner)
    db.session.flush()
    made = datetime(2026, 11, 25, 1, 2, 3, tzinfo=UTC)

    def line(n: int, reason: LineReason, milestone: int | None = None) -> dict:
        return {
            "key": f"k{n}",
            "recipient_id": owner.id,
            "item_id": item.id,
            "milestone_id": milestone,
            "reason": reason,
            "days": -n,
            "owner_id": None,
            "planned_on": date(2026, 11, 25),
            "dropped": False,
            "created_at": made,
        }

    assert insert_ignoring_duplicates(ReminderLine, [line(1, LineReason.OVERDUE)], ["key"]) == 1
    assert insert_ignoring_duplicates(ReminderLine, [line(1, LineReason.STALE)], ["key"]) == 0
    rows = [line(1, LineReason.STALE), line(2, LineReason.STALE), line(3, LineReason.DUE_SOON)]
    assert insert_ignoring_duplicates(ReminderLine, rows, ["key"]) == 2
    db.session.commit()
    stored = {
        x.key: (x.reason, x.days, x.milestone_id, x.planned_on, x.created_at)
        for x in db.session.scalars(select(ReminderLine))
    }
    assert stored == {
        "k1": (LineReason.OVERDUE, -1, None, date(2026, 11, 25), made),  # not overwritten
        "k2": (LineReason.STALE, -2, None, date(2026, 11, 25), made),
        "k3": (LineReason.DUE_SOON, -3, None, date(2026, 11, 25), made),
    }
