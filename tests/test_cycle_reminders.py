"""Reminders and notices of the 督办 cycle, planned and sent for real (a loopback SMTP
server): an item not acknowledged in time, a periodic report due and missed, supporting
departments reminded with the lead, and the notices of an instruction and an extension."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.conftest import TODAY
from tracker.extensions import db
from tracker.items import cycle, extensions
from tracker.models import ActionItem, LineReason, ReminderLine, StatusUpdate, User
from tracker.reminders.cli import end_of
from tracker.reminders.planning import plan_due
from tracker.reminders.sending import send_due

NEW = "Map blockchain firms for the integrated-innovation directory"  # assigned yesterday
FUND = "Draft the rules of the blockchain industry fund"  # two supporting departments
MONTHLY = "Report monthly on blockchain projects under construction"  # Sun Min, monthly


def _item(title: str) -> ActionItem:
    return db.session.scalar(select(ActionItem).where(ActionItem.title == title))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _lines(reason: LineReason) -> set[tuple[str, str]]:
    return {
        (line.recipient.email, line.item.title)
        for line in db.session.scalars(select(ReminderLine).where(ReminderLine.reason == reason))
    }


def test_an_item_not_acknowledged_in_time_reminds_its_lead_not_its_supporters(app, seeded):
    plan_due(end_of(TODAY))  # a working day after it was assigned
    db.session.commit()
    assert _lines(LineReason.ACKNOWLEDGE) == {("wang.lei@nanjing.example.com", NEW)}


def test_an_acknowledged_item_is_not_reminded_and_a_waiting_line_is_dropped(app, seeded, smtp_sink):
    plan_due(end_of(TODAY))
    db.session.commit()
    item = _item(NEW)
    cycle.acknowledge(item, item.responsible, item.version)
    db.session.commit()
    send_due(end_of(TODAY), "test")
    # His only line today was the acknowledgement: dropped, and his daily email with it.
    to_him = [m for m in smtp_sink.messages if m["To"].addresses[0].addr_spec.startswith("wang")]
    assert to_him == [] and smtp_sink.messages  # the others' emails went
    (line,) = db.session.scalars(
        select(ReminderLine).where(ReminderLine.reason == LineReason.ACKNOWLEDGE)
    ).all()
    assert line.dropped
    plan_due(end_of(TODAY + timedelta(days=1)))
    db.session.commit()
    assert (
        len(
            db.session.scalars(
                select(ReminderLine).where(ReminderLine.reason == LineReason.ACKNOWLEDGE)
            ).all()
        )
        == 1
    )


def test_supporting_departments_are_reminded_of_the_due_date_with_the_lead(app, seeded):
    fund = _item(FUND)
    plan_due(end_of(fund.due_on - timedelta(days=3)))
    db.session.commit()
    told = {email for email, title in _lines(LineReason.DUE_SOON) if title == FUND}
    assert told == {
        "wang.lei@nanjing.example.com",
        "gao.feng@nanjing.example.com",
        "ma.chao@nanjing.example.com",
    }


def test_a_periodic_report_is_reminded_before_its_window_closes_and_escalated_after(app, seeded):
    plan_due(end_of(date(2026, 3, 22)))  # three days before the 25th, nothing reported yet
    db.session.commit()
    assert ("sun.min@nanjing.example.com", MONTHLY) in _lines(LineReason.REPORT_DUE)
    plan_due(end_of(date(2026, 3, 26)))  # the window closed without a report
    db.session.commit()
    missed = _lines(LineReason.REPORT_MISSED)
    assert ("chen.hong@nanjing.example.com", MONTHLY) in missed
    assert not any(email.startswith("sun.min") for email, _title in missed)


def test_a_report_inside_the_window_silences_both(app, seeded):
    item = _item(MONTHLY)
    on_the_20th = datetime(2026, 3, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    item.updates.append(
        StatusUpdate(
            author=item.responsible,
            created_at=on_the_20th,
            from_status=item.status,
            to_status=item.status,
            from_progress=item.progress,
            to_progress=30,
            note="March report: 17 projects.",
        )
    )
    item.progress = 30
    db.session.commit()
    plan_due(end_of(date(2026, 3, 22)))
    plan_due(end_of(date(2026, 3, 26)))
    db.session.commit()
    assert _lines(LineReason.REPORT_DUE) == set()
    assert _lines(LineReason.REPORT_MISSED) == set()


def test_notices_of_an_instruction_and_a_decision_go_out_in_each_reader_s_language(
    app, seeded, smtp_sink
):
    parent = _item("Bring blockchain into urban management in Haining")
    leader = _user("lu.qing@jiaxing.example.com")
    cycle.instruct(leader, "试点要形成可复制的经验。", TODAY, item=parent)
    db.session.commit()
    pilot = _item("Propose a blockchain pilot zone to the provincial government")
    supervisor = _user("chen.hong@nanjing.example.com")
    extensions.decide_extension(
        pilot.extension_requests[0], supervisor, False, "Redo the forms first.", None, TODAY
    )
    db.session.commit()
    send_due(end_of(TODAY), "test")
    by_to = {}
    for message in smtp_sink.messages:
        by_to.setdefault(message["To"].addresses[0].addr_spec, []).append(message)
    (to_owner,) = [m for m in by_to["qian.li@jiaxing.example.com"] if "批示" in m["Subject"]]
    assert "试点要形成可复制的经验。" in to_owner.get_body(("plain",)).get_content()
    assert "Lu Qing 批示" in to_owner["Subject"]
    assert any("批示" in m["Subject"] for m in by_to["shen.wei@jiaxing.example.com"])
    (refusal,) = [
        m for m in by_to["wang.lei@nanjing.example.com"] if "Extension refused" in m["Subject"]
    ]
    body = refusal.get_body(("plain",)).get_content()
    assert "Redo the forms first." in body and "Chen Hong refused" in body
    send_due(end_of(TODAY), "test")  # sent once
    assert sum("批示" in m["Subject"] for m in smtp_sink.messages) == 2
