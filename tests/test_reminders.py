"""Reminders end to end against a real SMTP server: a 30-day replay whose every message is
written out below, the recipient's time zone, delegates, and the outbox page."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import (
    ActionItem,
    City,
    Department,
    LineReason,
    Milestone,
    Reminder,
    ReminderLine,
    ReminderState,
    Role,
    Status,
    StatusUpdate,
    User,
)
from tracker.reminders.cli import end_of
from tracker.reminders.planning import plan_due
from tracker.reminders.sending import send_due

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10, zone=SHANGHAI) -> datetime:
    return datetime.combine(day, time(hour), zone).astimezone(UTC)


@pytest.fixture
def world(app, make_directive):
    """A city with two owners (A, B), a supervisor (S) and three items:
    I1 due 10 March (A, co-owner B), I2 due 20 March with a milestone due 12 March (A),
    I3 due 30 April, quiet since 10 February (B)."""
    city = City(slug="suzhou", name="Suzhou")
    department = Department(city=city, slug="drc", name="DRC")
    people = {
        "A": User(
            email="a@example.com", name="An", role=Role.STAFF, city=city, department=department
        ),
        "B": User(
            email="b@example.com", name="Bo", role=Role.STAFF, city=city, department=department
        ),
        "S": User(email="s@example.com", name="Su", role=Role.SUPERVISOR, city=city),
    }
    db.session.add_all(people.values())
    directive = make_directive(city)

    def item(title, owner, due, updated, co_owners=()):
        made = ActionItem(
            directive=directive,
            city=city,
            department=department,
            title=title,
            responsible=people[owner],
            co_owners=[people[c] for c in co_owners],
            status=Status.IN_PROGRESS,
            progress=20,
            start_on=date(2026, 2, 1),
            due_on=due,
            created_at=at(date(2026, 2, 1)),
        )
        made.updates.append(
            StatusUpdate(
                author=people[owner],
                created_at=at(updated),
                from_status=Status.NOT_STARTED,
                to_status=Status.IN_PROGRESS,
                from_progress=0,
                to_progress=20,
            )
        )
        db.session.add(made)
        return made

    items = {
        "I1": item("Open the service centre", "A", date(2026, 3, 10), date(2026, 3, 1), ["B"]),
        "I2": item("Publish the project list", "A", date(2026, 3, 20), date(2026, 3, 1)),
        "I3": item("Train engineers", "B", date(2026, 4, 30), date(2026, 2, 10)),
    }
    items["I2"].milestones = [Milestone(title="Draft list", due_on=date(2026, 3, 12), position=1)]
    db.session.commit()
    return people, items


def _report(item, author, day, status, progress, *, milestone=None):
    """What a person reports on `day`, recorded with that day's time (test scaffolding)."""
    item.updates.append(
        StatusUpdate(
            author=author,
            created_at=at(day, 9),
            from_status=item.status,
            to_status=status,
            from_progress=item.progress,
            to_progress=progress,
            milestone=milestone,
        )
    )
    item.status, item.progress = status, progress
    if milestone is not None:
        milestone.done_on = day
    db.session.commit()


# Every message of the replay: day -> recipient -> lines (item, reason, days), in the order
# of the email (by due date); "digest" for the weekly digest. Nothing else may arrive.
EXPECTED = {
    "03-02": {"S": "digest"},
    "03-03": {"A": [("I1", "due_soon", 7)], "B": [("I1", "due_soon", 7), ("I3", "stale", 21)]},
    "03-05": {"A": [("I2/Draft list", "due_soon", 7)]},
    "03-07": {"A": [("I1", "due_soon", 3)], "B": [("I1", "due_soon", 3)]},
    "03-09": {"A": [("I1", "due_soon", 1), ("I2/Draft list", "due_soon", 3)],
              "B": [("I1", "due_soon", 1)], "S": "digest"},
    "03-10": {"A": [("I1", "due_today", 0)], "B": [("I1", "due_today", 0), ("I3", "stale", 28)]},
    "03-11": {"A": [("I1", "overdue", -1), ("I2/Draft list", "due_soon", 1)],
              "B": [("I1", "overdue", -1)]},
    "03-12": {"A": [("I2/Draft list", "due_today", 0)]},
    "03-13": {"A": [("I1", "overdue", -3), ("I2/Draft list", "overdue", -1), ("I2", "due_soon", 7)],
              "B": [("I1", "overdue", -3)]},
    "03-14": {"S": [("I1", "escalation", -4)]},
    # A submitted I1 in the morning: no more reminders of it, to anyone.
    "03-15": {"A": [("I2/Draft list", "overdue", -3), ("I2", "stale", 14)]},
    # A reported the milestone done in the morning.
    "03-16": {"S": "digest"},
    "03-17": {"A": [("I2", "due_soon", 3)], "B": [("I3", "stale", 35)]},
    "03-19": {"A": [("I2", "due_soon", 1)]},
    "03-20": {"A": [("I2", "due_today", 0)]},
    "03-21": {"A": [("I2", "overdue", -1)]},
    "03-23": {"A": [("I2", "overdue", -3)], "S": "digest"},
    "03-24": {"B": [("I3", "stale", 42)], "S": [("I2", "escalation", -4)]},
    "03-25": {"A": [("I2", "overdue", -5)]},
    "03-27": {"A": [("I2", "overdue", -7)], "S": [("I2", "escalation", -7)]},
    "03-29": {"A": [("I2", "overdue", -9)]},
    "03-30": {"A": [("I2", "stale", 14)], "S": [("I2", "escalation", -10), "digest"]},
    "03-31": {"A": [("I2", "overdue", -11)], "B": [("I3", "stale", 49)]},
}  # fmt: skip


def _expected_messages() -> list[tuple[str, str, object]]:
    """EXPECTED as (day, person, lines or "digest"), one entry per email."""
    flat = []
    for day, by_person in EXPECTED.items():
        for person, content in by_person.items():
            content = [content] if content == "digest" else content
            lines = [entry for entry in content if entry != "digest"]
            if lines:
                flat.append((day, person, lines))
            if "digest" in content:
                flat.append((day, person, "digest"))
    return sorted(flat, key=repr)


def test_thirty_day_replay_sends_exactly_the_expected_messages(app, world, smtp_sink):
    people, items = world
    names = {v.id: k for k, v in people.items()}
    titles = {v.title: k for k, v in items.items()}
    first = date(2026, 3, 2)
    for n in range(30):
        day = first + timedelta(days=n)
        if day == date(2026, 3, 15):
            _report(items["I1"], people["A"], day, Status.AWAITING_VERIFICATION, 100)
        if day == date(2026, 3, 16):
            _report(
                items["I2"],
                people["A"],
                day,
                Status.IN_PROGRESS,
                50,
                milestone=items["I2"].milestones[0],
            )
        now = end_of(day)
        plan_due(now)
        db.session.commit()
        report = send_due(now, "replay")
        assert report.failed == report.retried == 0

    sent = db.session.scalars(
        select(Reminder).where(Reminder.state == ReminderState.SENT).order_by(Reminder.id)
    ).all()
    got = []
    for reminder in sent:
        person = names[reminder.recipient_id]
        day = reminder.period_on.strftime("%m-%d")
        if reminder.kind == "digest":
            got.append((day, person, "digest"))
            continue
        lines = [line for line in reminder.lines if not line.dropped]
        lines.sort(key=lambda x: ((x.milestone or x.item).due_on, x.id))
        got.append(
            (
                day,
                person,
                [
                    (
                        titles[x.item.title] + (f"/{x.milestone.title}" if x.milestone else ""),
                        str(x.reason),
                        x.days,
                    )
                    for x in lines
                ],
            )
        )
    got, expected = sorted(got, key=repr), _expected_messages()
    assert [g for g in got if g not in expected] == []
    assert [e for e in expected if e not in got] == []

    # The sink received each of them exactly once, as multipart text + HTML.
    assert len(smtp_sink.messages) == len(sent)
    ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert len(set(ids)) == len(ids)
    by_id = {m["Message-ID"]: m for m in smtp_sink.messages}
    escalation = next(r for r in sent if r.kind == "daily" and names[r.recipient_id] == "S")
    mail = next(
        m
        for m in smtp_sink.messages
        if m["To"].addresses[0].addr_spec == "s@example.com"
        and "escalat" in m.get_body(("plain",)).get_content().lower()
    )
    text = mail.get_body(("plain",)).get_content()
    assert "Open the service centre" in text and "Overdue by 4 days." in text
    assert "The owners were reminded 12 times." in text  # A and B, six days each
    assert f"https://tracker.example.gov/items/{items['I1'].id}#report-h" in text
    assert escalation.id  # the escalation email is in the outbox as sent
    daily_a = [m for m in by_id.values() if m["To"].addresses[0].addr_spec == "a@example.com"]
    assert daily_a[0]["Subject"] == "Policy Tracker: 1 item needs you"
    assert all(m.get_body(("html",)) is not None for m in smtp_sink.messages)


def test_replanning_the_same_day_adds_nothing(app, world):
    now = end_of(date(2026, 3, 3))
    plan_due(now)
    db.session.commit()
    lines = db.session.scalar(select(func.count()).select_from(ReminderLine))
    # Reset the cursors: even a planner that re-evaluates the day inserts no duplicates.
    for user in db.session.scalars(select(User)):
        user.reminders_planned_on = None
    db.session.commit()
    plan_due(now)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ReminderLine)) == lines == 3


def test_a_recipient_in_another_time_zone_is_reminded_on_their_own_day_and_hour(app, world):
    people, items = world
    people["B"].timezone = "Europe/Berlin"  # 7 hours behind Shanghai in March
    db.session.commit()
    day = date(2026, 3, 7)  # three days before I1 is due
    # 09:30 in Shanghai is 02:30 in Berlin: A's reminder is due, B's is not yet.
    plan_due(at(day, 9) + timedelta(minutes=30))
    db.session.commit()
    report = send_due(at(day, 9) + timedelta(minutes=30), "s1")
    recipients = {r.recipient.email: r for r in db.session.scalars(select(Reminder))}
    assert set(recipients) == {"a@example.com"} and report.sent == 1
    # 09:00 in Berlin.
    berlin_nine = datetime.combine(day, time(9), ZoneInfo("Europe/Berlin")).astimezone(UTC)
    plan_due(berlin_nine)
    db.session.commit()
    send_due(berlin_nine, "s1")
    b_mail = db.session.scalar(select(Reminder).where(Reminder.recipient_id == people["B"].id))
    assert b_mail.period_on == day and b_mail.state == ReminderState.SENT
    assert [(x.reason, x.days) for x in b_mail.lines] == [("due_soon", 3)]


def test_reminders_go_to_the_delegate_while_the_owner_is_on_leave(app, world, smtp_sink):
    people, items = world
    people["A"].reminders_paused_until = date(2026, 3, 8)
    people["A"].delegate_id = people["B"].id
    db.session.commit()
    now = end_of(date(2026, 3, 5))  # the milestone of I2 is due in 7 days
    plan_due(now)
    db.session.commit()
    send_due(now, "s1")
    (mail,) = smtp_sink.messages
    assert mail["To"].addresses[0].addr_spec == "b@example.com"
    assert "for An, whom you stand in for" in mail.get_body(("plain",)).get_content()


def test_a_line_for_an_item_closed_since_planning_is_dropped(app, world, smtp_sink):
    people, items = world
    now = end_of(date(2026, 3, 3))
    plan_due(now)
    db.session.commit()
    _report(items["I1"], people["A"], date(2026, 3, 3), Status.AWAITING_VERIFICATION, 100)
    report = send_due(now, "s1")
    # A had only I1: nothing left to say. B still hears of I3 (stale), not of I1.
    assert report.cancelled == 1 and report.sent == 1
    (mail,) = smtp_sink.messages
    text = mail.get_body(("plain",)).get_content()
    assert "Train engineers" in text and "Open the service centre" not in text


def test_the_outbox_page_shows_messages_to_admins_only(client, login_as, world, app):
    now = end_of(date(2026, 3, 3))
    plan_due(now)
    db.session.commit()
    app.config["MAIL_SERVER"] = None  # .eml files
    send_due(now, "s1")
    login_as("supervisor")
    assert client.get("/admin/outbox").status_code == 403
    login_as("admin")
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "b@example.com" in html and "Sent" in html
    # Bo's email of the day lists two items (one due soon, one stale): the row says so.
    row = next(r for r in html.split("<tr>") if "b@example.com" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[2:4] == ["Email", "Daily reminder"] and cells[5] == "2", cells


def test_operator_commands(runner, world, smtp_sink):
    dry = runner.invoke(args=["reminders", "plan", "--today", "2026-03-03", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Bo <b@example.com>" in dry.output and "Train engineers" in dry.output
    assert "nothing written" in dry.output
    assert db.session.scalar(select(func.count()).select_from(ReminderLine)) == 0
    planned = runner.invoke(args=["reminders", "plan", "--today", "2026-03-03"])
    assert "Planned: Due soon 2, No update for a while 1" in planned.output
    sent = runner.invoke(args=["reminders", "send", "--today", "2026-03-03"])
    assert "sent 2, to retry 0, failed 0" in sent.output
    replay = runner.invoke(
        args=["reminders", "replay", "--from", "2026-03-04", "--to", "2026-03-07"]
    )
    assert replay.exit_code == 0, replay.output
    assert "2026-03-05: sent 1" in replay.output and "2026-03-07: sent 2" in replay.output
    assert len(smtp_sink.messages) == 5
    bad = runner.invoke(args=["reminders", "replay", "--from", "2026-03-07", "--to", "2026-03-01"])
    assert bad.exit_code == 2 and "--to is before --from" in bad.output


def test_supervisors_hear_of_an_item_only_after_its_owners_were_reminded(app, seeded, smtp_sink):
    """On a fresh demo the first day reminds owners only; escalations follow on later days,
    each about an item whose owners had a reminder sent on an earlier day."""
    from tests.conftest import TODAY

    def escalations():
        return db.session.scalars(
            select(ReminderLine).where(ReminderLine.reason == LineReason.ESCALATION)
        ).all()

    plan_due(end_of(TODAY))
    db.session.commit()
    send_due(end_of(TODAY), "s")
    assert escalations() == []
    for n in range(1, 8):
        now = end_of(TODAY + timedelta(days=n))
        plan_due(now)
        db.session.commit()
        send_due(now, "s")
    assert escalations(), "the demo's overdue items are escalated within a week"
    for line in escalations():
        earlier = db.session.scalar(
            select(func.count())
            .select_from(ReminderLine)
            .join(ReminderLine.reminder)
            .where(
                ReminderLine.item_id == line.item_id,
                ReminderLine.reason != LineReason.ESCALATION,
                ReminderLine.planned_on < line.planned_on,
                Reminder.state == ReminderState.SENT,
            )
        )
        assert earlier, line.item.title


def test_after_a_long_pause_a_supervisor_gets_one_digest_not_one_per_missed_week(app, seeded):
    from tests.conftest import ACCOUNTS, TODAY

    supervisor = db.session.scalar(select(User).where(User.email == ACCOUNTS["supervisor"]))
    supervisor.reminders_planned_on = TODAY - timedelta(days=20)
    db.session.commit()
    plan = plan_due(end_of(TODAY))
    weeks = [week for user, week in plan.digests if user.id == supervisor.id]
    assert weeks == [TODAY - timedelta(days=TODAY.weekday())]
