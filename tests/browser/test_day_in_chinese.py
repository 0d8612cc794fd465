"""A supervision office's day in Chinese, in a real browser: the Jiaxing supervisor pastes a
Chinese speech, accepts its directives in one step, assigns them to two departments (one of
Haining) and publishes; the Haining clerk opens the emailed link, reports, submits, adds a
note while the item awaits verification (it stays submitted); the supervisor verifies; the
board shows it in Chinese and reads at 1366 and 360 px."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import OUTPUT
from tests.test_speech_review import CHINESE
from tracker.extensions import db
from tracker.models import ActionItem, Status, utcnow
from tracker.reminders.sending import send_due

# English names of the places on these pages (item titles are data and may be English).
LATIN_PLACE = re.compile(
    r"Haining Municipal|Science and Technology|Development and Reform|Bureau\b|Commission\b|"
    r"Administration\b|Talent Work|Includes|含 ?(Haining|Jiaxing)|\((Haining|Jiaxing)\)"
)


def _sign_in(page, email):
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill("tracker-demo-2026")
    page.get_by_role("button", name="登录").click()


def _fits(page) -> None:
    """Nothing wider than the page: no table or chart hides behind a horizontal scroll."""
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    widest = page.evaluate(
        "Math.max(0, ...[...document.querySelectorAll('table, svg')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= width


def test_a_day_of_the_supervision_office_in_chinese(live_server, browser, smtp_sink, app):
    app.config["TRACKER_BASE_URL"] = live_server  # as `tracker serve` sets it: the port served
    OUTPUT.mkdir(parents=True, exist_ok=True)
    office = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    supervisor = office.new_page()
    supervisor.set_default_timeout(10_000)
    supervisor.goto(f"{live_server}/login")
    _sign_in(supervisor, "shen.wei@jiaxing.example.com")

    # 立项: paste the speech; the directives are proposed, accepted in one step.
    supervisor.goto(f"{live_server}/speeches/new")
    expect(supervisor.get_by_label("城市")).to_have_value("jiaxing")
    supervisor.get_by_label("讲话人").fill("张兵")
    supervisor.get_by_label("讲话日期").fill("2026-03-05")
    supervisor.get_by_label("讲话全文").fill(CHINESE)
    supervisor.get_by_role("button", name="识别指示").click()
    expect(supervisor.get_by_text("已提出13条指示")).to_be_visible()
    supervisor.get_by_role("button", name="全部采纳待审核指示").click()
    expect(supervisor.get_by_text("已采纳13条指示。")).to_be_visible()

    # 交办: three directives to Haining's government (Yao Ming), two to Jiaxing's bureau.
    supervisor.get_by_role("link", name="下一步：交办已采纳的指示").click()
    directives = supervisor.locator("input[name=directives]")
    for n in range(3):
        directives.nth(n).check()
    supervisor.get_by_label("部门", exact=True).select_option(label="海宁市人民政府")
    supervisor.get_by_label("责任人", exact=True).select_option(label="Yao Ming（海宁市人民政府）")
    supervisor.get_by_role("button", name="创建任务").click()
    expect(supervisor.get_by_text("已创建3项任务。")).to_be_visible()
    directives = supervisor.locator("input[name=directives]")
    for n in (3, 4):
        directives.nth(n).check()
    supervisor.get_by_label("部门", exact=True).select_option(label="科学技术局")
    supervisor.get_by_label("责任人", exact=True).select_option(label="Zhu Qiang（科学技术局）")
    supervisor.get_by_role("button", name="创建任务").click()
    expect(supervisor.get_by_text("已创建2项任务。")).to_be_visible()
    supervisor.get_by_role("button", name="发布").click()
    expect(supervisor.get_by_text("已发布。2封交办通知已进入发件箱。")).to_be_visible()
    assert not LATIN_PLACE.search(supervisor.locator("main").inner_text())
    supervisor.screenshot(path=str(OUTPUT / "day-zh-1-published-1366.png"), full_page=True)

    # The next tick sends the assignment notices; Yao Ming's is in Chinese, with dates in
    # Chinese and links to the port actually served.
    send_due(utcnow(), "scheduler")
    mail = next(m for m in smtp_sink.messages if m["To"].addresses[0].addr_spec.startswith("yao"))
    assert mail["Subject"] == "交办通知：您有3项新任务"
    text = mail.get_body(("plain",)).get_content()
    assert "根据张兵的讲话" in text
    links = re.findall(r"https?://\S+/items/\d+", text)
    assert len(links) == 3 and all(link.startswith(live_server) for link in links)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO dates in a Chinese email

    # 反馈: the clerk, on a phone, opens the first link, signs in and lands on the item.
    field = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN")
    clerk = field.new_page()
    clerk.set_default_timeout(10_000)
    clerk.goto(links[0])
    _sign_in(clerk, "yao.ming@haining.example.com")
    expect(clerk).to_have_url(links[0])
    report = clerk.locator("section[aria-labelledby=report-h]")
    expect(report).to_be_in_viewport()  # the report form comes first on a phone
    report.get_by_label("状态").select_option(label="推进中")
    report.get_by_label("进度").fill("60")
    report.get_by_label("说明").fill("已完成方案初稿，正在征求意见。")
    report.get_by_role("button", name="保存进展").click()
    expect(clerk.get_by_text("进展已保存。")).to_be_visible()
    report = clerk.locator("section[aria-labelledby=report-h]")
    report.get_by_label("状态").select_option(label="待核验")
    report.get_by_label("进度").fill("100")
    report.get_by_label("说明").fill("方案已印发。")
    report.get_by_role("button", name="保存进展").click()
    expect(clerk.get_by_text("进展已保存。")).to_be_visible()
    # A note while awaiting verification keeps the item submitted.
    report = clerk.locator("section[aria-labelledby=report-h]")
    expect(report.get_by_label("状态")).to_have_value("awaiting_verification")
    report.get_by_label("说明").fill("补充：附会议纪要。")
    report.get_by_role("button", name="保存进展").click()
    expect(clerk.get_by_text("进展已保存。")).to_be_visible()
    item_id = int(links[0].rsplit("/", 1)[1])
    db.session.remove()
    item = db.session.get(ActionItem, item_id)
    assert item.status == Status.AWAITING_VERIFICATION
    assert [u.note for u in item.updates][-1] == "补充：附会议纪要。"
    _fits(clerk)
    assert not LATIN_PLACE.search(clerk.locator("main").inner_text())
    clerk.screenshot(path=str(OUTPUT / "day-zh-2-clerk-360.png"), full_page=True)
    field.close()

    # 办结: the supervisor verifies.
    supervisor.goto(links[0])
    supervisor.get_by_role("button", name="核验并办结").click()
    expect(supervisor.get_by_text("已核验并办结。")).to_be_visible()
    db.session.remove()
    assert db.session.get(ActionItem, item_id).status == Status.DONE

    # The board shows it, in Chinese, at 1366 and 360 px.
    for width, height in ((1366, 900), (360, 800)):
        supervisor.set_viewport_size({"width": width, "height": height})
        supervisor.goto(f"{live_server}/boards/jiaxing")
        expect(supervisor.get_by_role("heading", level=1)).to_contain_text("嘉兴市")
        main = supervisor.locator("main").inner_text()
        assert "海宁市人民政府" in main and "含海宁市" in main
        assert not LATIN_PLACE.search(main), LATIN_PLACE.search(main)
        labels = " ".join(supervisor.locator("h1, main > p.muted, thead th").all_inner_texts())
        assert "Jiaxing" not in labels and "Haining" not in labels and "嘉兴市" in labels
        _fits(supervisor)
        supervisor.screenshot(path=str(OUTPUT / f"day-zh-3-board-{width}.png"), full_page=True)
    office.close()
