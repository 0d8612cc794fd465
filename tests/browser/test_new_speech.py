"""立项交办 in a real browser: a supervisor pastes a speech, reviews the proposed directives,
assigns three of them to two departments and publishes; the owner gets the email and finds
the items on My work."""

import re

from playwright.sync_api import expect

from tests.test_speech_review import SAMPLE
from tracker.models import utcnow
from tracker.reminders.sending import send_due


def _sign_in(page, base, email):
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("tracker-demo-2026")
    page.get_by_role("button", name="Sign in").click()


def test_from_pasted_speech_to_assigned_items(live_server, page, screenshot, smtp_sink, app):
    _sign_in(page, live_server, "chen.hong@nanjing.example.com")
    page.goto(f"{live_server}/speeches")
    page.get_by_role("link", name="New speech").click()
    page.get_by_label("Speaker").fill("Chen")
    page.get_by_label("Date of the speech").fill("2026-03-03")
    page.get_by_label("Text of the speech").fill(SAMPLE)
    page.get_by_role("button", name="Find the directives").click()
    expect(page.get_by_text("5 directives proposed.")).to_be_visible()
    screenshot("10-review")

    sections = page.locator("section.directive-review")
    expect(sections).to_have_count(5)
    sections.nth(3).get_by_role("button", name="Reject").click()  # "report progress every month"
    expect(page.locator("section.directive-review").nth(3).locator(".badge")).to_have_text(
        "Rejected"
    )
    first = page.locator("section.directive-review").nth(0)
    first.get_by_label("Title").fill("Open the data service centre")
    first.get_by_role("button", name="Accept").click()
    for n in (1, 2):
        page.locator("section.directive-review").nth(n).get_by_role("button", name="Accept").click()
    missed = page.locator("li", has_text="The city will also hold a data fair in the autumn.")
    missed.get_by_role("button", name="Mark as a directive").click()
    expect(page.get_by_text("The sentence is now a directive.")).to_be_visible()
    expect(page.locator("section.directive-review")).to_have_count(6)

    page.get_by_role("link", name="Next: assign the accepted directives").click()
    page.get_by_label("Open the data service centre").check()
    page.get_by_label(re.compile("Publish a list of pilot projects")).check()
    page.get_by_label("Department", exact=True).select_option(
        label="Development and Reform Commission"
    )
    page.get_by_label("Responsible person", exact=True).select_option(
        label="Wang Lei (Development and Reform Commission)"
    )
    page.get_by_role("button", name="Create the items").click()
    expect(page.get_by_text("2 items created.")).to_be_visible()
    page.get_by_label(re.compile("Train 500 data engineers")).check()
    page.get_by_label("Department", exact=True).select_option(label="Science and Technology Bureau")
    page.get_by_label("Responsible person", exact=True).select_option(
        label="Sun Min (Science and Technology Bureau)"
    )
    page.get_by_role("button", name="Create the items").click()
    expect(page.get_by_text("1 items created.")).to_be_visible()
    screenshot("11-assign")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published. 2 assignment emails are in the outbox.")).to_be_visible()

    send_due(utcnow(), "scheduler")  # what the next tick does
    mail = next(
        m
        for m in smtp_sink.messages
        if m["To"].addresses[0].addr_spec == "wang.lei@nanjing.example.com"
    )
    assert mail["Subject"] == "New assignment: 2 items for you"
    assert "Open the data service centre" in mail.get_body(("plain",)).get_content()

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, live_server, "wang.lei@nanjing.example.com")
    expect(page.get_by_role("link", name="Open the data service centre")).to_be_visible()
    screenshot("12-owner-my-work")
