"""Boards and the item list: numbers equal to an independent count, queries that do not grow
with the data, filters in the URL, and CSV and ICS that real parsers read back."""

import csv
import io
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import insert, select

from tests.conftest import TODAY
from tracker.extensions import db
from tracker.items.rules import OPEN, traffic_light
from tracker.models import (
    ActionItem,
    City,
    Department,
    Milestone,
    Role,
    Status,
    StatusUpdate,
    User,
)
from tracker.passwords import hash_password


def _metrics(html: str) -> dict[str, dict[str, str]]:
    """The board table's cells: {row key: {metric: text}}."""
    rows = {}
    for key, body in re.findall(r'<tr data-key="([\w-]+)">(.*?)</tr>', html, re.S):
        rows[key] = dict(re.findall(r'data-metric="(\w+)">([^<]*)<', body))
    return rows


def _expected(items: list[ActionItem]) -> dict[str, str]:
    """The board's numbers for these items, computed here from the rows themselves."""
    stale_before = datetime.combine(TODAY - timedelta(days=14), time(0), ZoneInfo("Asia/Shanghai"))
    open_items = [i for i in items if i.status in OPEN]
    counted = [i for i in items if i.status != Status.CANCELLED]

    def completion(item):
        if item.status == Status.DONE:
            return 100.0
        weights = sum(m.weight for m in item.milestones)
        if weights:
            return 100.0 * sum(m.weight for m in item.milestones if m.done_on) / weights
        return float(item.progress)

    def last_update(item):
        return max([u.created_at for u in item.updates] or [item.created_at])

    numbers = {
        "total": str(len(items)),
        "completion": f"{sum(map(completion, counted)) / len(counted):.0f}%",
        "overdue": str(sum(traffic_light(i, TODAY).colour == "red" for i in open_items)),
        "due_soon": str(
            sum(
                i.due_on is not None and TODAY <= i.due_on <= TODAY + timedelta(7)
                for i in open_items
            )
        ),
        "stale": str(sum(last_update(i) < stale_before for i in open_items)),
    }
    for status in Status:
        numbers[str(status)] = str(sum(i.status == status for i in items))
    return numbers


def test_cross_city_board_numbers_match_the_seeded_data(client, login_as):
    login_as("admin")
    html = client.get("/boards").get_data(as_text=True)
    cells = _metrics(html.split("Directives tracked in several cities")[0])
    items = db.session.scalars(select(ActionItem)).all()
    for city in db.session.scalars(select(City)):
        wanted = _expected([i for i in items if i.city_id == city.id])
        assert {k: cells[city.slug][k] for k in wanted} == wanted, city.slug
    assert "Directives tracked in several cities" in html
    assert "promote the gathering of talents" in html.lower() or "Promote the gathering" in html


def test_city_board_per_department_matches_and_includes_sub_units(client, login_as):
    login_as("other_supervisor")  # Jiaxing, with Haining
    html = client.get("/boards/jiaxing").get_data(as_text=True)
    cells = _metrics(html.split("Per directive")[0])
    jiaxing = db.session.scalar(select(City).where(City.slug == "jiaxing"))
    items = db.session.scalars(
        select(ActionItem).where(
            ActionItem.city_id.in_([jiaxing.id, *[c.id for c in jiaxing.sub_units]])
        )
    ).all()
    for department_id in {i.department_id for i in items}:
        wanted = _expected([i for i in items if i.department_id == department_id])
        assert {k: cells[str(department_id)][k] for k in wanted} == wanted
    assert "Haining Municipal People&#39;s Government (Haining)" in html
    assert '<svg class="chart"' in html and '<title id="timeline-title">' in html


def test_boards_are_for_supervisors_within_their_scope(client, login_as):
    login_as("staff")
    assert client.get("/boards").status_code == 403
    login_as("other_supervisor")
    assert client.get("/boards/nanjing").status_code == 404
    html = client.get("/boards").get_data(as_text=True)
    assert "Jiaxing" in html and 'data-key="nanjing"' not in html


@pytest.mark.parametrize(
    ("query", "must_include", "must_exclude"),
    [
        (
            "q=platforms",
            ["Build blockchain technology research platforms"],
            ["Fund basic research"],
        ),
        # In a note only ("Three districts have not submitted ...").
        ("q=districts", ["Compile the list of major blockchain projects"], ["platforms"]),
        # In the source sentence only: "We must base ourselves on the Yangtze River Delta".
        ("q=Yangtze", [], ["Compile the list"]),
        ("q=100%25", [], ["Compile the list"]),  # % is taken literally
        (
            "city=haining",
            ["Industrialise blockchain", "Haining&#39;s share"],
            ["Fund basic research"],
        ),
        ("light=red&city=nanjing", ["Compile the list of major"], ["Draft the city"]),
        ("status=done", ["Draft the city&#39;s blockchain"], ["Compile the list"]),
        (
            "due_from=2026-03-10&due_to=2026-03-20",
            ["Build blockchain technology research platforms"],
            ["Fund basic research"],
        ),
    ],
)
def test_item_list_filters(client, login_as, query, must_include, must_exclude):
    login_as("admin")
    response = client.get(f"/items?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in must_include:
        assert text in html
    for text in must_exclude:
        assert text not in html


def test_a_bad_date_in_the_filter_is_explained_not_a_500(client, login_as):
    login_as("admin")
    response = client.get("/items?due_from=yesterday")
    assert response.status_code == 200
    assert "Not a valid date value." in response.get_data(as_text=True)


def test_the_list_pages_and_keeps_the_filter_in_the_links(client, login_as):
    login_as("admin")
    html = client.get("/items?sort=title").get_data(as_text=True)
    assert "30 items" in html and "Page 1 of 2" in html
    assert 'href="/items?sort=title&amp;page=2"' in html or "page=2&amp;sort=title" in html
    assert "Page 2 of 2" in client.get("/items?sort=title&page=2").get_data(as_text=True)


def test_csv_export_opens_in_excel_with_chinese_text(client, login_as):
    item = db.session.scalar(select(ActionItem).where(ActionItem.title.startswith("Fund basic")))
    item.title = "区块链基础研究资助"
    db.session.commit()
    login_as("other_supervisor")
    response = client.get("/items.csv?city=jiaxing&sort=title")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 16  # Jiaxing's 12 items and Haining's 4
    chinese = next(r for r in rows if r["title"] == "区块链基础研究资助")
    # Shen Wei works in Chinese: the status is in his language, the data as entered.
    assert chinese["status"] == "已办结" and chinese["city"] == "Jiaxing"
    assert chinese["directive"] == "strengthen basic research"
    assert chinese["link"] == f"https://tracker.example.gov/items/{item.id}"


def test_calendar_feed_round_trips_and_can_be_revoked(client, login_as, app):
    user = login_as("other_staff")  # Sun Min
    page = client.post("/account/calendar", data={"action": "create"}).get_data(as_text=True)
    link = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    path = link.removeprefix("https://tracker.example.gov")
    anonymous = app.test_client()
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    mine = db.session.scalars(
        select(ActionItem).where(ActionItem.status.in_(OPEN), ActionItem.responsible_id == user.id)
    ).all()
    for item in mine:
        event = events[f"item-{item.id}@localhost"]
        assert event.decoded("dtstart") == item.due_on
        assert str(event["summary"]) == f"Due: {item.title}"
    milestones = [m for i in mine for m in i.milestones if m.done_on is None]
    assert all(f"milestone-{m.id}@localhost" in events for m in milestones)
    alarm = events[f"item-{mine[0].id}@localhost"].walk("VALARM")[0]
    assert alarm.decoded("trigger") == timedelta(hours=-15)  # 09:00 the day before
    client.post("/account/calendar", data={"action": "revoke"})
    assert anonymous.get(path).status_code == 404


def test_a_supervisor_subscribes_to_what_they_supervise_in_their_language(
    client, login_as, app
):
    """Shen Wei (Jiaxing, in Chinese) owns no item, yet sees the deadlines of his cities."""
    login_as("other_supervisor")
    page = client.post("/account/calendar", data={"action": "create"}).get_data(as_text=True)
    link = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    feed = app.test_client().get(link.removeprefix("https://tracker.example.gov"))
    calendar = Calendar.from_ical(feed.data)
    uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
    supervised = db.session.scalars(
        select(ActionItem)
        .join(ActionItem.city)
        .where(
            ActionItem.status.in_(OPEN),
            ActionItem.due_on >= TODAY - timedelta(days=60),
            City.slug.in_(["jiaxing", "haining"]),
        )
    ).all()
    assert supervised and {f"item-{i.id}@localhost" for i in supervised} <= uids
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert all(s.startswith(("截止：", "节点：")) for s in summaries), summaries[:3]


@pytest.fixture
def many_items(app, make_directive):
    """A city with `n` items (bulk inserted), each with an update and some with milestones,
    and an admin to look at them."""

    def make(n: int):
        city = City(slug=f"big-{n}", name=f"Big city {n}")
        department = Department(city=city, slug="drc", name="DRC")
        staff = User(
            email=f"s{n}@example.com",
            name="Staff",
            role=Role.STAFF,
            city=city,
            department=department,
        )
        directive = make_directive(city)
        db.session.add_all([staff, directive])
        if db.session.scalar(select(User).where(User.email == "boss@example.com")) is None:
            db.session.add(
                User(
                    email="boss@example.com",
                    name="Boss",
                    role=Role.ADMIN,
                    password_hash=hash_password("boss password"),
                )
            )
        db.session.flush()
        statuses = list(Status)
        now = datetime.now(UTC)
        rows = [
            {
                "directive_id": directive.id,
                "city_id": city.id,
                "department_id": department.id,
                "responsible_id": staff.id,
                "title": f"Item {k}",
                "priority": "normal",
                "status": statuses[k % len(statuses)],
                "progress": k % 101,
                "start_on": TODAY - timedelta(days=30 + k % 90),
                "due_on": TODAY + timedelta(days=k % 60 - 20),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for k in range(n)
        ]
        db.session.execute(insert(ActionItem), rows)
        ids = db.session.scalars(select(ActionItem.id).where(ActionItem.city_id == city.id)).all()
        db.session.execute(
            insert(StatusUpdate),
            [
                {
                    "item_id": i,
                    "author_id": staff.id,
                    "created_at": now,
                    "to_status": "in_progress",
                    "to_progress": 10,
                }
                for i in ids
            ],
        )
        db.session.execute(
            insert(Milestone),
            [
                {"item_id": i, "position": 1, "title": "M", "due_on": TODAY, "weight": 1}
                for i in ids[::3]
            ],
        )
        db.session.commit()
        return city

    return make


PAGES = ["/boards", "/boards/{city}", "/items", "/items?q=Item&light=red", "/items.csv", "/my"]


def test_statement_counts_do_not_grow_from_10_to_2000_items(client, many_items, count_queries):
    """The second round sees 2,010 items (the first city's 10 stay)."""
    counts = {}
    for n in (10, 2000):
        city = many_items(n)
        client.post("/logout")
        client.post("/login", data={"email": "boss@example.com", "password": "boss password"})
        for page in PAGES:
            with count_queries() as statements:
                assert client.get(page.format(city=city.slug)).status_code == 200
            counts.setdefault(page, []).append(len(statements))
    assert {page: small for page, (small, large) in counts.items()} == {
        page: large for page, (small, large) in counts.items()
    }


def test_free_text_search_finds_chinese_substrings(client, login_as):
    item = db.session.scalar(select(ActionItem).where(ActionItem.title.startswith("Fund basic")))
    item.title = "区块链基础研究资助计划"
    db.session.add(
        StatusUpdate(
            item=item,
            author=item.responsible,
            to_status="done",
            to_progress=100,
            note="已完成六个项目的立项评审",
        )
    )
    db.session.commit()
    login_as("admin")
    for query in ("基础研究", "立项评审"):
        html = client.get(f"/items?q={query}").get_data(as_text=True)
        assert "区块链基础研究资助计划" in html and "1 item" in html
