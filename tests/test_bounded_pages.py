"""Pages stay bounded however long a record's life: an item's page shows the latest 50 of its
history, reminders and audit trail (the API gives all); the speeches and the users come a
page at a time."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from tests.conftest import TODAY
from tracker.api.tokens import issue
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    AuditEvent,
    City,
    Reminder,
    ReminderKind,
    ReminderLine,
    Role,
    Speech,
    StatusUpdate,
    User,
)


def test_a_long_lived_item_shows_its_latest_entries_and_how_many_in_all(client, login_as):
    supervisor = login_as("supervisor")
    item = db.session.scalar(
        select(ActionItem).where(ActionItem.city_id == supervisor.city_id).limit(1)
    )
    before = len(
        db.session.scalars(select(StatusUpdate).where(StatusUpdate.item_id == item.id)).all()
    )
    start = datetime.combine(TODAY, time(1), UTC)  # after the demo's own history
    db.session.execute(
        insert(StatusUpdate),
        [
            {
                "item_id": item.id,
                "author_id": item.responsible_id,
                "created_at": start + timedelta(minutes=n),
                "to_status": "in_progress",
                "to_progress": n % 100,
                "note": f"Weekly note {n:03}",
            }
            for n in range(120)
        ],
    )
    db.session.execute(
        insert(AuditEvent),
        [
            {
                "at": start + timedelta(minutes=n),
                "actor_id": supervisor.id,
                "action": "item.report",
                "target_type": "action_items",
                "target_id": item.id,
                "details": {},
            }
            for n in range(70)
        ],
    )
    reminder = Reminder(
        key="test:long", kind=ReminderKind.DAILY, recipient_id=supervisor.id, period_on=TODAY
    )
    db.session.add(reminder)
    db.session.flush()
    db.session.execute(
        insert(ReminderLine),
        [
            {
                "key": f"stale:{item.id}:-:{supervisor.id}:{n}",
                "recipient_id": supervisor.id,
                "item_id": item.id,
                "reason": "stale",
                "days": n,
                "planned_on": date(2025, 1, 1) + timedelta(days=n),
                "reminder_id": reminder.id,
                "dropped": False,
                "created_at": start,
            }
            for n in range(130)
        ],
    )
    db.session.commit()
    updates = before + 120
    events = db.session.scalar(
        select(db.func.count()).where(
            AuditEvent.target_type == "action_items", AuditEvent.target_id == item.id
        )
    )

    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert len(page.encode()) < 300_000
    assert page.count("Weekly note") == 50 and "Weekly note 119" in page
    assert "Weekly note 069" not in page  # the 51st latest
    history = page[page.index('id="history-h"') : page.index('id="reminders-h"')]
    assert f"The latest 50 of {updates}." in history
    assert page.count("The latest 50 of 130.") == 1  # reminders
    trail = page[page.index('id="audit-h"') :]
    assert f"The latest 50 of {events}." in trail and page.count("The latest 50 of") == 3

    _token, secret = issue(supervisor, "history")
    db.session.commit()
    body = client.get(
        f"/api/v1/items/{item.id}", headers={"Authorization": f"Bearer {secret}"}
    ).get_json()
    assert len(body["history"]) == updates  # the API gives the whole history


def test_speeches_and_users_come_a_page_at_a_time(client, login_as):
    admin = login_as("admin")
    nanjing = db.session.scalar(select(City).where(City.slug == "nanjing"))
    db.session.execute(
        insert(Speech),
        [
            {
                "city_id": nanjing.id,
                "speaker": "Mayor",
                "title": f"Routine meeting {n:03}",
                "delivered_on": date(2020, 1, 1) + timedelta(days=n),
                "text": "We must act.",
                "text_sha256": f"{n:064x}",
                "published_at": datetime(2020, 1, 1, tzinfo=UTC),
            }
            for n in range(70)
        ],
    )
    db.session.execute(
        insert(User),
        [
            {
                "email": f"clerk{n:03}@example.com",
                "name": f"Clerk {n:03}",
                "role": Role.SUPERVISOR,
                "city_id": nanjing.id,
            }
            for n in range(150)
        ],
    )
    db.session.commit()
    speeches = db.session.scalar(select(db.func.count()).select_from(Speech))
    people = db.session.scalar(select(db.func.count()).select_from(User))

    first = client.get("/speeches").get_data(as_text=True)
    assert first.count('class="item-title"') == 50
    pages = -(-speeches // 50)
    assert f"Page 1 of {pages}" in first and 'rel="next" href="/speeches?page=2"' in first
    last = client.get(f"/speeches?page={pages}").get_data(as_text=True)
    assert last.count('class="item-title"') == speeches - 50 * (pages - 1)
    assert "Routine meeting 000" in last  # the oldest, last

    listed = client.get("/admin/users").get_data(as_text=True)
    rows = listed.count('href="/admin/users/')
    assert rows == 100 and f"Page 1 of {-(-people // 100)}" in listed
    rest = client.get("/admin/users?page=2").get_data(as_text=True)
    assert rest.count('href="/admin/users/') == people - 100
    assert client.get("/admin/users?page=99999999999999999999").status_code == 200
    assert admin.role == Role.ADMIN
