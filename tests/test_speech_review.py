"""From a new speech to published, assigned work in the browser's forms (立项交办)."""

import re
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import TODAY
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    AuditEvent,
    Department,
    Directive,
    DirectiveState,
    LineReason,
    Reminder,
    ReminderKind,
    ReminderLine,
    ReminderState,
    Role,
    Speech,
    Status,
    StatusUpdate,
    User,
    utcnow,
)
from tracker.reminders.sending import send_due

CHINESE = (Path(__file__).parent / "data" / "jiaxing-digital-economy-zh.txt").read_text("utf-8")

SAMPLE = """Mayor Chen: Build the digital economy

According to Nanjing News, on 3 March the city held a meeting on the digital economy. \
Mayor Chen said that it is necessary to open a data service centre within one year, \
publish a list of pilot projects before the end of the first quarter, and train 500 data \
engineers. The districts should report progress every month. A data fair is also planned for \
the autumn. We must improve the data law and enforce it.
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
        "improve the data law and enforce it",
    ]
    assert {d.state for d in speech.directives} == {DirectiveState.PROPOSED}
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 38  # the demo's
    page = client.get(f"/speeches/{speech.id}/review").get_data(as_text=True)
    assert "A data fair is also planned for the autumn." in page  # a missed sentence


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
    start = speech.text.index("A data fair is also planned")
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
    assert {"improve the data law and", "enforce it"} <= set(by_text) or {
        "improve the data law",
        "enforce it",
    } <= set(by_text)
    assert "A data fair is also planned for the autumn" in by_text


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


def _options(html: str, name: str) -> list[tuple[str, str, bool]]:
    """The (value, label, selected) options of the select named `name`."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return [
        (re.search(r'value="([^"]*)"', attrs).group(1), label, "selected" in attrs)
        for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select_html.group(1))
    ]


def _section(html: str, directive_id: int) -> str:
    """The review page's section of one directive."""
    start = html.index(f'id="directive-{directive_id}"')
    return html[start : html.find("</section>", start)]


def _audit(action: str) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def _department(city: str, slug: str) -> Department:
    return db.session.scalar(
        select(Department).where(Department.slug == slug, Department.city.has(slug=city))
    )


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _staff_of(city: str) -> User:
    return db.session.scalars(
        select(User)
        .where(User.role == Role.STAFF, User.city.has(slug=city), User.is_active)
        .order_by(User.id)
    ).first()


def _accept(client, speech, directive, title=None):
    due = directive.suggested_due_on.isoformat() if directive.suggested_due_on else ""
    return client.post(
        f"/speeches/{speech.id}/directives/{directive.id}",
        data={"action": "accept", "title": title or directive.title, "due_on": due},
    )


def _items_of(speech_id: int) -> list[ActionItem]:
    return db.session.scalars(
        select(ActionItem)
        .join(ActionItem.directive)
        .where(Directive.speech_id == speech_id)
        .order_by(ActionItem.id)
    ).all()


# 1. The city of a new speech; moving and discarding a draft.


def test_a_new_speech_starts_in_the_users_own_city_named_in_their_language(client, login_as):
    login_as("other_supervisor")  # Jiaxing and its sub-unit Haining; works in Chinese
    html = client.get("/speeches/new").get_data(as_text=True)
    assert _options(html, "city") == [("jiaxing", "嘉兴市", True), ("haining", "海宁市", False)]
    login_as("supervisor")
    html = client.get("/speeches/new").get_data(as_text=True)
    assert _options(html, "city") == [("nanjing", "Nanjing", True)]


def test_a_draft_moves_to_another_of_my_cities_until_it_is_published(client, login_as):
    login_as("other_supervisor")
    _post_speech(client, city="haining", speaker="沈伟", text=CHINESE)  # the wrong city
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "沈伟"))
    html = client.get(f"/speeches/{speech.id}/review").get_data(as_text=True)
    assert _options(html, "city") == [("jiaxing", "嘉兴市", False), ("haining", "海宁市", True)]
    url = f"/speeches/{speech.id}/city"

    response = client.post(url, data={"city": "jiaxing"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/speeches/{speech.id}/review"
    assert db.session.get(Speech, speech.id).city.slug == "jiaxing"
    (moved,) = _audit("speech.city_changed")
    assert moved.target_id == speech.id and moved.details == {
        "before": "haining",
        "after": "jiaxing",
    }
    assert client.post(url, data={"city": "nanjing"}).status_code == 400  # not one of mine
    assert db.session.get(Speech, speech.id).city.slug == "jiaxing"

    # With an item for a Jiaxing department it cannot go to Haining, which is inside Jiaxing.
    directive = speech.directives[0]
    _accept(client, speech, directive)
    owner = _staff_of("jiaxing")
    assert (
        client.post(
            f"/speeches/{speech.id}/assign",
            data={
                "directives": [directive.id],
                "department": owner.department_id,
                "responsible": owner.id,
            },
        ).status_code
        == 302
    )
    refused = client.post(url, data={"city": "haining"})
    assert refused.status_code == 400
    assert "该讲话有1项任务已交办给海宁市以外的部门" in (refused.get_data(as_text=True))
    assert db.session.get(Speech, speech.id).city.slug == "jiaxing"

    assert client.post(f"/speeches/{speech.id}/publish").status_code == 302
    html = client.get(f"/speeches/{speech.id}/review").get_data(as_text=True)
    assert f'action="{url}"' not in html  # no longer offered
    refused = client.post(url, data={"city": "jiaxing"})
    assert refused.status_code == 400
    assert "已发布的讲话不能改归其他城市。" in refused.get_data(as_text=True)
    assert len(_audit("speech.city_changed")) == 1


def test_a_draft_is_discarded_with_its_directives_and_items_after_a_confirmation(client, login_as):
    login_as("supervisor")
    _post_speech(client)
    speech = _speech()
    speech_id, directive_ids = speech.id, [d.id for d in speech.directives]
    _accept(client, speech, speech.directives[0], "Open the data centre")
    wang = _user("wang.lei@nanjing.example.com")
    client.post(
        f"/speeches/{speech_id}/assign",
        data={
            "directives": [directive_ids[0]],
            "department": wang.department_id,
            "responsible": wang.id,
            "due_on": "2026-03-19",
        },
    )
    (item_id,) = [item.id for item in _items_of(speech_id)]
    # A reminder planned for its owner and not yet in an email goes with the item.
    db.session.add(
        ReminderLine(
            key=f"due_soon:{item_id}:{wang.id}:{TODAY}",
            recipient_id=wang.id,
            item_id=item_id,
            reason=LineReason.DUE_SOON,
            days=3,
            planned_on=TODAY,
        )
    )
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(ReminderLine.item_id == item_id))
    url = f"/speeches/{speech_id}/discard"

    login_as("staff")
    assert client.get(url).status_code == 403 and client.post(url).status_code == 403
    login_as("other_supervisor")
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    login_as("supervisor")
    review = client.get(f"/speeches/{speech_id}/review").get_data(as_text=True)
    assert f'href="{url}"' in review
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Discard this draft?" in html
    assert "its 5 directives and its 1 items are deleted" in html
    assert "Open the data centre · Development and Reform Commission · Wang Lei" in html
    assert db.session.get(Speech, speech_id) is not None  # asking changes nothing

    response = client.post(url)
    assert response.status_code == 302 and response.headers["Location"] == "/speeches"
    assert "The draft “Mayor Chen: Build the digital economy” was discarded." in client.get(
        "/speeches"
    ).get_data(as_text=True)
    assert db.session.get(Speech, speech_id) is None
    assert db.session.scalar(select(func.count()).where(Directive.id.in_(directive_ids))) == 0
    assert db.session.get(ActionItem, item_id) is None
    assert db.session.scalar(select(func.count()).where(ReminderLine.item_id == item_id)) == 0
    (discarded,) = _audit("speech.discarded")
    assert discarded.target_id == speech_id and discarded.details["items"] == [item_id]
    assert discarded.details["directives"] == 5 and discarded.details["city"] == "nanjing"
    assert client.get(f"/speeches/{speech_id}/review").status_code == 404
    assert client.post(url).status_code == 404


def test_a_draft_whose_items_were_reminded_or_reported_on_or_a_published_speech_stays(
    client, login_as
):
    login_as("supervisor")
    _post_speech(client)
    speech = _speech()
    _accept(client, speech, speech.directives[0])
    wang = _user("wang.lei@nanjing.example.com")
    client.post(
        f"/speeches/{speech.id}/assign",
        data={
            "directives": [speech.directives[0].id],
            "department": wang.department_id,
            "responsible": wang.id,
        },
    )
    (item,) = _items_of(speech.id)
    url = f"/speeches/{speech.id}/discard"
    reminder = Reminder(
        key=f"daily:{wang.id}:{TODAY}",
        kind=ReminderKind.DAILY,
        recipient_id=wang.id,
        period_on=TODAY,
        state=ReminderState.SENT,
    )
    db.session.add(reminder)
    db.session.flush()
    db.session.add(
        ReminderLine(
            key=f"due_soon:{item.id}:{wang.id}:{TODAY}",
            recipient_id=wang.id,
            item_id=item.id,
            reason=LineReason.DUE_SOON,
            days=3,
            planned_on=TODAY,
            reminder_id=reminder.id,
        )
    )
    db.session.commit()
    refused = client.post(url)
    assert refused.status_code == 400
    assert "Reminders about items of this draft were sent" in refused.get_data(as_text=True)

    db.session.add(
        StatusUpdate(
            item_id=item.id,
            author_id=wang.id,
            from_status=Status.NOT_STARTED,
            to_status=Status.IN_PROGRESS,
            to_progress=10,
        )
    )
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Progress was reported on items of this draft" in page
    assert 'type="submit" class="primary"' not in page  # no button to press
    assert client.post(url).status_code == 400
    assert db.session.get(Speech, speech.id) is not None

    client.post(f"/speeches/{speech.id}/publish")
    refused = client.post(url)
    assert refused.status_code == 400
    assert "A published speech cannot be discarded" in refused.get_data(as_text=True)
    assert db.session.get(ActionItem, item.id) is not None
    assert _audit("speech.discarded") == []


def test_the_assign_page_names_departments_in_the_readers_language(client, login_as):
    login_as("other_supervisor")
    _post_speech(client, city="jiaxing", speaker="沈伟", text=CHINESE)
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "沈伟"))
    html = client.get(f"/speeches/{speech.id}/assign").get_data(as_text=True)
    departments = [label for _value, label, _selected in _options(html, "department")]
    assert "发展和改革委员会" in departments and "海宁市人民政府" in departments
    assert "Development and Reform Commission" not in html
    owner = _staff_of("jiaxing")
    responsible = dict((int(v), label) for v, label, _s in _options(html, "responsible"))
    assert responsible[owner.id] == f"{owner.name}（{owner.department.name_zh}）"


# 2. An assigned directive shows who has it; the same directive to the same department twice
# is refused.


def test_assigned_directives_show_their_owners_and_an_exact_repeat_is_refused(client, login_as):
    login_as("supervisor")
    _post_speech(client)
    speech = _speech()
    first, second = speech.directives[:2]
    _accept(client, speech, first, "Open the data centre")
    _accept(client, speech, second, "Publish the pilot list")
    wang = _user("wang.lei@nanjing.example.com")
    sun = _user("sun.min@nanjing.example.com")
    url = f"/speeches/{speech.id}/assign"
    data = {"directives": [first.id], "department": wang.department_id, "responsible": wang.id}
    assert client.post(url, data=data).status_code == 302

    html = client.get(url).get_data(as_text=True)
    held = re.search(rf'<p class="hint" id="held-{first.id}">(.*?)</p>', html).group(1)
    assert held == "Already assigned to: Development and Reform Commission (Wang Lei)"
    assert f'aria-describedby="held-{first.id}"' in html
    assert f'id="held-{second.id}"' not in html

    again = client.post(
        url,
        data={
            "directives": [first.id, second.id],
            "department": wang.department_id,
            "responsible": wang.id,
            "due_on": "2026-09-30",
        },
    )
    html = again.get_data(as_text=True)
    assert again.status_code == 400
    assert (
        "Already assigned to Development and Reform Commission: “Open the data centre”. "
        "Leave them out or choose another department."
    ) in html
    for directive in (first, second):  # what was chosen is still chosen
        assert re.search(rf'value="{directive.id}" checked', html)
    assert (str(wang.department_id), "Development and Reform Commission", True) in _options(
        html, "department"
    )
    assert (str(wang.id), "Wang Lei (Development and Reform Commission)", True) in _options(
        html, "responsible"
    )
    assert 'value="2026-09-30"' in html
    assert len(_items_of(speech.id)) == 1  # nothing created

    # Another department may share the same directive.
    other = {"directives": [first.id], "department": sun.department_id, "responsible": sun.id}
    assert client.post(url, data=other).status_code == 302
    html = client.get(url).get_data(as_text=True)
    held = re.search(rf'<p class="hint" id="held-{first.id}">(.*?)</p>', html).group(1)
    assert held == (
        "Already assigned to: Development and Reform Commission (Wang Lei), "
        "Science and Technology Bureau (Sun Min)"
    )
    assert len(_items_of(speech.id)) == 2


# 3. Review keeps the reader's place and says what happened; accept all.


def test_each_review_action_returns_to_its_directive_with_a_message_there(client, login_as):
    login_as("supervisor")
    _post_speech(client)
    speech = _speech()
    first, second, third, fourth, fifth = speech.directives
    url = f"/speeches/{speech.id}/directives"
    review = f"/speeches/{speech.id}/review"

    response = _accept(client, speech, third, "Train the engineers")
    assert response.headers["Location"] == f"{review}#directive-{third.id}"
    html = client.get(review).get_data(as_text=True)
    assert (
        '<div class="alert alert-info" role="status">Accepted as “Train the engineers”.</div>'
        in _section(html, third.id)
    )
    assert "Accepted as" not in html.replace(_section(html, third.id), "")  # only there
    assert "Accepted as" not in client.get(review).get_data(as_text=True)  # and only once

    # The form posts to the directive's anchor, so that a refusal shows where it is too.
    assert f'action="{url}/{third.id}#directive-{third.id}"' in html

    response = client.post(f"{url}/{fourth.id}", data={"action": "reject"})
    assert response.headers["Location"] == f"{review}#directive-{fourth.id}"
    section = _section(client.get(review).get_data(as_text=True), fourth.id)
    assert "Rejected: it will not be assigned." in section

    response = client.post(f"{url}/{first.id}", data={"action": "merge"})
    assert response.headers["Location"] == f"{review}#directive-{first.id}"
    section = _section(client.get(review).get_data(as_text=True), first.id)
    assert "Merged with the next directive." in section

    law = db.session.get(Directive, fifth.id)
    at = law.speech.text.index("enforce", law.start_offset)
    response = client.post(f"{url}/{fifth.id}", data={"action": "split", "split_at": at})
    assert response.headers["Location"] == f"{review}#directive-{fifth.id}"
    section = _section(client.get(review).get_data(as_text=True), fifth.id)
    assert "Split in two: the second part is directive 5." in section

    start = speech.text.index("A data fair is also planned")
    response = client.post(f"/speeches/{speech.id}/sentences", data={"start": start})
    added = db.session.scalar(
        select(Directive).where(Directive.speech_id == speech.id, Directive.start_offset == start)
    )
    assert response.headers["Location"] == f"{review}#directive-{added.id}"
    section = _section(client.get(review).get_data(as_text=True), added.id)
    assert "The sentence is now a directive." in section


def test_accept_all_accepts_what_is_still_proposed_as_proposed(client, login_as):
    login_as("supervisor")
    _post_speech(client)
    speech = _speech()
    first, second, third, fourth, fifth = speech.directives
    proposed = {d.id: (d.title, d.suggested_due_on) for d in (second, third, fifth)}
    _accept(client, speech, first, "Open the data centre")
    client.post(f"/speeches/{speech.id}/directives/{fourth.id}", data={"action": "reject"})
    url = f"/speeches/{speech.id}/accept-all"
    review = client.get(f"/speeches/{speech.id}/review").get_data(as_text=True)
    assert f'action="{url}"' in review and "Accept all proposed (3)" in review

    login_as("staff")
    assert client.post(url).status_code == 403
    login_as("other_supervisor")
    assert client.post(url).status_code == 404
    login_as("supervisor")
    response = client.post(url)
    assert response.status_code == 302
    html = client.get(f"/speeches/{speech.id}/review").get_data(as_text=True)
    assert "3 directives accepted." in html
    assert f'action="{url}"' not in html  # nothing is left to accept
    by_id = {d.id: d for d in _speech().directives}
    assert by_id[fourth.id].state == DirectiveState.REJECTED
    assert by_id[first.id].title == "Open the data centre"
    for directive_id, (title, due_on) in proposed.items():
        directive = by_id[directive_id]
        assert directive.state == DirectiveState.ACCEPTED
        assert (directive.title, directive.suggested_due_on) == (title, due_on)
    accepted = _audit("directive.accepted")
    assert [e.target_id for e in accepted] == [first.id, *sorted(proposed)]
    assert client.post(url).status_code == 302  # again: nothing left, nothing recorded
    assert "0 directives accepted." in client.get(f"/speeches/{speech.id}/review").get_data(
        as_text=True
    )
    assert len(_audit("directive.accepted")) == 4


# 4. Chinese directives are split and tidied by the Chinese rules.


def test_a_chinese_directive_is_split_after_its_comma_and_tidied_by_chinese_rules(client, login_as):
    login_as("other_supervisor")
    _post_speech(client, city="jiaxing", speaker="沈伟", text=CHINESE)
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "沈伟"))
    directive = next(d for d in speech.directives if d.source_text.startswith("推动区块链"))
    client.post(  # merged with "在金融…" after it, to be split again at the comma
        f"/speeches/{speech.id}/directives/{directive.id}", data={"action": "merge"}
    )
    directive = db.session.get(Directive, directive.id)
    assert directive.source_text.endswith("推广应用场景")
    at = speech.text.index("，在金融", directive.start_offset) + 1
    html = client.get(f"/speeches/{speech.id}/review").get_data(as_text=True)
    assert f'<option value="{at}">' in _section(html, directive.id)  # offered
    response = client.post(
        f"/speeches/{speech.id}/directives/{directive.id}",
        data={"action": "split", "split_at": at},
    )
    assert response.status_code == 302
    speech = db.session.get(Speech, speech.id)
    _exact(speech)
    texts = [d.source_text for d in speech.directives]
    assert "推动区块链与实体经济深度融合" in texts  # no trailing "，"
    assert "在金融、制造、民生、政务服务等领域推广应用场景" in texts

    start = speech.text.index("会议由市长主持")
    client.post(f"/speeches/{speech.id}/sentences", data={"start": start})
    speech = db.session.get(Speech, speech.id)
    _exact(speech)
    assert "会议由市长主持" in [d.source_text for d in speech.directives]  # no "。"


def test_a_chinese_split_at_a_space_drops_the_comma_before_it(client, login_as):
    login_as("other_supervisor")
    _post_speech(client, city="jiaxing", speaker="钱丽", text="要推动产业融合， 金融领域推广应用。")
    speech = db.session.scalar(select(Speech).where(Speech.speaker == "钱丽"))
    (directive,) = speech.directives
    at = speech.text.index("金融")
    client.post(
        f"/speeches/{speech.id}/directives/{directive.id}",
        data={"action": "split", "split_at": at},
    )
    speech = db.session.get(Speech, speech.id)
    _exact(speech)
    assert [d.source_text for d in speech.directives] == ["推动产业融合", "金融领域推广应用"]
