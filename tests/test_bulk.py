"""Changing many items at once from the item list: all or nothing, versions checked, every
change versioned and audited, reminders through the outbox, bad input a clear message."""

from datetime import date, timedelta

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.items.rules import OPEN
from tracker.models import (
    ActionItem,
    AuditEvent,
    Reminder,
    ReminderKind,
    ReminderLine,
    User,
    utcnow,
)

OVERDUE = "Compile the list of major blockchain projects for the year"  # Wang Lei
MILESTONED = "Set up new blockchain research and development institutions"  # Sun Min


def _item(title: str) -> ActionItem:
    return db.session.scalar(select(ActionItem).where(ActionItem.title == title))


def _open_nanjing_items(n: int) -> list[ActionItem]:
    return db.session.scalars(
        select(ActionItem)
        .join(ActionItem.city)
        .where(ActionItem.status.in_(OPEN), ActionItem.city.has(slug="nanjing"))
        .order_by(ActionItem.id)
        .limit(n)
    ).all()


def _person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _post(client, items, action, back="status=in_progress&sort=title", **fields):
    data = {
        "items": [f"{i.id}:{i.version}" for i in items],
        "action": action,
        "back": back,
        **fields,
    }
    return client.post("/items/bulk", data=data)


def _state(items):
    db.session.expire_all()
    return [
        (i.responsible_id, i.department_id, i.start_on, i.due_on, i.version)
        for i in (db.session.get(ActionItem, x.id) for x in items)
    ]


def test_a_supervisor_reassigns_chosen_items_in_one_step(client, login_as):
    supervisor = login_as("supervisor")
    items = _open_nanjing_items(3)
    versions = [i.version for i in items]
    taker = _person("sun.min@nanjing.example.com")
    response = _post(client, items, "reassign", responsible=taker.id)
    assert response.status_code == 302
    # Back to the same filter, with a message saying what happened.
    assert response.headers["Location"] == "/items?status=in_progress&sort=title"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"3 items reassigned to {taker.name}." in page
    for item, version in zip(items, versions, strict=True):
        item = db.session.get(ActionItem, item.id)
        assert item.responsible == taker and item.department == taker.department
        assert item.version == version + 1
        assert taker not in item.co_owners
    audited = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "item.assigned",
            AuditEvent.actor_id == supervisor.id,
            AuditEvent.target_id.in_([i.id for i in items]),
        )
    )
    assert audited == 3


def test_one_item_changed_meanwhile_stops_the_whole_batch_and_keeps_the_choice(client, login_as):
    login_as("supervisor")
    items = _open_nanjing_items(3)
    before = _state(items)
    stale = list(items)
    # Someone else saves the second item after the list was loaded.
    data = {"items": [f"{i.id}:{i.version}" for i in stale], "back": "", "action": "dates"}
    items[1].version += 1
    db.session.commit()
    data["due_on"] = "2027-06-30"
    response = client.post("/items/bulk", data=data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Nothing was changed:" in page and items[1].title in page
    assert "changed since the list was loaded." in page
    # The choice is kept: the three boxes are still ticked, the date still typed.
    for item in items:
        assert f'value="{item.id}:' in page
    assert page.count("checked") >= 3 and 'value="2027-06-30"' in page
    after = _state(items)
    assert [a[:4] for a in after] == [b[:4] for b in before]
    assert after[0][4] == before[0][4] and after[2][4] == before[2][4]


def test_a_person_of_another_city_is_refused_naming_the_items(client, login_as):
    login_as("admin")
    items = _open_nanjing_items(2)
    before = _state(items)
    outsider = _person("yao.ming@haining.example.com")
    response = _post(client, items, "reassign", responsible=outsider.id)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is not a department of Nanjing" in page
    assert all(i.title in page for i in items)
    assert _state(items) == before


def test_new_dates_for_chosen_items_keep_milestones_inside(client, login_as):
    login_as("supervisor")
    milestoned = _item(MILESTONED)
    latest = max(m.due_on for m in milestoned.milestones if m.due_on)
    plain = _item(OVERDUE)
    before = _state([milestoned, plain])
    # A due date before a milestone's is refused for that item, and nothing changes.
    too_early = latest - timedelta(days=1)
    response = _post(client, [milestoned, plain], "dates", due_on=too_early.isoformat())
    assert response.status_code == 422
    assert "A milestone must fall between" in response.get_data(as_text=True)
    assert _state([milestoned, plain]) == before
    # A later one is set on both, start dates kept, each item one version further.
    later = latest + timedelta(days=30)
    response = _post(client, [milestoned, plain], "dates", due_on=later.isoformat())
    assert response.status_code == 302
    after = _state([milestoned, plain])
    assert [a[3] for a in after] == [later, later]
    assert [a[2] for a in after] == [b[2] for b in before]
    assert [a[4] for a in after] == [b[4] + 1 for b in before]
    # Neither date: a message, nothing changed.
    response = _post(client, [plain], "dates")
    assert response.status_code == 400
    assert "Give a new start or due date." in response.get_data(as_text=True)


def test_asking_for_an_update_emails_each_owner_once_through_the_outbox(
    client, login_as, smtp_sink
):
    from tracker.reminders.sending import send_due

    login_as("supervisor")
    items = [_item(OVERDUE), _item(MILESTONED)]
    owners = {u.id for i in items for u in [i.responsible, *i.co_owners] if u and u.is_active}
    versions = [i.version for i in items]
    response = _post(client, items, "remind")
    assert response.status_code == 302
    requests = db.session.scalars(
        select(Reminder).where(Reminder.kind == ReminderKind.REQUEST)
    ).all()
    assert {r.recipient_id for r in requests} == owners and len(requests) == len(owners)
    # Asking again the same day (a double click) plans nothing new.
    items = [db.session.get(ActionItem, i.id) for i in items]
    assert [i.version for i in items] == versions  # a request is not a change of the item
    again = _post(client, items, "remind")
    assert again.status_code == 302
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "were already asked for an update today" in page
    # No second message, not even an empty one, and one audit entry per item asked about.
    assert db.session.scalar(
        select(func.count(Reminder.id)).where(Reminder.kind == ReminderKind.REQUEST)
    ) == len(owners)
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "item.reminded")
    ) == len(items)
    lines = db.session.scalar(
        select(func.count(ReminderLine.id)).where(ReminderLine.reason == "requested")
    )
    assert lines == sum(
        len({u.id for u in [i.responsible, *i.co_owners] if u and u.is_active}) for i in items
    )
    report = send_due(utcnow(), "test")
    assert report.sent == len(owners)
    assert len(smtp_sink.messages) == len(owners)
    body = smtp_sink.messages[0].get_body(("plain",)).get_content()
    assert "Your supervisor asks for an update: please report." in body


def test_staff_have_no_bulk_changes(client, login_as):
    login_as("staff")
    page = client.get("/items").get_data(as_text=True)
    assert 'id="bulk"' not in page and 'name="items"' not in page
    item = _item(OVERDUE)
    assert _post(client, [item], "remind").status_code == 403


def test_items_outside_the_supervisors_city_are_refused_as_out_of_date(client, login_as):
    login_as("other_supervisor")  # Jiaxing
    nanjing = _open_nanjing_items(1)
    response = _post(client, nanjing, "remind")
    assert response.status_code == 409
    assert "列表在您打开后已有变动" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Reminder.id)).where(Reminder.kind == "request")) == 0


def test_bad_bulk_input_gets_a_message_never_a_500(client, login_as):
    login_as("supervisor")
    item = _item(OVERDUE)
    for data in (
        {"items": ["x:y", "1:", ":2", "99999999999999999999:1"], "action": "remind"},
        {"items": [f"{item.id}:{item.version}"], "action": "explode"},
        {"items": [f"{item.id}:{item.version}"], "action": "reassign", "responsible": "abc"},
        {"items": [f"{item.id}:{item.version}"], "action": "reassign", "responsible": "999999"},
        {"items": [f"{item.id}:{item.version}"], "action": "dates", "due_on": "2026-02-30"},
        {"items": [f"{item.id}:{item.version}"], "action": "dates", "due_on": "99999-01-01"},
        {"items": [f"{item.id}:{item.version}"], "action": "remind", "back": "%00&page=-1"},
    ):
        response = client.post("/items/bulk", data=data)
        assert response.status_code in (302, 400, 409, 422), (data, response.status_code)
        if response.status_code != 302:
            text = response.get_data(as_text=True)
            assert "errors" in text, data
    nul = {"items": [f"{item.id}:{item.version}\x00"], "action": "remind"}
    assert client.post("/items/bulk", data=nul).status_code == 400  # refused for every form
    assert db.session.get(ActionItem, item.id).status in OPEN
    assert db.session.get(ActionItem, item.id).due_on != date(2026, 2, 28)
