"""A supervisor's boards in a real browser, in both languages, on a laptop (1366 px) and a
phone (360 px): every column in view without sideways scrolling, no table wider than the page,
chart text of 11 px or more, charts that carry their own descriptions; screenshots for people
in test-output/screenshots/ (boards-index-zh-1366.png, boards-jiaxing-en-360.png, ...)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OUTPUT

PAGES = [("/boards", "boards-index"), ("/boards/jiaxing", "boards-jiaxing")]
# What a page measures: its own width, each board table's against its box, and the size each
# chart text is drawn at (its font size times the chart's scale on screen).
MEASURE = """() => ({
  page: document.documentElement.scrollWidth,
  viewport: document.documentElement.clientWidth,
  tables: Array.from(document.querySelectorAll("table.board")).map(t => ({
    scroll: t.scrollWidth, client: t.clientWidth,
    wrapScroll: t.parentElement.scrollWidth, wrapClient: t.parentElement.clientWidth,
    right: t.getBoundingClientRect().right,
  })),
  chartText: Array.from(document.querySelectorAll("svg.chart text")).map(t => {
    const m = t.getScreenCTM();
    return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  }),
})"""


def _sign_in(page, live_server, language):
    """Shen Wei (Jiaxing and Haining) prefers Chinese; English is a switch away."""
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill("shen.wei@jiaxing.example.com")
    page.get_by_label("Password").fill("tracker-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    if language == "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("width", [1366, 360])
def test_boards_read_at_a_glance_on_a_laptop_and_a_phone(live_server, browser, width, language):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, language)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for path, name in PAGES:
        page.goto(f"{live_server}{path}")
        expect(page.locator("svg.chart").first).to_be_visible()
        expect(page.locator("table.board").first).to_contain_text(
            "嘉兴市" if language == "zh" else "Jiaxing"
        )
        page.screenshot(path=str(OUTPUT / f"{name}-{language}-{width}.png"), full_page=True)
        seen = page.evaluate(MEASURE)
        assert seen["page"] <= width, path
        assert seen["tables"], path
        for table in seen["tables"]:
            assert table["right"] <= seen["viewport"], (path, table)
            assert table["scroll"] <= table["client"], (path, table)
            assert table["wrapScroll"] <= table["wrapClient"], (path, table)
        assert len(seen["chartText"]) > 10, path
        assert min(seen["chartText"]) >= 11, (path, sorted(seen["chartText"])[:3])
    context.close()


def test_charts_describe_themselves_and_the_board_prints_without_controls(live_server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "en")
    page.goto(f"{live_server}/boards/jiaxing")
    charts = page.locator("svg.chart")
    assert charts.count() == 3
    for index in range(charts.count()):
        assert charts.nth(index).get_attribute("aria-labelledby")
    page.emulate_media(media="print")
    expect(page.locator(".sorter")).to_have_count(0)  # the city board has no sorter
    expect(page.locator(".site-header nav")).to_be_hidden()
    context.close()
