"""督办单 and 督查通报 as PDF: read back with pypdf in Chinese and English, the first page
of each saved as PNG under test-output/ (pdftoppm) to look at."""

import io
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import get_locale
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import TODAY
from tracker.extensions import db
from tracker.items.rules import OPEN
from tracker.models import ActionItem, AuditEvent, City, Status, User

OUTPUT = Path(__file__).resolve().parent.parent / "test-output" / "documents"


def _text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _png(response, name: str) -> None:
    """The first page as PNG, to look at (pdftoppm, from poppler-utils, which `make test`
    installs)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    pdf = OUTPUT / f"{name}.pdf"
    pdf.write_bytes(response.data)
    assert shutil.which("pdftoppm"), "make test installs poppler-utils (make pdf-libs)"
    if True:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                pdf,
                pdf.with_suffix(""),
            ],
            check=True,
        )
        assert pdf.with_suffix(".png").stat().st_size > 5000


def _late_item(days: int) -> ActionItem:
    item = db.session.scalar(
        select(ActionItem)
        .join(ActionItem.city)
        .where(
            City.slug == "nanjing",
            ActionItem.status.in_(OPEN),
            ActionItem.department_id.is_not(None),
        )
        .order_by(ActionItem.id)
    )
    item.due_on = TODAY - timedelta(days=days)
    db.session.commit()
    return item


@pytest.mark.parametrize(
    ("days", "title", "leaders"),
    [(1, "催办通知单", False), (5, "督办通知单", False), (12, "督办通知单", True)],
)
def test_a_notice_in_chinese_follows_the_ladder_and_is_recorded(
    client, login_as, days, title, leaders
):
    item = _late_item(days)
    seen = (item.version, item.updated_at)
    login_as("supervisor")
    client.post("/locale/zh_Hans")
    response = client.get(f"/items/{item.id}/notice.pdf")
    db.session.expire_all()
    assert (item.version, item.updated_at) == seen  # issuing changes nothing of the item
    text = _text(response)
    _png(response, f"notice-zh-{days}")
    assert title in text and "南京市督查室" in text and item.title in text
    assert item.department.name_zh in text and f"逾期{days}天" in text
    assert ("抄送市领导" in text) == leaders
    number = re.search(r"编号：(\d{4}-\d{6})", text).group(1)
    again = _text(client.get(f"/items/{item.id}/notice.pdf"))
    assert f"编号：{number}" in again  # the same notice the same day
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "item.notice_issued", AuditEvent.target_id == item.id
        )
    ).all()
    assert len(events) == 1 and events[0].details["level"] == (
        1 if days == 1 else 2 if days == 5 else 3
    )
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "发出督办通知单" in page  # in the item's audit trail


def test_a_notice_in_english_and_who_may_issue_it(client, login_as):
    item = _late_item(5)
    login_as("supervisor")
    client.post("/locale/en")
    response = client.get(f"/items/{item.id}/notice.pdf")
    text = _text(response)
    _png(response, "notice-en")
    assert "Supervision Notice" in text and "overdue by 5 days" in text.lower()
    login_as("staff")
    assert client.get(f"/items/{item.id}/notice.pdf").status_code == 403
    login_as("other_supervisor")
    assert client.get(f"/items/{item.id}/notice.pdf").status_code in (403, 404)


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_the_bulletin_names_the_figures_the_departments_and_the_late_items(
    client, login_as, locale
):
    login_as("supervisor")
    client.post(f"/locale/{locale}")
    response = client.get("/boards/nanjing/bulletin.pdf?period=2026-03")
    text = _text(response)
    _png(response, f"bulletin-{locale}")
    items = db.session.scalars(
        select(ActionItem).join(ActionItem.city).where(City.slug == "nanjing")
    ).all()
    late = [i for i in items if i.status in OPEN and i.due_on and i.due_on < TODAY]
    if locale == "zh_Hans":
        assert "督查通报" in text and "南京市督查室" in text and "2026年3月" in text
        assert "部门考核排名" in text and "逾期未办结任务" in text
        for item in late[:5]:
            assert item.department.name_zh in text
    else:
        assert "Supervision Bulletin" in text and "March 2026" in text
    for item in late[:5]:
        assert item.title[:20] in text.replace("\n", " ")
    flat = " ".join(text.split())
    overdue = len([i for i in items if i.status in OPEN and i.due_on and i.due_on < TODAY])
    total = len(items)
    if locale == "zh_Hans":
        assert f"任务 {total} " in flat and f"已逾期 {overdue}" in flat
    else:
        assert f"Items {total} " in flat and f"Overdue {overdue}" in flat
    assert client.get("/boards/nanjing/bulletin.pdf?period=2027-01").status_code == 400


@pytest.fixture
def bulletins(app):
    app.config["MONTHLY_BULLETIN"] = True  # off in the other tests (see conftest)


def test_the_month_s_bulletin_is_emailed_once_on_its_first_working_day(
    app, seeded, smtp_sink, bulletins, monkeypatch
):
    """On 1 April (the first day reminders go out that month) each supervisor of a city gets
    March's bulletin attached, once however often the sender runs; not on 2 April. A city's
    bulletin is rendered once per language for all its recipients."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tracker.documents import mailing
    from tracker.models import Reminder, ReminderKind
    from tracker.reminders.sending import send_due

    rendered = []

    def render(city, first, today, policy):
        rendered.append((city.slug, str(get_locale())))
        return bulletin_pdf(city, first, today, policy)

    bulletin_pdf = mailing.bulletin_pdf
    monkeypatch.setattr(mailing, "bulletin_pdf", render)
    april = datetime(2026, 4, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    send_due(april, "s1")
    send_due(april.replace(hour=15), "s1")
    bulletins = [
        m for m in smtp_sink.messages if "督查通报" in m["Subject"] or "bulletin" in m["Subject"]
    ]
    supervisors = {  # and the leaders (市领导), who receive bulletins too
        "chen.hong@nanjing.example.com",
        "shen.wei@jiaxing.example.com",
        "han.bin@nanjing.example.com",
        "lu.qing@jiaxing.example.com",
    }
    assert {m["To"].addresses[0].addr_spec for m in bulletins} == supervisors
    assert len(bulletins) == len(supervisors)
    readers = db.session.scalars(select(User).where(User.email.in_(supervisors))).all()
    languages = {(reader.city.slug, reader.locale or "en") for reader in readers}
    assert len(languages) < len(supervisors)  # some share a city and a language
    assert sorted(rendered) == sorted(languages)
    attachment = next(bulletins[0].iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    text = PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert "2026" in text and ("督查通报" in text or "Supervision Bulletin" in text)
    send_due(datetime(2026, 4, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), "s1")
    assert db.session.query(Reminder).filter(Reminder.kind == ReminderKind.BULLETIN).count() == 4


def test_an_escalation_email_carries_the_notice_of_the_item(app, seeded, smtp_sink):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tracker.reminders.planning import plan_due
    from tracker.reminders.sending import send_due

    start = datetime(2026, 3, 16, 23, tzinfo=ZoneInfo("Asia/Shanghai"))
    for day in range(0, 12, 3):
        now = start + timedelta(days=day)
        plan_due(now)
        db.session.commit()
        send_due(now, "s1")
    escalations = [
        m
        for m in smtp_sink.messages
        if any(True for _a in m.iter_attachments())
        and "bulletin" not in m["Subject"]
        and "督查通报" not in m["Subject"]
    ]
    assert escalations
    attachment = next(escalations[0].iter_attachments())
    text = PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert (
        "督办通知单" in text
        or "Supervision Notice" in text
        or "催办通知单" in text
        or "Reminder Notice" in text
    )
    issued = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "item.notice_issued")
    ).all()
    assert issued


def test_a_closed_item_takes_no_notice(client, login_as):
    item = db.session.scalar(select(ActionItem).where(ActionItem.status == Status.DONE))
    login_as("admin")
    response = client.get(f"/items/{item.id}/notice.pdf")
    assert response.status_code == 409
    page = response.get_data(as_text=True)  # titled for what it says, not "changed meanwhile"
    assert "Not possible now" in page and "Changed meanwhile" not in page
    issued = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "item.notice_issued")
    ).all()
    assert issued == []


def test_the_notice_counts_late_days_as_the_policy_does(client, login_as):
    """With working days on, a notice counts the days late as the escalation ladder does:
    due on Friday 13 March, on Monday 16 March it is 1 working day late, not 3."""
    login_as("admin")
    policy = {
        "before_days": "7, 3, 1", "overdue_every": 2, "escalate_after": 3,
        "escalate_every": 3, "stale_after": 14, "stale_every": 7, "send_hour": 9,
        "digest_weekday": 0, "working_days": "y",
    }  # fmt: skip
    assert client.post("/admin/policy", data=policy).status_code == 302
    item = _late_item(3)  # due Friday 13 March 2026
    client.post("/locale/zh_Hans")
    text = _text(client.get(f"/items/{item.id}/notice.pdf"))
    assert "逾期1天" in text and "催办通知单" in text


def test_the_month_s_bulletin_goes_from_the_first_working_day_and_is_caught_up(
    app, seeded, smtp_sink, bulletins
):
    """May 2026 starts with the Labour Day holiday: April's bulletin goes on Wednesday 6 May
    (not on 1-5 May), and a scheduler that missed that day sends it on the 7th."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tracker.models import Reminder, ReminderKind
    from tracker.reminders.sending import send_due

    shanghai = ZoneInfo("Asia/Shanghai")
    for day in (1, 2, 3, 4, 5):
        send_due(datetime(2026, 5, day, 10, tzinfo=shanghai), "s1")
    assert not db.session.scalars(
        select(Reminder).where(Reminder.kind == ReminderKind.BULLETIN)
    ).all()
    send_due(datetime(2026, 5, 7, 10, tzinfo=shanghai), "s1")  # the 6th was missed
    keys = sorted(
        db.session.scalars(select(Reminder.key).where(Reminder.kind == ReminderKind.BULLETIN))
    )
    assert len(keys) == 4 and all(":2026-04:" in key for key in keys)  # 2 supervisors, 2 leaders


def test_notices_asked_for_at_the_same_moment_are_one(app, seeded):
    import threading

    from tracker.documents import notices
    from tracker.reminders.policy import current_policy

    item_id = _late_item(5).id
    barrier, numbers, errors = threading.Barrier(4), [], []

    def ask() -> None:
        try:
            with app.app_context():
                item = db.session.get(ActionItem, item_id)
                barrier.wait()
                numbers.append(notices.issue(item, None, TODAY, current_policy()).number)
                db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(numbers)) == 1
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "item.notice_issued")
    ).all()
    assert len(events) == 1


def test_no_bulletin_email_when_the_office_turns_it_off(app, seeded, smtp_sink):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tracker.reminders.sending import send_due

    send_due(datetime(2026, 4, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), "s1")
    subjects = [m["Subject"] for m in smtp_sink.messages]
    assert not [s for s in subjects if "督查通报" in s or "bulletin" in s]
