"""`/healthz`: is the database reachable, how old is the scheduler's last tick, how many
messages wait in the outbox. 200 when the database answers, 503 when it does not."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import csrf, db
from .models import Reminder, ReminderState, utcnow
from .reminders.lease import current as current_lease

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@csrf.exempt
def healthz():
    """For load balancers and monitoring; reveals no data, only health."""
    try:
        db.session.execute(text("SELECT 1"))
        lease = current_lease()
        pending = db.session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.state.in_([ReminderState.PENDING, ReminderState.SENDING]))
        )
        failed = db.session.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.state == ReminderState.FAILED)
        )
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    last_tick = lease.last_tick_at if lease else None
    return jsonify(
        status="ok",
        database="ok",
        scheduler_leader=bool(
            lease and lease.holder and lease.expires_at and lease.expires_at > utcnow()
        ),
        last_tick_age_seconds=round((utcnow() - last_tick).total_seconds()) if last_tick else None,
        outbox_pending=pending,
        outbox_failed=failed,
    )
