"""立项交办 in a real browser: a supervisor pastes a speech, reviews the proposed directives,
assigns three of them to two departments and publishes; the owner gets the email and finds
the items on My work."""

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from tests.test_speech_review import CHINESE, SAMPLE
from tracker.extensions import db
from tracker.models import Speech, utcnow
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
    missed = page.locator("li", has_text="A data fair is also planned for the autumn.")
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


def _paste_sample(page, base):
    page.goto(f"{base}/speeches/new")
    page.get_by_label("Speaker").fill("Chen")
    page.get_by_label("Date of the speech").fill("2026-03-03")
    page.get_by_label("Text of the speech").fill(SAMPLE)
    page.get_by_role("button", name="Find the directives").click()
    expect(page.get_by_text("5 directives proposed.")).to_be_visible()


def test_review_keeps_the_readers_place_and_says_what_happened(live_server, page, screenshot):
    _sign_in(page, live_server, "chen.hong@nanjing.example.com")
    _paste_sample(page, live_server)
    last = page.locator("section.directive-review").nth(4)
    last.get_by_role("button", name="Accept").click()
    last = page.locator("section.directive-review").nth(4)
    expect(last.get_by_role("status")).to_have_text(
        "Accepted as “Improve the data law and enforce it”."
    )
    expect(last.get_by_role("status")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0  # not back at the top of the page

    fourth = page.locator("section.directive-review").nth(3)
    fourth.get_by_role("button", name="Reject").click()
    fourth = page.locator("section.directive-review").nth(3)
    expect(fourth.get_by_role("status")).to_be_in_viewport()
    expect(fourth.locator(".badge")).to_have_text("Rejected")

    third = page.locator("section.directive-review").nth(2)
    third.get_by_label("Title").fill("")
    third.get_by_role("button", name="Accept").click()  # refused: the error shows where it is
    third = page.locator("section.directive-review").nth(2)
    expect(third.get_by_text("Give the directive a title.")).to_be_in_viewport()

    page.get_by_role("button", name="Accept all proposed").click()
    expect(page.get_by_text("3 directives accepted.")).to_be_visible()
    expect(page.locator("section.directive-review .badge", has_text="Accepted")).to_have_count(4)
    screenshot("13-review-accepted")


def test_a_chinese_supervisor_moves_a_draft_and_discards_it(live_server, page, screenshot, app):
    """Shen Wei works in Chinese (the new controls are found by their place, not their
    words, so that the test holds before and after their translations are merged)."""
    _sign_in(page, live_server, "shen.wei@jiaxing.example.com")
    page.goto(f"{live_server}/speeches/new")
    city = page.get_by_label("城市")
    expect(city).to_have_value("jiaxing")  # their own city, not Haining
    expect(city.locator("option:checked")).to_have_text("嘉兴市")
    city.select_option(label="海宁市")  # by mistake
    page.get_by_label("讲话人").fill("张兵")
    page.get_by_label("讲话日期").fill("2026-03-05")
    page.get_by_label("讲话全文").fill(CHINESE)
    page.get_by_role("button", name="识别指示").click()
    expect(page.get_by_text("已提出13条指示")).to_be_visible()

    moving = page.locator("form.draft-city")
    moving.get_by_label("城市").select_option(label="嘉兴市")
    moving.get_by_role("button").click()
    expect(page.locator("p.muted", has_text="张兵")).to_contain_text("嘉兴市")

    page.locator("form.draft-city a").click()  # discard: a confirmation first
    expect(page.locator("h1")).to_be_visible()
    screenshot("14-discard-confirmation")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/speeches")
    expect(page.locator(".alert-info")).to_contain_text("中共嘉兴市委书记")  # the draft's title
    db.session.remove()
    assert db.session.scalar(select(Speech).where(Speech.delivered_on == date(2026, 3, 5))) is None
