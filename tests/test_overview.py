"""The start page: a true summary of the data, in a fixed number of SQL statements."""

import re
from collections import Counter

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem, City, Role, Status, User
from tracker.passwords import hash_password


def _cells(html: str) -> dict[tuple[str, str], int]:
    pattern = r'data-city="([\w-]+)" data-status="(\w+)">(\d+)<'
    return {(city, status): int(n) for city, status, n in re.findall(pattern, html)}


def test_signed_out_visitors_are_sent_to_sign_in(client):
    page = client.get("/")
    assert page.status_code == 302
    assert page.headers["Location"] == "/login?next=%2F"


def test_an_empty_tracker_says_how_to_load_the_demo(client):
    db.session.add(
        User(
            email="root@example.com",
            name="Root",
            role=Role.ADMIN,
            password_hash=hash_password("a" * 12),
        )
    )
    db.session.commit()
    client.post("/login", data={"email": "root@example.com", "password": "a" * 12})
    assert "tracker seed" in client.get("/").get_data(as_text=True)


def test_counts_match_the_seeded_data(client, login_as):
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert "3 cities, 2 speeches, 44 directives, 38 action items." in html
    expected = Counter()
    for item in db.session.scalars(select(ActionItem)):
        expected[(item.city.slug, str(item.status))] += 1
        expected[("all", str(item.status))] += 1
    cells = _cells(html)
    assert len(cells) == 4 * len(Status)  # three cities and the total
    assert {key: n for key, n in cells.items() if n} == dict(expected)
    assert "(under Jiaxing)" in html


def test_a_supervisor_sees_only_their_city(client, login_as):
    login_as("supervisor")
    html = client.get("/").get_data(as_text=True)
    assert "1 cities, 1 speeches, 22 directives, 19 action items." in html
    assert "Jiaxing" not in html


def test_page_statement_count_does_not_grow_with_the_data(
    client, login_as, count_queries, make_item
):
    login_as("admin")
    with count_queries() as small:
        assert client.get("/").status_code == 200
    city = db.session.scalar(select(City).where(City.slug == "nanjing"))
    for _ in range(40):
        make_item(city=city)
    db.session.commit()
    with count_queries() as large:
        html = client.get("/").get_data(as_text=True)
    assert "42 speeches" in html
    assert len(large) == len(small)


def test_unknown_pages_get_a_plain_404(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Not found" in page.get_data(as_text=True)
