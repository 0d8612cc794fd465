"""From a new speech to published, assigned work in the browser's forms (立项交办)."""

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import (
    ActionItem,
    Department,
    Directive,
    DirectiveState,
    Reminder,
    ReminderKind,
    Speech,
    User,
    utcnow,
)
from tracker.reminders.sending import send_due

SAMPLE = """Mayor Chen: Build the digital economy

According to Nanjing News, on 3 March the city held a meeting on the digital economy. \
Mayor Chen said that it is necessary to open a data service centre within one year, \
publish a list of pilot projects before the end of the first quarter, and train 500 data \
engineers. The districts should report progress every month. The city will also hold a \
data fair in the autumn. We must improve the data law and enforce the data law.
"""


def _post_speech(client, **overrides):
    data = {
        "city": "nanjing",
        "speaker": "Chen",
        "delivered_on": "2026-03-03",
        "outlet": "Nanjing News",
        "text": SAMPLE,
        **overrides,
    }
    return client.post("/speeches/new", data=data, content_type="multipart/form-data")


def _speech() -> Speech:
    return db.session.scalar(select(Speech).where(Speech.speaker == "Chen"))


def _exact(speech: Speech) -> None:
    for d in speech.directives:
        assert d.source_text == speech.text[d.start_offset : d.end_offset]
        assert d.source_text.strip() == d.source_text and d.source_text
        assert d.sentence_start <= d.start_offset < d.end_offset <= d.sentence_end
    positions = sorted(d.position for d in speech.directives)
    assert positions == list(range(1, len(positions) + 1))


def test_a_pasted_speech_becomes_a_draft_with_proposed_directives(client, login_as):
    login_as("supervisor")
    response = _post_speech(client)
    speech = _speech()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/speeches/{speech.id}/review"
    assert speech.published_at is None and speech.title == "Mayor Chen: Build the digital economy"
    assert [d.source_text for d in speech.directives] == [
        "open a data service centre within one year",
        "publish a list of pilot projects before the end of the first quarter",
        "train 500 data engineers",
        "report progress every month",
        "improve the data law and enforce the data law",
    ]
    assert {d.state for d in speech.directives} == {DirectiveState.PROPOSED}
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 30  # the demo's
    page = client.get(f"/speeches/{speech.id}/review").get_data(as_text=True)
    assert "The city will also hold a data fair in the autumn." in page  # a missed sentence


def test_review_actions_keep_spans_exact(client, login_as):
    login_as("supervisor")
    _post_speech(client)
    speech = _speech()
    first, second, third, fourth, fifth = speech.directives
    url = f"/speeches/{speech.id}/directives"
    client.post(
        f"{url}/{first.id}",
        data={"action": "accept", "title": "Open the data centre", "due_on": "2027-01-31"},
    )
    client.post(f"{url}/{fourth.id}", data={"action": "reject"})
    client.post(f"{url}/{second.id}", data={"action": "merge"})  # with "train 500 ..."
    law = db.session.get(Directive, fifth.id)
    at = law.speech.text.index("enforce", law.start_offset)
    client.post(f"{url}/{fifth.id}", data={"action": "split", "split_at": at})
    start = speech.text.index("The city will also hold")
    client.post(f"/speeches/{speech.id}/sentences", data={"start": start})
    speech = _speech()
    _exact(speech)
    by_text = {d.source_text: d for d in speech.directives}
    assert by_text["open a data service centre within one year"].title == "Open the data centre"
    assert by_text["open a data service centre within one year"].state == DirectiveState.ACCEPTED
    assert by_text["report progress every month"].state == DirectiveState.REJECTED
    assert (
        "publish a list of pilot projects before the end of the first quarter, and train "
        "500 data engineers"
    ) in by_text
    assert {"improve the data law and", "enforce the data law"} <= set(by_text) or {
        "improve the data law",
        "enforce the data law",
    } <= set(by_text)
    assert "The city will also hold a data fair in the autumn" in by_text


def test_a_bad_split_is_explained_and_changes_nothing(client, login_as):
    login_as("supervisor")
    _post_speech(client)
    speech = _speech()
    first = speech.directives[0]
    before = [(d.start_offset, d.end_offset) for d in speech.directives]
    response = client.post(
        f"/speeches/{speech.id}/directives/{first.id}",
        data={"action": "split", "split_at": first.start_offset + 2},
    )
    assert response.status_code == 400
    assert "between two words" in response.get_data(as_text=True)
    assert [(d.start_offset, d.end_offset) for d in _speech().directives] == before


def test_assign_publish_and_the_assignment_emails(client, login_as, smtp_sink, app):
    login_as("supervisor")
    _post_speech(client)
    speech = _speech()
    ids = [d.id for d in speech.directives]
    for directive in speech.directives[:3]:  # accepted as the page sends it: due date prefilled
        due = directive.suggested_due_on.isoformat() if directive.suggested_due_on else ""
        client.post(
            f"/speeches/{speech.id}/directives/{directive.id}",
            data={"action": "accept", "title": f"Task {directive.id}", "due_on": due},
        )
    drc = db.session.scalar(
        select(Department).where(Department.slug == "drc", Department.city.has(slug="nanjing"))
    )
    stb = db.session.scalar(
        select(Department).where(Department.slug == "stb", Department.city.has(slug="nanjing"))
    )
    wang = db.session.scalar(select(User).where(User.email == "wang.lei@nanjing.example.com"))
    sun = db.session.scalar(select(User).where(User.email == "sun.min@nanjing.example.com"))
    bad = client.post(
        f"/speeches/{speech.id}/assign",
        data={"directives": ids[:2], "department": drc.id, "responsible": sun.id},
    )
    assert bad.status_code == 400 and "must work in the chosen department" in bad.get_data(True)
    assert (
        client.post(
            f"/speeches/{speech.id}/assign",
            data={"directives": ids[:2], "department": drc.id, "responsible": wang.id},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/speeches/{speech.id}/assign",
            data={
                "directives": [ids[2]],
                "department": stb.id,
                "responsible": sun.id,
                "due_on": "2026-06-30",
            },
        ).status_code
        == 302
    )
    items = db.session.scalars(
        select(ActionItem).join(ActionItem.directive).where(Directive.speech_id == speech.id)
    ).all()
    assert len(items) == 3
    assert items[0].due_on.isoformat() == "2027-03-03"  # "within one year" of 3 March 2026

    # Until published, the owner does not see the new items.
    client.post("/logout")
    client.post("/login", data={"email": wang.email, "password": "tracker-demo-2026"})
    assert f"Task {ids[0]}" not in client.get("/my").get_data(as_text=True)
    assert client.get(f"/items/{items[0].id}").status_code == 404
    login_as("supervisor")
    assert client.post(f"/speeches/{speech.id}/publish").status_code == 302
    assert client.post(f"/speeches/{speech.id}/publish").status_code == 302  # twice: nothing new
    notices = db.session.scalars(
        select(Reminder).where(Reminder.kind == ReminderKind.ASSIGNMENT)
    ).all()
    assert sorted(n.recipient.email for n in notices) == [sun.email, wang.email]
    send_due(utcnow(), "test")
    to = sorted(
        m["To"].addresses[0].addr_spec
        for m in smtp_sink.messages
        if m["Subject"].startswith("New assignment")
    )
    assert to == [sun.email, wang.email]
    wang_mail = next(m for m in smtp_sink.messages if m["To"].addresses[0].addr_spec == wang.email)
    text = wang_mail.get_body(("plain",)).get_content()
    assert wang_mail["Subject"] == "New assignment: 2 items for you"
    assert f"Task {ids[0]}" in text and f"https://tracker.example.gov/items/{items[0].id}" in text
    client.post("/logout")
    client.post("/login", data={"email": wang.email, "password": "tracker-demo-2026"})
    assert f"Task {ids[0]}" in client.get("/my").get_data(as_text=True)


def test_bad_speeches_are_refused_with_the_input_kept(client, login_as, app):
    login_as("supervisor")
    response = _post_speech(client, text="")
    assert response.status_code == 400
    assert "Paste the text of the speech or choose a file." in response.get_data(as_text=True)
    response = _post_speech(
        client, text="", file=(__import__("io").BytesIO("Café".encode("latin-1")), "s.txt")
    )
    assert "is not UTF-8 text" in response.get_data(as_text=True)
    big = "We must act. " * 50_000
    response = _post_speech(client, text=big)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "more than the limit of 524,288 bytes" in html
    assert 'value="Nanjing News"' in html  # what was typed stays
    _post_speech(client)
    again = _post_speech(client)
    assert again.status_code == 400 and "already imported" in again.get_data(as_text=True)


def test_only_supervisors_of_the_city_may_take_in_speeches(client, login_as):
    login_as("supervisor")
    _post_speech(client)
    speech = _speech()
    login_as("staff")
    assert client.get("/speeches/new").status_code == 403
    assert client.get(f"/speeches/{speech.id}").status_code == 404  # a draft
    login_as("other_supervisor")
    assert client.get(f"/speeches/{speech.id}/review").status_code == 404
    assert _post_speech(client).status_code == 400  # Nanjing is not one of their cities
