"""The Chinese interface in a real browser: a Jiaxing supervisor who prefers Chinese sees
Chinese labels, statuses, lights and place names on My work and the boards."""

from playwright.sync_api import expect


def test_a_chinese_speaking_supervisor_works_in_chinese(live_server, browser):
    from tests.browser.conftest import OUTPUT

    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()  # from Accept-Language
    page.get_by_label("邮箱").fill("shen.wei@jiaxing.example.com")
    page.get_by_label("密码").fill("tracker-demo-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()
    expect(page.get_by_text("推进中").first).to_be_visible()
    expect(page.get_by_text("红灯").first).to_be_visible()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "zh-my-360.png"), full_page=True)
    page.goto(f"{live_server}/boards")
    expect(page.get_by_role("heading", name="各城市督办进度")).to_be_visible()
    expect(page.get_by_role("link", name="嘉兴市")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(OUTPUT / "zh-boards-360.png"), full_page=True)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Progress across cities")).to_be_visible()
    context.close()
