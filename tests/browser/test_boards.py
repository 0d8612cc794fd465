"""A supervisor's boards in a real browser: screenshots for people, no sideways scrolling
on a 360-pixel phone, and charts that carry their own descriptions."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("width", [360, 1280])
def test_boards_render_without_horizontal_scroll(live_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill("shen.wei@jiaxing.example.com")
    page.get_by_label("Password").fill("tracker-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    from tests.browser.conftest import OUTPUT

    OUTPUT.mkdir(parents=True, exist_ok=True)
    for path, name in [("/boards", "boards"), ("/boards/jiaxing", "board-jiaxing")]:
        page.goto(f"{live_server}{path}")
        expect(page.locator("svg.chart").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(OUTPUT / f"{name}-{width}.png"), full_page=True)
    charts = page.locator("svg.chart")
    assert charts.count() == 3
    for index in range(charts.count()):
        assert charts.nth(index).get_attribute("aria-labelledby")
    page.emulate_media(media="print")
    expect(page.locator(".sorter")).to_have_count(0)  # the city board has no sorter
    expect(page.locator(".site-header nav")).to_be_hidden()
    context.close()
