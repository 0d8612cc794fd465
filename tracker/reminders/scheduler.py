"""The scheduler: a short table of jobs with stable ids, run by APScheduler 3 in UTC.

Every scheduler process renews the leader lease on a heartbeat; only the leader runs the
tick, which plans and sends everything due up to now. Started by `tracker scheduler` (its
own process, for production) or in-process by `tracker serve` (what `make run` uses); never
inside create_app, so web workers never run it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from ..boards import history
from ..clock import office_today
from ..extensions import db
from ..models import utcnow
from . import lease
from .planning import plan_due
from .sending import send_due

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(seconds=90)  # default; SCHEDULER_LEASE_SECONDS in the config
TICK = timedelta(minutes=15)


@dataclass(frozen=True)
class Job:
    id: str
    every: str  # the config key of its interval in seconds, or "tick"
    method: str  # name of the Runner method to call


JOBS = (
    Job("scheduler.heartbeat", "SCHEDULER_HEARTBEAT_SECONDS", "heartbeat"),
    Job("reminders.tick", "tick", "tick"),
)


class Runner:
    """What the jobs do, each in an app context of `app`."""

    def __init__(self, app: Flask, holder: str | None = None) -> None:
        self.app = app
        self.holder = holder or lease.holder_name()
        self.leader = False
        self.lease_ttl = timedelta(seconds=app.config.get("SCHEDULER_LEASE_SECONDS", 90))

    def heartbeat(self) -> None:
        """Take or keep the leadership; a new leader catches up at once."""
        with self.app.app_context():
            was_leader = self.leader
            try:
                self.leader = lease.acquire(self.holder, self.lease_ttl)
            finally:
                db.session.remove()
        if self.leader and not was_leader:
            log.info("Scheduler %s is now the leader", self.holder)
            self.tick()

    def tick(self, now: datetime | None = None) -> None:
        """Plan and send whatever is due up to now (leader only)."""
        if not self.leader:
            return
        now = now or utcnow()
        with self.app.app_context():
            try:
                plan_due(now)
                db.session.commit()
                report = send_due(now, self.holder)
                lease.record_tick(self.holder, now)
                log.info("Tick at %s: %s", now.isoformat(), report)
            except Exception:
                db.session.rollback()
                log.exception("Tick failed; the next one will try again")
            try:  # the boards' snapshots: a failure here delays no message
                history.keep_up(office_today(now))
            except Exception:
                db.session.rollback()
                log.exception("Making the boards' snapshots failed; a board view will retry")
            finally:
                db.session.remove()

    def stop(self) -> None:
        with self.app.app_context():
            if self.leader:
                lease.release(self.holder)
            db.session.remove()


def install(scheduler: BaseScheduler, runner: Runner) -> None:
    """Add the jobs, coalescing missed runs; the heartbeat runs at once on start."""
    for job in JOBS:
        # Passing next_run_time=None would pause a job; leave it out to follow the trigger.
        start = {"next_run_time": datetime.now(UTC)} if job.method == "heartbeat" else {}
        seconds = TICK.total_seconds() if job.every == "tick" else runner.app.config[job.every]
        scheduler.add_job(
            getattr(runner, job.method),
            trigger=IntervalTrigger(seconds=seconds),
            id=job.id,
            name=job.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(TICK.total_seconds()),
            replace_existing=True,
            **start,
        )
