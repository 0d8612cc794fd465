"""One active scheduler through a lease in the database; the jobs are a table with stable ids."""

from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from tracker.models import utcnow
from tracker.reminders import lease
from tracker.reminders.scheduler import JOBS, LEASE_TTL, TICK, Runner, install


def test_only_one_holder_leads_and_a_standby_takes_over_when_the_lease_expires(app):
    now = utcnow()
    assert lease.acquire("host-a", LEASE_TTL, now)
    assert not lease.acquire("host-b", LEASE_TTL, now + timedelta(seconds=30))
    assert lease.acquire("host-a", LEASE_TTL, now + timedelta(seconds=30))  # renewal
    # host-a dies: no renewal; once its lease has expired, host-b takes over.
    assert not lease.acquire("host-b", LEASE_TTL, now + timedelta(seconds=100))
    assert lease.acquire("host-b", LEASE_TTL, now + timedelta(seconds=121))
    assert lease.current().holder == "host-b"
    assert not lease.acquire("host-a", LEASE_TTL, now + timedelta(seconds=130))


def test_a_released_lease_is_free_at_once(app):
    assert lease.acquire("host-a", LEASE_TTL)
    lease.release("host-a")
    assert lease.acquire("host-b", LEASE_TTL)


def test_only_the_leader_ticks(app, seeded, monkeypatch):
    ticks = []
    monkeypatch.setattr("tracker.reminders.scheduler.plan_due", lambda now: ticks.append(now))
    monkeypatch.setattr("tracker.reminders.scheduler.send_due", lambda now, holder: None)
    leader, standby = Runner(app, "leader"), Runner(app, "standby")
    leader.heartbeat()  # becomes leader and catches up at once
    standby.heartbeat()
    assert (leader.leader, standby.leader) == (True, False)
    assert len(ticks) == 1
    standby.tick()
    leader.tick()
    assert len(ticks) == 2
    assert lease.current().last_tick_at is not None


def test_jobs_have_stable_ids_and_the_heartbeat_runs_at_start(app):
    scheduler = BackgroundScheduler(timezone="UTC")
    install(scheduler, Runner(app, "test"))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {job.id for job in JOBS} == {"scheduler.heartbeat", "reminders.tick"}
    assert jobs["reminders.tick"].trigger.interval == TICK
    assert jobs["scheduler.heartbeat"].trigger.interval == timedelta(seconds=30)
    assert jobs["reminders.tick"].coalesce and jobs["reminders.tick"].max_instances == 1
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert jobs["reminders.tick"].next_run_time is not None  # scheduled, not paused
        assert jobs["scheduler.heartbeat"].next_run_time <= jobs["reminders.tick"].next_run_time
    finally:
        scheduler.shutdown(wait=False)
