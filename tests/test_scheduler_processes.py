"""Two `tracker scheduler` processes over one database, as on two hosts: every reminder is
delivered exactly once, and when the leader is killed the standby takes over."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Reminder, ReminderKind, ReminderState, SchedulerLease, User

TRACKER = Path(sys.executable).parent / "tracker"


def _start(url, instance, sink_port):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TRACKER_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(sink_port),
        "TRACKER_HEARTBEAT_SECONDS": "1",
        "TRACKER_LEASE_SECONDS": "4",
        "TRACKER_REMINDER_POLICY": '{"send_hour": 0}',
    }
    return subprocess.Popen(
        [str(TRACKER), "scheduler"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _wait(condition, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # see other processes' commits
        if condition():
            return True
        time.sleep(0.3)
    return False


def _outbox() -> Counter:
    return Counter(db.session.scalars(select(Reminder.state)))


def test_two_schedulers_deliver_each_reminder_once_and_the_standby_takes_over(
    app, seeded, smtp_sink, migrated_url, tmp_path
):
    processes = [_start(migrated_url, tmp_path / f"host{n}", smtp_sink.port) for n in (1, 2)]
    try:
        assert _wait(
            lambda: (
                _outbox()[ReminderState.SENT] > 0
                and not (_outbox()[ReminderState.PENDING] or _outbox()[ReminderState.SENDING])
            )
        )
        time.sleep(2)  # a second tick of either process must add nothing
        db.session.rollback()
        sent = _outbox()[ReminderState.SENT]
        ids = Counter(m["Message-ID"] for m in smtp_sink.messages)
        assert sent >= 3 and sum(ids.values()) == sent and max(ids.values()) == 1

        lease = db.session.scalar(select(SchedulerLease))
        leader_pid = int(lease.holder.split(":")[1])
        leader = next(p for p in processes if p.pid == leader_pid)
        standby = next(p for p in processes if p is not leader)
        leader.send_signal(signal.SIGKILL)
        leader.wait(10)
        # New work while nobody leads: a digest waiting to be sent.
        supervisor = db.session.scalar(
            select(User).where(User.email == "chen.hong@nanjing.example.com")
        )
        db.session.add(
            Reminder(
                key="digest:test:takeover",
                kind=ReminderKind.DIGEST,
                recipient=supervisor,
                period_on=date(2026, 3, 16),
            )
        )
        db.session.commit()
        assert _wait(
            lambda: str(standby.pid) in (db.session.scalar(select(SchedulerLease.holder)) or "")
        )
        assert _wait(
            lambda: (
                db.session.scalar(
                    select(Reminder.state).where(Reminder.key == "digest:test:takeover")
                )
                == ReminderState.SENT
            )
        )
        ids = Counter(m["Message-ID"] for m in smtp_sink.messages)
        assert max(ids.values()) == 1 and sum(ids.values()) == sent + 1
        assert db.session.scalar(select(func.count()).select_from(Reminder)) == sent + 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(10)


def test_links_in_emails_point_at_the_port_actually_served(app, seeded, migrated_url, tmp_path):
    """`PORT=5731 make run` serves on 5731: a reset email asked for there links to 5731."""
    import socket
    import urllib.parse
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if k != "TRACKER_BASE_URL"},
        "DATABASE_URL": migrated_url,
        "TRACKER_INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "test",
        "TRACKER_SCHEDULER": "off",
    }
    server = subprocess.Popen(
        [str(TRACKER), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait(lambda: _answers(f"{base}/healthz"), seconds=20)
        # The CSRF token is bound to the session cookie.
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        form = opener.open(f"{base}/password/forgot").read().decode()
        token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        data = urllib.parse.urlencode(
            {"csrf_token": token, "email": "wang.lei@nanjing.example.com"}
        )
        opener.open(f"{base}/password/forgot", data=data.encode()).read()
        mails = list((tmp_path / "mail").glob("*.eml"))
        assert len(mails) == 1
        body = mails[0].read_text()
        assert f"{base}/password/reset/" in body, body[-800:]
    finally:
        server.terminate()
        server.wait(10)


def _answers(url: str) -> bool:
    import urllib.request

    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False
