"""The 督办 cycle in Chinese, in a real browser: Wang Lei acknowledges (签收) a new item; the
MIIT, its supporting department, reports its part (协办); Wang Lei asks for more time
(延期申请); the supervisor approves; the vice mayor writes an instruction (批示); Wang Lei
submits; the supervisor verifies (办结). Each person reads Chinese only, at 1366 and 360 px."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select, update

from tests.browser.conftest import OUTPUT
from tracker.extensions import db
from tracker.models import ActionItem, ExtensionState, Status, User

NEW = "Map blockchain firms for the integrated-innovation directory"
# English words of the interface (item titles and people's names are data and may be Latin).
INTERFACE_ENGLISH = re.compile(
    r"\b(Acknowledge|Awaiting|Supporting|Extension|Approve|Refuse|Instruction|Leader|Stages|"
    r"Reporting cycle|Submitted|Due date|Progress|Note|Bureau|Commission|Administration)\b"
)


def _sign_in(page, live_server, email):
    # Signed out by dropping the cookies. (Opening /logout, a 405 page, raced: its favicon's
    # 404 page could come back after the sign-in page and replace the session, CSRF and all.)
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    page.wait_for_load_state("networkidle")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill("tracker-demo-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)  # signed in before the next page


def _chinese_only(page) -> None:
    text = page.locator("main").inner_text().replace(NEW, "")
    assert not INTERFACE_ENGLISH.search(text), INTERFACE_ENGLISH.search(text).group(0)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate(
        "window.innerWidth"
    )


def test_the_cycle_from_acknowledgement_to_verification_in_chinese(live_server, browser, app):
    db.session.execute(update(User).values(locale="zh_Hans"))
    db.session.commit()
    item = db.session.scalar(select(ActionItem).where(ActionItem.title == NEW))
    url = f"{live_server}/items/{item.id}"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    laptop = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = laptop.new_page()
    page.set_default_timeout(10_000)

    # 签收: the new item waits on Wang Lei's 我的工作.
    _sign_in(page, live_server, "wang.lei@nanjing.example.com")
    page.goto(f"{live_server}/my")
    expect(page.get_by_role("heading", name="待我签收")).to_be_visible()
    page.get_by_role("link", name=NEW).first.click()
    expect(page.get_by_role("heading", name="待签收")).to_be_visible()
    _chinese_only(page)
    page.get_by_role("button", name="签收").click()
    expect(page.get_by_text("已签收。")).to_be_visible()
    expect(page.get_by_role("button", name="签收")).to_have_count(0)

    # 协办: the MIIT reports its part; it cannot submit the item.
    _sign_in(page, live_server, "xu.ting@nanjing.example.com")
    page.goto(f"{live_server}/my")
    expect(page.get_by_role("heading", name="本单位协办")).to_be_visible()
    page.goto(url)
    expect(page.get_by_label("状态", exact=True)).to_have_count(0)
    page.get_by_label("本单位协办部分进度").fill("60")
    page.get_by_label("本单位完成情况").fill("已梳理软件企业区块链业务清单，共 23 家。")
    page.get_by_role("button", name="保存协办情况").click()
    expect(page.get_by_text("协办情况已保存。")).to_be_visible()
    expect(page.get_by_text("协办部分进度：60%")).to_be_visible()
    _chinese_only(page)

    # 延期申请: Wang Lei asks for three more weeks.
    _sign_in(page, live_server, "wang.lei@nanjing.example.com")
    page.goto(url)
    wanted = item.due_on + timedelta(days=21)
    page.get_by_label("申请延至").fill(wanted.isoformat())
    page.get_by_label("延期理由").fill("区县数据报送延迟，需补充调研。")
    page.get_by_role("button", name="申请延期").click()
    expect(page.get_by_text("申请已提交督查人员审批。")).to_be_visible()
    expect(page.get_by_text("待审批")).to_be_visible()

    # The supervisor approves; the original due date stays on the page.
    _sign_in(page, live_server, "chen.hong@nanjing.example.com")
    page.goto(f"{live_server}/my")
    expect(page.get_by_role("heading", name="待审批的延期申请")).to_be_visible()
    page.goto(url)
    page.get_by_label("同意", exact=True).check()
    page.get_by_label("给责任单位的说明").fill("同意，请按新时限完成。")
    page.get_by_role("button", name="保存审批意见").click()
    expect(page.get_by_text("已同意延期。")).to_be_visible()
    expect(page.get_by_text("原截止日期")).to_be_visible()
    _chinese_only(page)
    page.screenshot(path=str(OUTPUT / "cycle-zh-1-extended-1366.png"), full_page=True)

    # 批示: the vice mayor writes on the item; it shows at the top for everyone.
    _sign_in(page, live_server, "han.bin@nanjing.example.com")
    page.goto(url)
    page.get_by_label("批示", exact=True).fill("请市发改委抓紧推进，月底前报送名录初稿。")
    page.get_by_role("button", name="发送批示").click()
    expect(page.get_by_text("批示已发送。")).to_be_visible()
    expect(page.get_by_role("heading", name="领导批示")).to_be_visible()

    # 办结: Wang Lei submits; the supervisor verifies.
    _sign_in(page, live_server, "wang.lei@nanjing.example.com")
    page.goto(url)
    expect(
        page.get_by_role("region", name="领导批示").get_by_text(
            "请市发改委抓紧推进，月底前报送名录初稿。"
        )
    ).to_be_visible()
    page.get_by_label("状态", exact=True).select_option(label="待核验")
    page.get_by_label("进度", exact=True).fill("100")
    page.get_by_label("说明", exact=True).fill("名录初稿已完成，共收录 86 家企业。")
    page.get_by_role("button", name="保存进展").click()
    expect(page.get_by_text("进展已保存。")).to_be_visible()
    _sign_in(page, live_server, "chen.hong@nanjing.example.com")
    page.goto(url)
    page.get_by_role("button", name="核验并办结").click()
    expect(page.get_by_text("已核验并办结。")).to_be_visible()
    _chinese_only(page)

    phone = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    small = phone.new_page()
    _sign_in(small, live_server, "chen.hong@nanjing.example.com")
    small.goto(url)
    _fits(small)
    small.screenshot(path=str(OUTPUT / "cycle-zh-2-verified-360.png"), full_page=True)
    phone.close()
    laptop.close()

    db.session.expire_all()
    item = db.session.get(ActionItem, item.id)
    assert item.status == Status.DONE and item.original_due_on is not None
    assert item.acknowledged_at and item.first_report_at and item.submitted_at
    assert [r.state for r in item.extension_requests] == [ExtensionState.APPROVED]
    assert any(u.supporter_department_id for u in item.updates)
