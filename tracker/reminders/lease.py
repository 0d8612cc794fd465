"""The leader lease: one row in the database says which scheduler may run the jobs. A
scheduler renews it while alive; when it dies, the lease expires and a standby takes over.
It is a compare-and-set UPDATE, so it works the same on SQLite and across PostgreSQL hosts.
(The outbox's unique keys are what make duplicates impossible; the lease avoids wasted work.)
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from ..database import insert_ignoring_duplicates
from ..extensions import db
from ..models import SchedulerLease, utcnow

LEASE = "scheduler"


def holder_name() -> str:
    """Unique per process: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(holder: str, ttl: timedelta, now: datetime | None = None) -> bool:
    """Take or renew the lease; True if `holder` is the leader until now + ttl."""
    now = now or utcnow()
    insert_ignoring_duplicates(SchedulerLease, [{"name": LEASE}], ["name"])
    result = db.session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == LEASE,
            or_(
                SchedulerLease.holder == holder,
                SchedulerLease.holder.is_(None),
                SchedulerLease.expires_at < now,
            ),
        )
        .values(holder=holder, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def release(holder: str) -> None:
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE, SchedulerLease.holder == holder)
        .values(holder=None, expires_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def record_tick(holder: str, now: datetime) -> None:
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE, SchedulerLease.holder == holder)
        .values(last_tick_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def current() -> SchedulerLease | None:
    return db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == LEASE))
