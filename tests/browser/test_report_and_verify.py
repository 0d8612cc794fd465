"""A staff member reports and submits an item; the city's supervisor verifies and closes it."""

import re

from playwright.sync_api import expect

ITEM = "Compile the list of major blockchain projects for the year"


def _sign_in(page, base, email):
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("tracker-demo-2026")
    page.get_by_role("button", name="Sign in").click()


def test_staff_reports_and_the_supervisor_verifies(live_server, page, screenshot):
    _sign_in(page, live_server, "wang.lei@nanjing.example.com")
    expect(page).to_have_url(f"{live_server}/my")
    expect(page.get_by_role("heading", name="Overdue")).to_be_visible()
    screenshot("01-staff-my-work")

    page.get_by_role("link", name=ITEM).click()
    expect(page.get_by_role("heading", name=ITEM)).to_be_visible()
    expect(page.locator("blockquote.source mark")).to_have_text("schedule a batch of projects")
    # On a phone the report form comes right after the title, not below the whole item.
    assert page.locator("#report-h").bounding_box()["y"] < 640  # within the first screen
    page.get_by_label("Status", exact=True).select_option(label="In progress")
    page.get_by_label("Progress", exact=True).fill("80")
    page.get_by_label("Note", exact=True).fill(
        "Eight of eleven districts have submitted their projects."
    )
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_text("Report saved.")).to_be_visible()
    expect(page.get_by_text("Eight of eleven districts have submitted")).to_be_visible()

    page.get_by_label("Status", exact=True).select_option(label="Awaiting verification")
    page.get_by_label("Progress", exact=True).fill("100")
    page.get_by_label("Note", exact=True).fill(
        "All districts in; the list of 46 projects is issued."
    )
    page.get_by_label("Evidence link").fill("https://fgw.nanjing.gov.cn/projects-2026.pdf")
    page.get_by_role("button", name="Save report").click()
    expect(page.locator(".item-meta .badge").first).to_have_text("Awaiting verification")
    screenshot("02-staff-submitted")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    _sign_in(page, live_server, "chen.hong@nanjing.example.com")
    awaiting = page.get_by_role("region", name=re.compile("Awaiting verification"))
    awaiting.get_by_role("link", name=ITEM).click()
    expect(page.get_by_text("All districts in; the list of 46 projects is issued.")).to_be_visible()
    assert page.locator("#verify-h").bounding_box()["y"] < 640  # within the first screen
    screenshot("03-supervisor-verifies")
    page.get_by_role("button", name="Verify and close").click()
    expect(page.get_by_text("Verified and closed.")).to_be_visible()
    expect(page.locator(".item-meta .badge").first).to_have_text("Done")
    expect(page.locator(".light").first).to_contain_text("Closed")
    screenshot("04-done")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_bad_sign_in_keeps_the_email_and_explains(live_server, page):
    _sign_in(page, live_server, "wang.lei@nanjing.example.com")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill("wang.lei@nanjing.example.com")
    page.get_by_label("Password").fill("not my password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Email or password is not right.")
    expect(page.get_by_label("Email")).to_have_value("wang.lei@nanjing.example.com")
