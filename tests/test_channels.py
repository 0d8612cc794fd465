"""Group robots (DingTalk, WeCom, Feishu) and SMS beside email, through the same outbox,
against loopback servers that keep each platform's contract (tests/robot_servers.py)."""

import threading
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests import robot_servers as rs
from tests.conftest import ACCOUNTS, TODAY
from tracker.auth.services import find_user_by_email
from tracker.channels.services import set_robot
from tracker.extensions import db
from tracker.items.rules import OPEN
from tracker.models import (
    ActionItem,
    Channel,
    City,
    Department,
    DepartmentRobot,
    Reminder,
    ReminderKind,
    ReminderState,
)
from tracker.reminders.planning import plan_due
from tracker.reminders.sending import send_due

NOW = datetime.combine(TODAY, time(23), ZoneInfo("Asia/Shanghai"))


def _department(city: str, slug: str) -> Department:
    return db.session.scalar(
        select(Department).join(Department.city).where(City.slug == city, Department.slug == slug)
    )


@pytest.fixture
def wired(app, seeded, robots):
    """Nanjing's DRC on DingTalk (signed), its Science and Technology Bureau on WeCom, and
    Jiaxing's DRC on Feishu (signed); the Nanjing supervisor takes urgent messages by SMS."""
    urls = robots.urls()
    drc, stb = _department("nanjing", "drc"), _department("nanjing", "stb")
    jiaxing = _department("jiaxing", "drc")
    set_robot(None, drc, "dingtalk", urls["dingtalk"], rs.DINGTALK_SECRET)
    set_robot(None, stb, "wecom", urls["wecom"], None)
    set_robot(None, jiaxing, "feishu", urls["feishu"], rs.FEISHU_SECRET)
    supervisor = find_user_by_email(ACCOUNTS["supervisor"])
    supervisor.mobile, supervisor.sms_urgent = "13800138000", True
    db.session.commit()
    return {"dingtalk": drc, "wecom": stb, "feishu": jiaxing}


def _titles_due(department: Department) -> tuple[set[str], set[str]]:
    """Independently: the department's open items overdue and due within 7 days on TODAY."""
    items = db.session.scalars(
        select(ActionItem).where(
            ActionItem.department_id == department.id, ActionItem.status.in_(OPEN)
        )
    ).all()
    overdue = {i.title for i in items if i.due_on and i.due_on < TODAY}
    soon = {i.title for i in items if i.due_on and TODAY <= i.due_on <= TODAY + timedelta(7)}
    return overdue, soon


def _text(platform: str, body: dict) -> str:
    if platform == "dingtalk":
        return body["markdown"]["text"]
    if platform == "wecom":
        return body["markdown"]["content"]
    card = body["card"]  # the title in the card's header, the rest in a markdown element
    return f"### {card['header']['title']['content']}\n\n{card['elements'][0]['content']}"


def test_a_day_reaches_email_and_every_robot_once_each_correctly_signed(
    app, wired, robots, smtp_sink
):
    plan_due(NOW)
    db.session.commit()
    report = send_due(NOW, "s1")
    assert report.failed == 0 and report.retried == 0
    for platform, department in wired.items():
        overdue, soon = _titles_due(department)
        summaries = [b for b in robots.received[platform] if "：" in _text(platform, b)[:80]]
        if not (overdue or soon):
            assert not summaries
            continue
        summary = _text(platform, summaries[0])
        assert department.name_zh in summary  # in Chinese: the group reads Chinese
        for title in sorted(overdue | soon)[:10]:
            assert title.replace("(", "\\(").replace(")", "\\)") in summary or title in summary
    assert robots.refused == {}  # every request passed the platform's signature check
    assert sum(len(v) for k, v in robots.received.items() if k != "sms") >= 2
    emails = len(smtp_sink.messages)
    assert emails > 0
    # Nothing twice: another run, and a plan of the same day again, send nothing more.
    before = {k: len(v) for k, v in robots.received.items()}
    plan_due(NOW)
    db.session.commit()
    again = send_due(NOW + timedelta(minutes=15), "s2")
    assert again.sent == 0 and len(smtp_sink.messages) == emails
    assert {k: len(v) for k, v in robots.received.items()} == before
    sent = Counter(
        dict(
            db.session.execute(
                select(Reminder.channel, func.count())
                .where(Reminder.state == ReminderState.SENT)
                .group_by(Reminder.channel)
            ).all()
        )
    )
    assert sent[Channel.ROBOT] == sum(len(v) for k, v in robots.received.items() if k != "sms")
    assert sent[Channel.SMS] == len(robots.received["sms"])
    assert sent[Channel.EMAIL] == emails


def test_an_escalation_reaches_the_department_robot_and_the_supervisor_by_sms(
    app, wired, robots, smtp_sink
):
    """Supervisors hear of an overdue item once its owners were reminded: two days of
    reminders, then the escalation goes by email, to the item's robot and by SMS."""
    for day in range(0, 12, 3):
        now = NOW + timedelta(days=day)
        plan_due(now)
        db.session.commit()
        send_due(now, "s1")
    escalations = db.session.scalars(
        select(Reminder).where(Reminder.kind == ReminderKind.ESCALATION)
    ).all()
    by_channel = Counter(r.channel for r in escalations if r.state == ReminderState.SENT)
    assert by_channel[Channel.SMS] >= 1 and by_channel[Channel.ROBOT] >= 1
    sms = robots.received["sms"]
    assert sms and sms[0]["mobile"] == "13800138000" and "/my" in sms[0]["text"]
    assert "逾期" in sms[0]["text"] or "overdue" in sms[0]["text"]
    escalated = [
        _text(p, b)
        for p in ("dingtalk", "wecom", "feishu")
        for b in robots.received[p]
        if "督办" in _text(p, b) or "escalated" in _text(p, b)
    ]
    assert escalated


def _asked_for_an_update(client, login_as) -> ActionItem:
    """Wang Lei takes urgent messages by SMS; the Nanjing supervisor asks for an update on
    his first open item (催办 from the item list). Returns the item."""
    staff = find_user_by_email(ACCOUNTS["staff"])
    staff.mobile, staff.sms_urgent = "13900139000", True
    db.session.commit()
    login_as("supervisor")
    item = db.session.scalar(
        select(ActionItem)
        .where(ActionItem.responsible_id == staff.id, ActionItem.status.in_(OPEN))
        .order_by(ActionItem.id)
    )
    data = {"action": "remind", "items": [f"{item.id}:{item.version}"], "back": ""}
    assert client.post("/items/bulk", data=data).status_code == 302
    return item


def test_a_request_for_an_update_goes_to_the_robot_and_by_sms(
    app, wired, robots, smtp_sink, client, login_as
):
    item = _asked_for_an_update(client, login_as)
    send_due(NOW, "s1")
    texts = [_text("dingtalk", b) for b in robots.received["dingtalk"]]
    assert any(item.title in t and ("报送" in t or "update" in t) for t in texts)
    assert any(m["mobile"] == "13900139000" for m in robots.received["sms"])


def test_a_wrong_signature_fails_at_once_and_the_outbox_shows_the_channel(
    app, wired, robots, smtp_sink, client, login_as
):
    set_robot(None, wired["dingtalk"], "dingtalk", robots.urls()["dingtalk"], "SECwrong")
    db.session.commit()
    plan_due(NOW)
    db.session.commit()
    send_due(NOW, "s1")
    failed = db.session.scalars(
        select(Reminder).where(
            Reminder.state == ReminderState.FAILED,
            Reminder.department_id == wired["dingtalk"].id,
        )
    ).all()
    assert failed and all(r.attempts == 1 and "310000" in r.last_error for r in failed)
    assert robots.refused["dingtalk"] and "sign not match" in robots.refused["dingtalk"][0]
    login_as("admin")
    client.post("/locale/zh_Hans")
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "群机器人" in html and "310000" in html and wired["dingtalk"].name_zh in html
    assert "钉钉群机器人返回310000：签名或关键词校验未通过" in html  # what it means, in Chinese
    assert rs.DINGTALK_SECRET not in html and rs.DINGTALK_TOKEN not in html


def test_a_rate_limited_robot_waits_and_sends_each_message_once(app, wired, robots, smtp_sink):
    robots.per_minute = 0  # every post is over the limit: DingTalk answers 130101
    plan_due(NOW)
    db.session.commit()
    report = send_due(NOW, "s1")
    waiting = db.session.scalars(
        select(Reminder).where(Reminder.channel == Channel.ROBOT, Reminder.state == "pending")
    ).all()
    assert waiting and report.sent > 0  # the emails went
    tried = [r for r in waiting if r.attempts == 1]
    assert len({r.department_id for r in tried}) == len(tried)  # one try per robot and run
    codes = ("130101", "45009", "11232")
    assert all(any(code in r.last_error for code in codes) for r in tried)
    waits = {r.department_id: (r.next_attempt_at - NOW).total_seconds() for r in tried}
    assert all(wait >= 60 for wait in waits.values())
    assert waits.get(wired["dingtalk"].id, 600) >= 600  # DingTalk throttles for 10 minutes
    robots.per_minute = 20
    later = NOW + timedelta(minutes=15)
    while db.session.scalar(
        select(func.count()).where(Reminder.channel == Channel.ROBOT, Reminder.state == "pending")
    ):
        send_due(later, "s1")
        later += timedelta(minutes=15)
    robot_sent = db.session.scalar(
        select(func.count()).where(Reminder.channel == Channel.ROBOT, Reminder.state == "sent")
    )
    assert robot_sent == sum(len(v) for k, v in robots.received.items() if k != "sms")


def _robot_states() -> Counter:
    return Counter(
        dict(
            db.session.execute(
                select(Reminder.state, func.count())
                .where(Reminder.channel != Channel.EMAIL)
                .group_by(Reminder.state)
            ).all()
        )
    )


def _emails_all_sent(smtp_sink) -> None:
    emails = dict(
        db.session.execute(
            select(Reminder.state, func.count())
            .where(Reminder.channel == Channel.EMAIL)
            .group_by(Reminder.state)
        ).all()
    )
    assert set(emails) <= {"sent", "cancelled"} and emails["sent"] == len(smtp_sink.messages)


def _send_until_done(start: datetime) -> None:
    later = start
    for _run in range(10):
        send_due(later, "s1")
        later += timedelta(hours=1)
    assert not db.session.scalar(
        select(func.count()).where(Reminder.state.in_(["pending", "sending", "failed"]))
    )


@pytest.mark.parametrize("fault", ["down", "failing", "slow"])
def test_a_robot_down_failing_or_slow_loses_nothing_sends_nothing_twice_and_holds_up_no_email(
    app, wired, robots, smtp_sink, fault
):
    plan_due(NOW)
    db.session.commit()
    if fault == "down":  # nothing listens: connection refused
        port = robots.server.server_address[1]
        robots.server.shutdown()
        robots.server.server_close()
    elif fault == "failing":
        robots.script = [502, 503, 500] * 10
    else:
        robots.delay = 1  # slow, within the 2 s the tracker waits
    report = send_due(NOW, "s1")
    _emails_all_sent(smtp_sink)
    assert report.failed == 0
    if fault == "slow":
        assert report.retried == 0 and _robot_states()["pending"] == 0
    else:
        assert report.retried >= 1 and _robot_states()["pending"] >= 1
    if fault == "down":
        restarted = rs.start(port)
        try:
            _send_until_done(NOW + timedelta(hours=1))
            assert sum(len(v) for v in restarted.received.values()) == _robot_states()["sent"]
        finally:
            restarted.server.shutdown()
            restarted.server.server_close()
        return
    robots.script = []
    _send_until_done(NOW + timedelta(hours=1))
    assert sum(len(v) for v in robots.received.values()) == _robot_states()["sent"] > 0


def test_an_answer_that_never_comes_is_sent_again_once_nothing_lost(app, wired, robots, smtp_sink):
    """A robot that takes a post but answers after the tracker stopped waiting: the post is
    retried, as an email whose answer was lost is (at least once; a platform has no
    message id to tell the copies apart)."""
    plan_due(NOW)
    db.session.commit()
    robots.delay = 3  # over the 2 s the tracker waits
    assert send_due(NOW, "s1").retried >= 1
    robots.delay = 0
    _send_until_done(NOW + timedelta(hours=1))
    sent = _robot_states()["sent"]
    assert sent <= sum(len(v) for v in robots.received.values()) <= 2 * sent


def test_two_senders_at_once_post_each_message_once(app, wired, robots, smtp_sink):
    plan_due(NOW)
    db.session.commit()
    robots.delay = 0.05
    results = []

    def run(name: str) -> None:
        with app.app_context():
            results.append(send_due(NOW, name))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(f"s{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    robot_sent = db.session.scalar(
        select(func.count()).where(Reminder.channel != Channel.EMAIL, Reminder.state == "sent")
    )
    assert robot_sent == sum(len(v) for v in robots.received.values()) > 0
    assert sum(r.sent for r in results) == db.session.scalar(
        select(func.count()).where(Reminder.state == "sent")
    )


def test_robots_are_set_listed_tested_and_removed_from_the_command_line(runner, seeded, robots):
    url = robots.urls()["dingtalk"]
    result = runner.invoke(
        args=["channels", "set", "nanjing/drc", "dingtalk", "--url", url, "--secret", "SECwrong"]
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["channels", "list"]).output
    assert "nanjing/drc\tDingTalk group robot" in listed and "\tsigned" in listed
    assert rs.DINGTALK_TOKEN not in listed + result.output and "SECwrong" not in listed
    refused = runner.invoke(args=["channels", "test", "nanjing/drc"])
    assert refused.exit_code == 1 and "310000" in refused.output  # the platform's answer
    fixed = ["channels", "set", "nanjing/drc", "dingtalk", "--url", url]
    assert runner.invoke(args=[*fixed, "--secret", rs.DINGTALK_SECRET]).exit_code == 0
    sent = runner.invoke(args=["channels", "test", "nanjing/drc"])
    assert sent.exit_code == 0, sent.output
    assert "测试消息" in robots.received["dingtalk"][0]["markdown"]["text"]
    # A blank secret keeps the old one; WeCom keeps none.
    assert runner.invoke(args=fixed).exit_code == 0
    assert runner.invoke(args=["channels", "test", "nanjing/drc"]).exit_code == 0
    wecom = robots.urls()["wecom"]
    set_wecom = ["channels", "set", "nanjing/stb", "wecom", "--url", wecom, "--secret", "x"]
    assert runner.invoke(args=set_wecom).exit_code == 0
    assert runner.invoke(args=["channels", "test", "nanjing/stb"]).exit_code == 0
    assert "nanjing/stb\tWeCom group robot" in runner.invoke(args=["channels", "list"]).output
    # Mistakes name what is wrong.
    bad_place = runner.invoke(args=["channels", "set", "nanjing/nope", "wecom", "--url", wecom])
    assert bad_place.exit_code == 2 and "nanjing/nope" in bad_place.output
    plain = runner.invoke(
        args=["channels", "set", "nanjing/drc", "dingtalk", "--url", "http://example.com/x"]
    )
    assert plain.exit_code == 2 and "https://" in plain.output
    assert runner.invoke(args=["channels", "remove", "nanjing/drc"]).exit_code == 0
    assert runner.invoke(args=["channels", "remove", "nanjing/drc"]).exit_code == 2
    assert "nanjing/drc" not in runner.invoke(args=["channels", "list"]).output


def test_an_admin_sets_a_robot_on_the_places_page_and_never_sees_its_secret_again(
    client, login_as, robots
):
    login_as("admin")
    client.post("/locale/zh_Hans")
    drc = _department("nanjing", "drc")
    form = {
        "what": "robot",
        "robot-department": drc.id,
        "robot-platform": "dingtalk",
        "robot-url": robots.urls()["dingtalk"],
        "robot-secret": rs.DINGTALK_SECRET,
    }
    bad = client.post("/admin/places", data={**form, "robot-url": "ftp://x"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "https://" in page
    assert rs.DINGTALK_SECRET not in page  # not even the secret just typed
    assert client.post("/admin/places", data=form).status_code == 302
    page = client.get("/admin/places").get_data(as_text=True)
    assert "钉钉群机器人" in page and "已加签" in page
    assert rs.DINGTALK_SECRET not in page and rs.DINGTALK_TOKEN not in page
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "设置部门群机器人" in audit and rs.DINGTALK_TOKEN not in audit
    assert client.post("/admin/places", data={**form, "robot-platform": "none"}).status_code == 302
    assert "已加签" not in client.get("/admin/places").get_data(as_text=True)
    login_as("supervisor")
    assert client.post("/admin/places", data=form).status_code == 403


def test_a_person_chooses_sms_for_urgent_messages_with_a_valid_mobile_number(
    client, login_as, robots
):
    user = login_as("staff")
    client.post("/locale/zh_Hans")
    bad = client.post(
        "/account/reminders", data={"mobile": "12ab", "sms_urgent": "y", "delegate": ""}
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "请填写手机号码" in page and 'value="12ab"' in page
    none = client.post("/account/reminders", data={"sms_urgent": "y", "delegate": ""})
    assert none.status_code == 400 and "接收短信请填写手机号码" in none.get_data(as_text=True)
    ok = client.post(
        "/account/reminders",
        data={"mobile": "138 0013 8000", "sms_urgent": "y", "delegate": ""},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert (user.mobile, user.sms_urgent) == ("13800138000", True)
    assert 'value="13800138000"' in client.get("/account/reminders").get_data(as_text=True)


class Crash(BaseException):
    """The sender process dies (not an error it could handle)."""


def test_a_sender_killed_after_a_robot_took_a_post_posts_it_again_once(
    app, wired, robots, smtp_sink, monkeypatch
):
    """Killed between the robot's answer and recording it: the claim expires and another
    sender posts it again (at least once, never zero times); the rest goes once."""
    import tracker.reminders.sending as sending

    plan_due(NOW)
    db.session.commit()
    real_mark_sent = sending.mark_sent

    def die_on_the_robot(reminder_id, *args):
        if db.session.get(Reminder, reminder_id).channel == Channel.ROBOT:
            raise Crash
        real_mark_sent(reminder_id, *args)

    monkeypatch.setattr(sending, "mark_sent", die_on_the_robot)
    with pytest.raises(Crash):
        send_due(NOW, "s1")
    db.session.rollback()
    posted = sum(len(v) for v in robots.received.values())
    assert posted >= 1
    monkeypatch.setattr(sending, "mark_sent", real_mark_sent)
    # A claim lasts from when it was made: the first run's clock moved on while it ran (by
    # seconds on a loaded machine), so the second comes a minute after the claim's end.
    after_claim = NOW + timedelta(seconds=sending.current_policy().claim_seconds + 60)
    send_due(after_claim, "s2")
    assert set(_robot_states()) <= {"sent", "cancelled"}  # nothing left pending or claimed
    delivered = sum(len(v) for v in robots.received.values())
    assert delivered == _robot_states()["sent"] + 1  # that one post twice, the rest once


def _many_items(department: Department, count: int, title: str, due) -> list[ActionItem]:
    """`count` open items of `department`, all due on `due`, on a published directive."""
    template = db.session.scalar(
        select(ActionItem)
        .where(ActionItem.department_id == department.id)
        .order_by(ActionItem.id)
        .limit(1)
    )
    items = [
        ActionItem(
            directive_id=template.directive_id,
            city_id=department.city_id,
            department_id=department.id,
            responsible_id=template.responsible_id,
            title=f"{title} {n}",
            due_on=due,
        )
        for n in range(count)
    ]
    db.session.add_all(items)
    db.session.commit()
    return items


def test_a_long_summary_is_cut_to_what_the_platform_takes_and_names_title_text_only(
    app, wired, robots, smtp_sink
):
    """WeCom takes 4,096 bytes of markdown: with many long titles due, fewer are named and
    the rest counted. Titles with markdown, HTML or line breaks stay one line of text."""
    stb = wired["wecom"]
    hostile = "推进区块链\\r\\n1. 注入](javascript:alert(1)) **粗体** <b>x</b> # 标题\r\n---"
    _many_items(stb, 1, hostile, TODAY + timedelta(days=1))
    _many_items(stb, 40, "加快建设长三角区块链技术创新与产业应用示范平台" * 3, TODAY + timedelta(2))
    send_due(NOW, "s1")
    assert robots.refused == {} and len(robots.received["wecom"]) == 1
    text = _text("wecom", robots.received["wecom"][0])
    assert len(text.encode()) <= 4096 and "另有" in text
    line = next(x for x in text.splitlines() if "推进区块链" in x)
    assert "javascript" in line and "](javascript" not in line and "<b>" not in line
    assert line.count("](") == 1  # the item's own link only
    assert "\n1. 注入" not in text and "\n---" not in text


def test_a_broken_webhook_address_is_refused_and_one_stored_anyway_fails_alone(
    app, wired, robots, smtp_sink, client, login_as, runner
):
    key_with_space = robots.urls()["wecom"].replace("key=", "key=ab\u200bcd")
    for url in (key_with_space, "https://[oops/robot", "https://user:pw@example.com/x"):
        result = runner.invoke(args=["channels", "set", "nanjing/stb", "wecom", "--url", url])
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    login_as("admin")
    form = {"what": "robot", "robot-department": wired["wecom"].id, "robot-platform": "wecom"}
    for url in (key_with_space, "https://[oops/robot", "x" * 600):
        assert client.post("/admin/places", data={**form, "robot-url": url}).status_code == 400
    # An address that got in some other way (by SQL, an older version) fails its message at
    # once, with no credential in the error, and the rest of the run goes on.
    robot = db.session.scalar(
        select(DepartmentRobot).where(DepartmentRobot.department_id == wired["wecom"].id)
    )
    robot.url = key_with_space
    db.session.commit()
    report = send_due(NOW, "s1")
    failed = db.session.scalars(
        select(Reminder).where(Reminder.department_id == wired["wecom"].id)
    ).all()
    assert failed and all(r.state == ReminderState.FAILED for r in failed)
    assert all(rs.WECOM_KEY[:6] not in r.last_error for r in failed)
    assert robots.received["dingtalk"] and report.sent > 0  # the others went


def test_webhook_credentials_never_show_in_full(runner, seeded):
    hook = "https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef/"
    result = runner.invoke(args=["channels", "set", "jiaxing/drc", "feishu", "--url", hook])
    assert result.exit_code == 0, result.output
    assert "0123456789" not in result.output
    listed = runner.invoke(args=["channels", "list"]).output
    assert "jiaxing/drc" in listed and "0123456789" not in listed and "open.feishu.cn" in listed


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        ({"code": 1, "message": "invalid mobile"}, ReminderState.FAILED),
        ({"status": "success"}, ReminderState.SENT),
        ({"Code": "OK"}, ReminderState.SENT),
        ({"code": 0}, ReminderState.SENT),
    ],
)
def test_an_sms_gateway_answer_is_read_for_what_it_says(
    app, wired, robots, smtp_sink, client, login_as, answer, state
):
    robots.sms_answer = answer
    _asked_for_an_update(client, login_as)
    send_due(NOW, "s1")
    sms = db.session.scalar(select(Reminder).where(Reminder.channel == Channel.SMS))
    assert sms.state == state


def test_a_request_reaches_the_group_also_for_items_without_an_owner_left(
    app, wired, robots, smtp_sink, client, login_as
):
    drc = wired["dingtalk"]
    orphan, owned = _many_items(drc, 2, "无人负责的事项", TODAY + timedelta(days=20))
    orphan.responsible_id = None
    db.session.commit()
    owner = db.session.get(type(find_user_by_email(ACCOUNTS["staff"])), owned.responsible_id)
    login_as("supervisor")
    items = [f"{i.id}:{i.version}" for i in (orphan, owned)]
    data = {"action": "remind", "items": items, "back": ""}
    assert client.post("/items/bulk", data=data).status_code == 302
    owner.is_active = False  # leaves before the message goes: the email is dropped
    db.session.commit()
    send_due(NOW, "s1")
    texts = [_text("dingtalk", b) for b in robots.received["dingtalk"]]
    request = next(t for t in texts if "督查室请报送" in t)
    assert orphan.title in request and owned.title in request
    again = {"action": "remind", "items": items, "back": ""}
    client.post("/items/bulk", data=again)  # asked again the same day: nothing new to post
    send_due(NOW, "s1")
    assert (
        len([b for b in robots.received["dingtalk"] if "督查室请报送" in _text("dingtalk", b)]) == 1
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１３８００１３８０００", "13800138000"),  # full-width, as input methods type it
        ("+86 138-0013-8000", "13800138000"),
        ("+44 7700 900123", "+447700900123"),
        ("١٣٨٠٠١٣٨٠٠٠", None),
        ("1380013800", None),  # 10 digits
        ("138001380000", None),  # 12 digits
        ("23800138000", None),  # not a mobile prefix
        ("+8623800138000", None),
    ],
)
def test_mobile_numbers_are_read_as_people_type_them(client, login_as, typed, stored):
    user = login_as("staff")
    page = client.post(
        "/account/reminders", data={"mobile": typed, "sms_urgent": "y", "delegate": ""}
    )
    assert page.status_code == (302 if stored else 400)
    db.session.expire_all()
    assert user.mobile == stored


def test_a_wait_asked_for_beyond_reason_is_capped(app, wired, robots, smtp_sink):
    robots.script = [429]
    robots.retry_after = "999999999999"
    plan_due(NOW)
    db.session.commit()
    send_due(NOW, "s1")
    waiting = db.session.scalars(
        select(Reminder).where(
            Reminder.channel == Channel.ROBOT, Reminder.state == ReminderState.PENDING
        )
    ).all()
    assert len(waiting) == 1 and "429" in waiting[0].last_error
    assert timedelta(minutes=10) <= waiting[0].next_attempt_at - NOW <= timedelta(hours=2)


def test_a_summary_that_could_not_go_out_gives_way_to_the_next_day_s(app, wired, robots, smtp_sink):
    """A robot down for two days: on the third, only that day's summary is posted."""
    robots.script = [503] * 30
    for day in range(2):
        now = NOW + timedelta(days=day)
        plan_due(now)
        db.session.commit()
        send_due(now, "s1")
    robots.script = []
    third = NOW + timedelta(days=2)
    plan_due(third)
    db.session.commit()
    for hour in range(0, 8):
        send_due(third + timedelta(hours=hour), "s1")
    summaries = db.session.scalars(
        select(Reminder).where(
            Reminder.kind == ReminderKind.SUMMARY, Reminder.department_id == wired["dingtalk"].id
        )
    ).all()
    states = {r.period_on: r.state for r in summaries}
    newest = max(states)
    assert states[newest] == ReminderState.SENT
    assert all(state == ReminderState.CANCELLED for day, state in states.items() if day < newest)
    assert len([b for b in robots.received["dingtalk"] if "到期提醒" in _text("dingtalk", b)]) == 1


def test_an_escalation_also_reaches_the_robot_of_a_supporting_department(
    app, wired, robots, smtp_sink
):
    """协办: a new Audit Bureau, with nothing overdue of its own, supports an overdue DRC item;
    its robot hears of the escalation for its part, naming the item."""
    from tracker.models import ItemSupporter

    title = "Compile the list of major blockchain projects for the year"
    item = db.session.scalar(select(ActionItem).where(ActionItem.title == title))
    audit = Department(city=item.city, slug="audit", name="Audit Bureau", name_zh="审计局")
    db.session.add(audit)
    db.session.flush()
    set_robot(None, audit, "wecom", robots.urls()["wecom"], None)
    item.supporters.append(ItemSupporter(department=audit, responsible=None))
    db.session.commit()
    stb_titles = {
        i.title for i in db.session.scalars(select(ActionItem)) if i.department == wired["wecom"]
    }
    assert title not in stb_titles
    for day in range(0, 12, 3):
        now = NOW + timedelta(days=day)
        plan_due(now)
        db.session.commit()
        send_due(now, "s1")
    escalated = [
        _text("wecom", b)
        for b in robots.received["wecom"]
        if "督办" in _text("wecom", b) or "escalated" in _text("wecom", b)
    ]
    assert escalated and any(title in text for text in escalated)
