"""Two people open the same form at the same version; the first save wins, the second gets
the conflict page with what it typed, and nothing of the first is overwritten. This holds for
every change to an item or to what belongs to it, also when only co-owners, milestones or a
note change (which touch no column of the item row itself)."""

import pytest
from sqlalchemy import select

from tests.conftest import ACCOUNTS, DEMO_PASSWORD
from tracker.extensions import db
from tracker.models import ActionItem, Milestone, Status, User

OVERDUE = "Compile the list of major blockchain projects for the year"  # Wang Lei (DRC)
MILESTONED = "Set up new blockchain research and development institutions"  # Sun Min (STB)
AWAITING = "Launch key blockchain technology research projects"  # Sun Min, submitted


def _item(title: str) -> ActionItem:
    return db.session.scalar(select(ActionItem).where(ActionItem.title == title))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _signed_in(app, who: str):
    client = app.test_client()
    response = client.post("/login", data={"email": ACCOUNTS[who], "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _assign(item, co_owner_email):
    return {
        "department": item.department_id,
        "responsible": item.responsible_id,
        "co_owners": [_user(co_owner_email).id],
    }


def _milestone_title(item, title):
    """The schedule form with only the first milestone's title changed."""
    data = {"title": item.title, "start_on": item.start_on, "due_on": item.due_on}
    for n, m in enumerate(item.milestones):
        data |= {
            f"milestones-{n}-milestone_id": m.id,
            f"milestones-{n}-title": title if n == 0 else m.title,
            f"milestones-{n}-due_on": m.due_on,
            f"milestones-{n}-weight": m.weight,
        }
    return data


def _note(item, note):
    return {"status": str(item.status), "progress": item.progress, "note": note}


# action, who, item, (first form, second form) as functions of the item, and a check that
# the item shows the first save.
CASES = {
    "co-owners only": (
        "assign",
        "supervisor",
        OVERDUE,
        lambda i: _assign(i, "zhou.jie@nanjing.example.com"),
        lambda i: _assign(i, "gao.feng@nanjing.example.com"),
        lambda i: [u.email for u in i.co_owners] == ["zhou.jie@nanjing.example.com"],
    ),
    "milestones only": (
        "schedule",
        "supervisor",
        MILESTONED,
        lambda i: _milestone_title(i, "First agreements signed"),
        lambda i: _milestone_title(i, "Second typed title"),
        lambda i: i.milestones[0].title == "First agreements signed",
    ),
    "a note only": (
        "report",
        "staff",
        OVERDUE,
        lambda i: _note(i, "First note"),
        lambda i: _note(i, "Second note"),
        lambda i: i.updates[-1].note == "First note",
    ),
    "status": (
        "report",
        "staff",
        OVERDUE,
        lambda i: {"status": "in_progress", "progress": 65, "note": "First"},
        lambda i: {"status": "blocked", "progress": 61, "note": "Second typed note"},
        lambda i: (i.status, i.progress) == (Status.IN_PROGRESS, 65),
    ),
    "verify": (
        "verify",
        "supervisor",
        AWAITING,
        lambda i: {"note": "Checked on site"},
        lambda i: {"note": "Second typed note"},
        lambda i: i.status == Status.DONE and i.updates[-1].note == "Checked on site",
    ),
    "return": (
        "return",
        "supervisor",
        AWAITING,
        lambda i: {"reason": "Budget lines missing"},
        lambda i: {"reason": "Second typed reason"},
        lambda i: i.status == Status.IN_PROGRESS and i.updates[-1].note == "Budget lines missing",
    ),
    "cancel": (
        "report",
        "supervisor",
        OVERDUE,
        lambda i: {"status": "cancelled", "progress": i.progress, "note": "Merged elsewhere"},
        lambda i: {"status": "cancelled", "progress": i.progress, "note": "Second typed note"},
        lambda i: i.status == Status.CANCELLED and i.updates[-1].note == "Merged elsewhere",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_second_save_from_the_same_version_gets_the_conflict_page(app, client, seeded, case):
    action, who, title, first, second, shows_first = CASES[case]
    item = _item(title)
    version, updates = item.version, len(item.updates)
    first_data, second_data = first(item), second(item)
    one, two = _signed_in(app, who), _signed_in(app, who)
    url = f"/items/{item.id}/{action}"

    assert one.post(url, data={"version": version, **first_data}).status_code == 302
    response = two.post(url, data={"version": version, **second_data})

    html = response.get_data(as_text=True)
    assert response.status_code == 409, html[:500]
    typed = [v for v in second_data.values() if isinstance(v, str) and "Second" in v]
    assert all(text in html for text in typed)
    db.session.expire_all()
    item = _item(title)
    assert item.version == version + 1
    assert shows_first(item)
    assert len(item.updates) in (updates, updates + 1)  # a report adds one entry, no more
    if item.updates:
        last = item.updates[-1]
        assert (last.to_status, last.to_progress) == (item.status, item.progress)
    # Resubmitting from the conflict page (it carries the new version) now saves.
    assert f'name="version" type="hidden" value="{item.version}"' in html


def test_two_reports_cannot_both_reach_the_same_milestone(app, client, seeded):
    item = _item(MILESTONED)
    milestone = next(m for m in item.milestones if m.done_on is None)
    one, two = _signed_in(app, "other_staff"), _signed_in(app, "other_staff")
    data = {"version": item.version, "status": "in_progress", "progress": 50}
    url = f"/items/{item.id}/report"
    assert one.post(url, data={**data, "milestone": milestone.id}).status_code == 302
    assert two.post(url, data={**data, "milestone": milestone.id}).status_code == 409
    db.session.expire_all()
    reached = [u for u in _item(MILESTONED).updates if u.milestone_id == milestone.id]
    assert len(reached) == 1 and db.session.get(Milestone, milestone.id).done_on is not None
