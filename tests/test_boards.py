"""Boards and the item list: numbers equal to an independent count, queries that do not grow
with the data, filters in the URL, and CSV and ICS that real parsers read back."""

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, insert, select

from tests.conftest import ACCOUNTS, TODAY
from tracker.api.tokens import issue
from tracker.extensions import db
from tracker.items.rules import OPEN, is_stale, stale_cutoff, traffic_light
from tracker.models import (
    ActionItem,
    City,
    Department,
    Milestone,
    Reminder,
    ReminderKind,
    Role,
    Status,
    StatusUpdate,
    User,
)
from tracker.passwords import hash_password
from tracker.reminders.content import DIGEST_LIST, compose_digest
from tracker.reminders.policy import current_policy


def _metrics(html: str) -> dict[str, dict[str, str]]:
    """The page's first board table's cells (cities on /boards, departments on a city's
    board): {row key: {metric: text}}, the light's colour as "light"."""
    rows = {}
    table = html.split("</table>")[0]
    for key, body in re.findall(r'<tr data-key="([\w-]+)"[^>]*>(.*?)</tr>', table, re.S):
        rows[key] = dict(re.findall(r'data-metric="(\w+)">([^<]*)<', body))
        rows[key]["light"] = re.search(r'class="light light-(\w+)"', body).group(1)
    return rows


def _last_update_on(item: ActionItem) -> date:
    """The office day of the item's last status update, or of its creation."""
    moment = max([u.created_at for u in item.updates] or [item.created_at])
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).date()


def _expected(items: list[ActionItem], stale_after: int = 14) -> dict[str, str]:
    """The board's numbers for these items, computed here from the rows themselves."""
    open_items = [i for i in items if i.status in OPEN]
    counted = [i for i in items if i.status != Status.CANCELLED]

    def completion(item):
        if item.status == Status.DONE:
            return 100.0
        weights = sum(m.weight for m in item.milestones)
        if weights:
            return 100.0 * sum(m.weight for m in item.milestones if m.done_on) / weights
        return float(item.progress)

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
        # No update for `stale_after` days or more, counted in calendar days.
        "stale": str(sum((TODAY - _last_update_on(i)).days >= stale_after for i in open_items)),
    }
    for status in Status:
        numbers[str(status)] = str(sum(i.status == status for i in items))
    return numbers


def _city_and_sub_units(slug: str) -> list[ActionItem]:
    city = db.session.scalar(select(City).where(City.slug == slug))
    ids = [city.id, *[c.id for c in city.sub_units]]
    return db.session.scalars(select(ActionItem).where(ActionItem.city_id.in_(ids))).all()


def test_cross_city_board_numbers_match_the_seeded_data(client, login_as):
    login_as("admin")
    html = client.get("/boards").get_data(as_text=True)
    cells = _metrics(html)
    for city in db.session.scalars(select(City)):
        # A city's figures include its sub-units' (Jiaxing's include Haining's).
        wanted = _expected(_city_and_sub_units(city.slug))
        assert {k: cells[city.slug][k] for k in wanted} == wanted, city.slug
    assert "Directives tracked in several cities" in html
    assert "promote the gathering of talents" in html.lower() or "Promote the gathering" in html


def test_city_board_per_department_matches_and_includes_sub_units(client, login_as):
    login_as("other_supervisor")  # Jiaxing, with Haining
    client.post("/locale/en")
    html = client.get("/boards/jiaxing").get_data(as_text=True)
    cells = _metrics(html)
    items = _city_and_sub_units("jiaxing")
    for department_id in {i.department_id for i in items}:
        wanted = _expected([i for i in items if i.department_id == department_id])
        assert {k: cells[str(department_id)][k] for k in wanted} == wanted
    wanted = _expected(items)
    assert {k: cells["total"][k] for k in wanted} == wanted
    assert 'Haining Municipal People&#39;s Government</a><span class="muted"> (Haining)' in html
    assert '<svg class="chart"' in html and '<title id="timeline-title">' in html


def test_a_city_has_one_light_and_one_set_of_figures_on_both_boards_and_in_the_api(
    client, login_as
):
    """Jiaxing was red on /boards (Haining left out) and amber on its own board (Haining in):
    now its figures include Haining's everywhere, and the pages say so."""
    shen = login_as("other_supervisor")
    client.post("/locale/en")
    index = client.get("/boards").get_data(as_text=True)
    board = client.get("/boards/jiaxing").get_data(as_text=True)
    on_index = _metrics(index)["jiaxing"]
    light = re.search(r'</h1>.*?<span class="light light-(\w+)"', board, re.S).group(1)
    assert light == on_index["light"]
    on_board = _metrics(board)["total"]
    assert on_index == on_board
    assert on_index["total"] == str(len(_city_and_sub_units("jiaxing")))
    assert 'Jiaxing</a><span class="muted"> (incl. Haining)</span>' in index
    assert "Jiaxing</th>" not in board and 'Jiaxing<span class="muted"> (incl. Haining)' in board
    assert "Includes Haining." in board

    _token, secret = issue(shen, "test")
    db.session.commit()
    api = client.get("/api/v1/boards", headers={"Authorization": f"Bearer {secret}"})
    jiaxing = next(c for c in api.get_json()["cities"] if c["slug"] == "jiaxing")
    assert jiaxing["name"] == "Jiaxing" and jiaxing["light"]["colour"] == on_index["light"]
    assert {k: str(jiaxing[k]) for k in ("total", "overdue", "due_soon", "stale")} == {
        k: on_index[k] for k in ("total", "overdue", "due_soon", "stale")
    }
    assert f"{jiaxing['completion']:.0f}%" == on_index["completion"]
    assert {s: str(n) for s, n in jiaxing["counts"].items()} == {
        str(s): on_index[str(s)] for s in Status
    }


def _names(html: str) -> str:
    """What the board pages name: row headings, chart labels and descriptions, the heading
    paragraph (tags stripped)."""
    parts = re.findall(r'<th scope="row">(.*?)</th>', html, re.S)
    parts += re.findall(r'<text[^>]*class="label">([^<]*)</text>', html)
    parts += re.findall(r"<desc[^>]*>([^<]*)</desc>", html)
    parts += re.findall(r'<p class="muted">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", " ", " ".join(parts))


def test_the_chinese_boards_name_cities_and_departments_in_chinese(client, login_as):
    """Shen Wei works in Chinese: tables, totals, notes and charts use the Chinese names."""
    login_as("other_supervisor")
    cities = db.session.scalars(select(City).where(City.slug.in_(["jiaxing", "haining"]))).all()
    departments = db.session.scalars(
        select(Department).where(
            Department.id.in_(
                select(ActionItem.department_id).where(
                    ActionItem.city_id.in_([c.id for c in cities])
                )
            )
        )
    ).all()
    for path, records in [("/boards", cities), ("/boards/jiaxing", cities + departments)]:
        html = client.get(path).get_data(as_text=True)
        names = _names(html).replace("&#39;", "'")
        for record in records:
            assert record.name_zh and record.name_zh in names, (path, record.name_zh)
            assert record.name not in names, (path, record.name)
        jiaxing = re.search(r'<tr data-key="jiaxing"[^>]*>\s*<th scope="row">(.*?)</th>', html)
        if jiaxing:  # the row on /boards says, in Chinese names, what its figures include
            assert "嘉兴市" in jiaxing.group(1) and "海宁市" in jiaxing.group(1)


def test_boards_are_for_supervisors_within_their_scope(client, login_as):
    login_as("staff")
    assert client.get("/boards").status_code == 403
    login_as("other_supervisor")
    assert client.get("/boards/nanjing").status_code == 404
    html = client.get("/boards").get_data(as_text=True)
    assert 'data-key="jiaxing"' in html and 'data-key="nanjing"' not in html


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


@pytest.mark.parametrize(
    "query, field, same_as",
    [
        ("status=bogus", "Status", ""),
        ("status=in_progress&status=closedd", "Status", "status=in_progress"),
        ("light=purple", "Light", ""),
        ("attention=bogus", "Needs attention", ""),
        ("sort=cost", "Sort", ""),
        ("department=abc", "Department", ""),
        ("department=999999", "Department", ""),
        ("responsible=999999", "Responsible", ""),
        ("city=atlantis", "City", ""),
    ],
)
def test_a_value_no_choice_has_is_an_error_not_ignored(client, login_as, query, field, same_as):
    """A mistyped or outdated link's value is shown as an error beside its field and left out
    of the filter (the list is what the rest of the filter selects), and the exports refuse
    it: the list must not look filtered by it when it is not."""
    login_as("supervisor")
    every = client.get(f"/items?{same_as}").get_data(as_text=True)
    listed = client.get(f"/items?{query}")
    html = listed.get_data(as_text=True)
    assert listed.status_code == 200 and "is not one of the choices." in html
    assert html.count("is not one of the choices.") == 1
    assert re.search(r"\d+ items?", html).group(0) == re.search(r"\d+ items?", every).group(0)
    for export in ("/items.csv", "/items.xlsx"):
        refused = client.get(f"{export}?{query}")
        text = refused.get_data(as_text=True)
        assert refused.status_code == 400 and f"{field}:" in text and "not one of the" in text


@pytest.mark.parametrize(
    "query, message",
    [
        ("department=16&department=17", "Give one value here, not 2."),
        ("attention=stale&attention=overdue", "Give one value here, not 2."),
        ("q=a&q=b", "Give one value here, not 2."),
        ("due_to=2026-12-31&due_to=2026-12-01", "Give one value here, not 2."),
        ("due_from=9999-12-31", "Give a date from January 1, 1900 to December 31, 2199."),
        ("due_from=2027-01-01&due_to=2026-01-01", "This date comes before the first one."),
        ("q=" + "x" * 201, "Field cannot be longer than 200 characters."),
        ("directive=abc", "Directive: “abc” is not one of the choices."),
        ("directive=0", "Directive: “0” is not one of the choices."),
    ],
)
def test_a_filter_that_cannot_be_meant_as_given_says_why(client, login_as, query, message):
    """Repeated values (which one counts would be a guess), dates out of range or in the
    wrong order, words too long: a message beside the filter and a 400 from the exports."""
    login_as("admin")
    html = client.get(f"/items?{query}").get_data(as_text=True)
    assert message in html and "Number must be" not in html
    assert "38 items" in html or "due_from=2027" in query  # the rest of the filter applies
    assert "Download the ledger" not in html  # no link to an export that would refuse it
    assert client.get(f"/items.csv?{query}").status_code == 400


def test_an_empty_status_or_light_is_no_choice_at_all(client, login_as):
    login_as("admin")
    html = client.get("/items?status=&light=").get_data(as_text=True)
    assert "not one of the choices" not in html and "38 items" in html


def test_a_known_value_of_every_filter_is_taken(client, login_as):
    login_as("supervisor")
    nanjing = db.session.scalar(select(City).where(City.slug == "nanjing"))
    department = db.session.scalar(select(Department).where(Department.city_id == nanjing.id))
    staff = db.session.scalar(select(User).where(User.email == ACCOUNTS["staff"]))
    query = (
        f"city=nanjing&department={department.id}&responsible={staff.id}&status=in_progress"
        "&light=green&attention=stale&sort=-due"
    )
    html = client.get(f"/items?{query}").get_data(as_text=True)
    assert "is not one of the choices." not in html
    assert client.get(f"/items.csv?{query}").status_code == 200
    # In Chinese, the message and the field's name are Chinese.
    login_as("other_supervisor")
    text = client.get("/items.csv?status=bogus").get_data(as_text=True)
    assert "筛选条件有误" in text and "不是可选项" in text and "not one of" not in text


def test_the_list_pages_and_keeps_the_filter_in_the_links(client, login_as):
    login_as("admin")
    html = client.get("/items?sort=title").get_data(as_text=True)
    assert "38 items" in html and "Page 1 of 2" in html
    assert 'href="/items?sort=title&amp;page=2"' in html or "page=2&amp;sort=title" in html
    assert "Page 2 of 2" in client.get("/items?sort=title&page=2").get_data(as_text=True)


def test_csv_export_opens_in_excel_with_chinese_text(client, login_as):
    item = db.session.scalar(select(ActionItem).where(ActionItem.title.startswith("Fund basic")))
    item.title = "区块链基础研究资助"
    db.session.commit()
    login_as("other_supervisor")
    response = client.get("/items.csv?city=jiaxing&sort=title")
    assert response.status_code == 200
    # Named in his language (filename*), with an ASCII name for clients that do not read it.
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="items-20')
    assert "filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E4%BB%BB%E5%8A%A1-20" in disposition  # 督办任务
    assert response.data.startswith("\ufeff".encode())  # read: the stream ends before the next
    ledger = client.get("/items.xlsx?city=jiaxing").headers["Content-Disposition"]
    assert ledger.startswith('attachment; filename="ledger-20') and "filename*=UTF-8''%E7" in ledger
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 19  # Jiaxing's 13 items and Haining's 6
    chinese = next(r for r in rows if r["标题"] == "区块链基础研究资助")
    # Shen Wei works in Chinese: headers, status and place names in his language, the data
    # as entered, dates as ISO dates (which every spreadsheet reads as dates).
    assert chinese["状态"] == "已办结" and chinese["城市"] == "嘉兴市"
    assert chinese["指示"] == "strengthen basic research"
    assert chinese["链接"] == f"https://tracker.example.gov/items/{item.id}"
    assert chinese["截止日期"] == item.due_on.isoformat()


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


def test_a_supervisor_subscribes_to_what_they_supervise_in_their_language(client, login_as, app):
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
            client.get(page.format(city=city.slug))  # the day's first view writes snapshots
            with count_queries() as statements:
                assert client.get(page.format(city=city.slug)).status_code == 200
            counts.setdefault(page, []).append(len(statements))
    assert {page: small for page, (small, large) in counts.items()} == {
        page: large for page, (small, large) in counts.items()
    }


def test_pages_stay_small_whatever_the_data(client, many_items):
    """2,000 items in one city: every page is far below 300 KB; the lists name their totals
    and link to the item list for the rest (the CSV export is the one full listing)."""
    city = many_items(2000)
    client.post("/login", data={"email": "boss@example.com", "password": "boss password"})
    for page in PAGES:
        if page == "/items.csv":
            continue
        body = client.get(page.format(city=city.slug)).get_data(as_text=True)
        assert len(body.encode()) < 300_000, (page, len(body))
    my = client.get("/my").get_data(as_text=True)
    assert "in the item list" in my
    board = client.get(f"/boards/{city.slug}").get_data(as_text=True)
    assert board.count("in the item list") >= 2  # overdue and due soon (none is stale)


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


def test_stale_follows_the_policy_on_the_boards_and_in_the_weekly_digest(client, login_as):
    """ "No update for N days" is one rule (tracker/items/rules.py) with N from the policy
    admins edit on /admin/policy: the boards and the digest follow a change to it."""
    login_as("admin")
    policy = {
        "before_days": "7, 3, 1",
        "overdue_every": 2,
        "escalate_after": 3,
        "escalate_every": 3,
        "stale_after": 7,
        "stale_every": 7,
        "send_hour": 9,
        "digest_weekday": 0,
    }
    assert client.post("/admin/policy", data=policy).status_code == 302
    shen = login_as("other_supervisor")
    client.post("/locale/en")
    items = _city_and_sub_units("jiaxing")
    wanted = _expected(items, stale_after=7)["stale"]
    assert wanted != _expected(items, stale_after=14)["stale"]  # the change shows
    index = client.get("/boards").get_data(as_text=True)
    assert _metrics(index)["jiaxing"]["stale"] == wanted
    board = client.get("/boards/jiaxing").get_data(as_text=True)
    assert _metrics(board)["total"]["stale"] == wanted
    assert "No update for 7 days" in board and "14 days" not in board
    listed = re.search(r'id="list-stale">.*?<span class="count">(\d+)</span>', board, re.S)
    assert listed.group(1) == wanted

    reminder = Reminder(
        key="digest:test", kind=ReminderKind.DIGEST, recipient=shen, period_on=TODAY
    )
    db.session.add(reminder)
    db.session.flush()
    now = datetime.combine(TODAY, time(9), ZoneInfo("Asia/Shanghai"))
    text = compose_digest(reminder, now).get_body(("plain",)).get_content()
    stale_section = text.rstrip().rsplit("\n\n", 1)[-1]  # the digest's last section
    in_digest = [int(n) for n in re.findall(r"^- .* \S+/items/(\d+)$", stale_section, re.M)]
    stale = sorted(
        (i for i in items if i.status in OPEN and (TODAY - _last_update_on(i)).days >= 7),
        key=lambda i: (i.due_on, i.id),
    )
    assert len(stale) == int(wanted) > DIGEST_LIST  # the digest shows the first ten
    assert in_digest == [i.id for i in stale[:DIGEST_LIST]]
    more = re.search(
        r"^(\d+) more items without an update\.\nAll of them: (\S+)$", stale_section, re.M
    )
    assert int(more.group(1)) == len(stale) - DIGEST_LIST
    listed = client.get(urlsplit(more.group(2)).path + "?" + urlsplit(more.group(2)).query)
    assert f"{wanted} items" in listed.get_data(as_text=True)  # the link lists all of them


def test_stale_counts_working_days_when_the_policy_does(client, login_as):
    """With working days on (/admin/policy), the board counts the quiet days as reminder
    planning does: the Spring Festival days off (15-23 Feb 2026) do not count, the make-up
    Saturday (14 Feb) does."""
    login_as("admin")
    policy = {
        "before_days": "7, 3, 1",
        "overdue_every": 2,
        "escalate_after": 3,
        "escalate_every": 3,
        "stale_after": 17,
        "stale_every": 7,
        "send_hour": 9,
        "digest_weekday": 0,
        "working_days": "y",
    }
    assert client.post("/admin/policy", data=policy).status_code == 302
    assert stale_cutoff(TODAY, current_policy()) == date(2026, 2, 13)  # 17 working days back
    assert is_stale(date(2026, 2, 13), TODAY, current_policy())
    assert not is_stale(date(2026, 2, 14), TODAY, current_policy())  # a make-up Saturday
    items = _city_and_sub_units("jiaxing")
    wanted = sum(
        i.status in OPEN and is_stale(_last_update_on(i), TODAY, current_policy()) for i in items
    )
    login_as("other_supervisor")
    index = client.get("/boards").get_data(as_text=True)
    assert _metrics(index)["jiaxing"]["stale"] == str(wanted)


def test_the_csv_export_takes_every_filter_of_the_list(client, login_as):
    """The same filters as /items, the light included (it was a 500), the same items."""
    login_as("supervisor")
    query = "light=red&light=amber&status=in_progress&status=at_risk&sort=-due&q=a"
    listed = client.get(f"/items?{query}").get_data(as_text=True)
    response = client.get(f"/items.csv?{query}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows and all(f'href="/items/{r["No."]}"' in listed for r in rows)


def test_a_city_board_stays_bounded_and_links_to_the_rest(client, login_as, make_item):
    """Lists show their first 10 (the timeline its first 20) with the total and a link to
    the item list with the same rule; the page does not grow with the data."""
    import re as regex

    from tracker.boards.lists import ITEMS_SHOWN
    from tracker.models import City, Milestone

    login_as("supervisor")
    nanjing = db.session.scalar(select(City).where(City.slug == "nanjing"))
    before = len(client.get("/boards/nanjing").data)
    for n in range(60):
        item = make_item(nanjing, due_on=TODAY - timedelta(days=1 + n % 5), status="in_progress")
        item.milestones.append(Milestone(position=1, title=f"M{n}", due_on=TODAY + timedelta(n)))
        make_item(nanjing, due_on=TODAY + timedelta(days=10 + n % 30), status="not_started")
    db.session.commit()
    html = client.get("/boards/nanjing").get_data(as_text=True)
    assert len(html) < before + 40_000  # 120 more items, a few more rows, not 120 more lines
    overdue = regex.search(r'id="list-overdue">Overdue <span class="count">(\d+)<', html)
    total = int(overdue.group(1))
    assert total >= 60
    section = html[html.index('id="list-overdue"') : html.index('id="list-due_soon"')]
    assert section.count("<li>") == ITEMS_SHOWN == 10
    assert f"All {total} in the item list" in section
    listed = client.get("/items?city=nanjing&attention=overdue").get_data(as_text=True)
    assert f"{total} items" in listed
    assert "deadlines and milestones: the items due in these days" in html


def test_a_provincial_speech_in_every_city_keeps_boards_and_the_speech_bounded(client, app):
    """A speech whose 30 directives are each assigned in 40 cities: /boards lists the 20
    shared directives that most need attention over their cities, each linking to its
    cities side by side (figures as counted here); the speech page shows 10 items a
    directive and how many more. No page nears 300 KB."""
    from tracker.models import Directive, Speech

    province = City(slug="province", name="Province")
    cities = [City(slug=f"c{n:02}", name=f"City {n:02}") for n in range(40)]
    departments = [Department(city=c, slug="drc", name="DRC") for c in cities]
    speech = Speech(
        city=province,
        speaker="Governor",
        title="Provincial work conference",
        delivered_on=date(2026, 1, 5),
        text="We must act. " * 30,
        text_sha256="f" * 64,
        published_at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC),
    )
    directives = [
        Directive(
            speech=speech,
            position=p + 1,
            title=f"Provincial directive {p + 1:02}",
            start_offset=13 * p + 3,
            end_offset=13 * p + 11,
            sentence_start=13 * p,
            sentence_end=13 * p + 12,
        )
        for p in range(30)
    ]
    boss = User(
        email="boss@example.com",
        name="Boss",
        role=Role.ADMIN,
        password_hash=hash_password("boss password"),
    )
    db.session.add_all([province, *cities, *departments, speech, *directives, boss])
    db.session.flush()
    now = datetime.now(UTC)
    db.session.execute(
        insert(ActionItem),
        [
            {
                "directive_id": d.id,
                "city_id": c.id,
                "department_id": departments[k].id,
                "title": f"{d.title} in {c.name}",
                "status": "done" if (k + p) % 4 == 0 else "in_progress",
                "progress": 50,
                "due_on": TODAY + timedelta(days=(k + p) % 20 - 10),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for p, d in enumerate(directives)
            for k, c in enumerate(cities)
        ],
    )
    db.session.commit()
    client.post("/login", data={"email": "boss@example.com", "password": "boss password"})

    board = client.get("/boards").get_data(as_text=True)
    assert len(board.encode()) < 300_000, len(board)
    shared = board[board.index("Directives tracked in several cities") :]
    assert '<span class="count">30</span>' in shared
    links = re.findall(r'href="/boards/directives/(\d+)"', shared)
    assert len(links) == 20 and "40 cities; least complete: City" in shared

    chosen = db.session.get(Directive, int(links[0]))
    page = client.get(f"/boards/directives/{chosen.id}").get_data(as_text=True)
    assert len(page.encode()) < 300_000 and chosen.title in page
    cells = _metrics(page)
    for city in cities:
        items = db.session.scalars(
            select(ActionItem).where(
                ActionItem.directive_id == chosen.id, ActionItem.city_id == city.id
            )
        ).all()
        wanted = _expected(items)
        assert {k: cells[city.slug][k] for k in wanted} == wanted, city.slug
    assert client.get("/boards/directives/999999").status_code == 404
    # The least complete city named on /boards is the lowest row of the directive's page.
    row = re.search(rf'directives/{chosen.id}">.*?</a><span class="muted"> \((.*?)\)', shared)
    lowest = min((float(c["completion"].rstrip("%")), slug) for slug, c in cells.items())
    named = db.session.scalar(select(City).where(City.slug == lowest[1])).name
    assert row.group(1) == f"40 cities; least complete: {named}, {lowest[0]:.0f}%"

    text = client.get(f"/speeches/{speech.id}").get_data(as_text=True)
    assert len(text.encode()) < 300_000
    assert text.count(" in City ") == 30 * 10  # ten items of each directive
    assert text.count("and 30 more items") == 30
    assert f'href="/boards/directives/{chosen.id}"' in text
    assert "DRC (City 00)" in text  # items of other cities than the speech's say whose
    listed = client.get(f"/items?directive={chosen.id}").get_data(as_text=True)
    assert "40 items" in listed and f"The items of the directive “{chosen.title}”" in listed
    assert f'name="directive" value="{chosen.id}"' in listed  # kept when the filter changes
    exported = client.get(f"/items.csv?directive={chosen.id}").get_data(as_text=True)
    assert len(exported.strip().splitlines()) == 41  # a header and its 40 items
    refused = client.get("/items.csv?due_from=abc&directive=0")
    assert refused.status_code == 400 and "The filter is not valid" in refused.get_data(True)


def test_the_directive_filter_says_what_it_does_in_the_readers_language(client, login_as):
    """A valid directive with no visible item says the list is one directive's (without its
    title); one out of range is an error, not a heading; the exports refuse it, in Chinese
    for a Chinese reader."""
    from tracker.models import Directive, Speech

    login_as("other_supervisor")  # Shen Wei reads Chinese
    ours, nanjing = (
        db.session.scalar(
            select(func.min(Directive.id)).join(Speech).where(Speech.city.has(slug=slug))
        )
        for slug in ("jiaxing", "nanjing")
    )
    empty = client.get(f"/items?directive={ours}&status=cancelled").get_data(as_text=True)
    assert "仅显示一项指示的任务。" in empty and f'name="directive" value="{ours}"' in empty
    for other in (nanjing, 99999):  # another city's speech, or none: not a choice of hers
        page = client.get(f"/items?directive={other}").get_data(as_text=True)
        assert f"“{other}”不是可选项。" in page and "仅显示一项指示" not in page
        assert client.get(f"/items.csv?directive={other}").status_code == 400
    wrong = client.get("/items?directive=-1").get_data(as_text=True)
    assert "仅显示一项指示" not in wrong and "中指示“" not in wrong
    assert 'name="directive"' not in wrong and "Number must be" not in wrong
    refused = client.get("/items.csv?directive=0&due_from=abc")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "筛选条件有误" in text
    assert "Not a valid" not in text and "Number must" not in text


def test_the_charts_write_dates_as_the_reader_reads_them(client, login_as):
    """Chinese axes read 12月7日 and the charts' descriptions 2026年…日, never 12-07 or an ISO
    date; English reads Dec 7."""
    login_as("other_supervisor")  # reads Chinese
    html = client.get("/boards/jiaxing").get_data(as_text=True)
    assert re.search(r'class="legend">\d{1,2}月\d{1,2}日</text>', html)
    assert not re.search(r"\d\d-\d\d</text>|\d{4}-\d\d-\d\d:", html)
    login_as("supervisor")
    html = client.get("/boards/nanjing").get_data(as_text=True)
    assert re.search(r'class="legend">[A-Z][a-z]{2} \d{1,2}</text>', html)


def test_an_unknown_board_order_is_said_not_ignored(client, login_as):
    login_as("admin")
    html = client.get("/boards?sort=bogus").get_data(as_text=True)
    assert "“bogus” is not one of the choices." in html
    assert "not one of the choices" not in client.get("/boards?sort=overdue").get_data(True)


def test_chart_dates_stay_whole_and_apart(client, login_as):
    """Each date under a chart's axis lies inside the chart and clear of the next one, in
    Chinese too (wider than 12-07): none is cut at an edge or runs into its neighbour."""
    from tracker.boards.charts import SMALL_SIZE, WIDTH, _text_width

    login_as("other_supervisor")
    html = client.get("/boards/jiaxing").get_data(as_text=True)
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        by_row: dict = {}
        for x, y, text in re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)" class="legend">(\d+月\d+日)<', svg
        ):
            by_row.setdefault(y, []).append((float(x), _text_width(text, SMALL_SIZE)))
        for marks in by_row.values():
            marks.sort()
            assert all(x >= 0 and x + w <= WIDTH for x, w in marks)
            assert all(a + w + 6 <= b for (a, w), (b, _w) in zip(marks, marks[1:], strict=False))
    dates = re.findall(r'class="legend">\d+月\d+日<', html)
    assert len(dates) >= 6  # both charts have their dates (the test reads them)
