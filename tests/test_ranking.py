"""考核: departments ranked per month, checked against a count written here from the rows."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.conftest import ACCOUNTS, TODAY
from tracker.api.tokens import issue
from tracker.auth.services import find_user_by_email
from tracker.extensions import db
from tracker.models import ActionItem, City, Department, Role, Status, StatusUpdate, User

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _state_at(item, updates, end_day):
    """(status, done day) of an item at the end of `end_day`, walking its history."""
    status = item.status
    earlier = [u for u in updates if u.created_at.astimezone(SHANGHAI).date() <= end_day]
    later = [u for u in updates if u.created_at.astimezone(SHANGHAI).date() > end_day]
    if earlier:
        status = earlier[-1].to_status
    elif later:
        status = later[0].from_status or Status.NOT_STARTED
    done = None
    for u in earlier:
        if u.to_status in (Status.AWAITING_VERIFICATION, Status.DONE):
            if done is None:
                done = u.created_at.astimezone(SHANGHAI).date()
        else:
            done = None
    finished = status in (Status.AWAITING_VERIFICATION, Status.DONE)
    return status, (done if finished else None)


def _expected(city_slugs, first, last, weights=(60, 40, 1)):
    """Each department's figures for the month, counted item by item from the history."""
    cities = db.session.scalars(select(City).where(City.slug.in_(city_slugs))).all()
    departments = db.session.scalars(
        select(Department).where(Department.city_id.in_([c.id for c in cities]))
    ).all()
    result = {}
    for department in departments:
        items, due, on_time, late_days, reported = 0, 0, 0, 0, 0
        for item in db.session.scalars(
            select(ActionItem).where(ActionItem.department_id == department.id)
        ):
            if item.created_at.astimezone(SHANGHAI).date() > last:
                continue
            updates = db.session.scalars(
                select(StatusUpdate)
                .where(StatusUpdate.item_id == item.id)
                .order_by(StatusUpdate.created_at, StatusUpdate.id)
            ).all()
            status, done_on = _state_at(item, updates, last)
            if status == Status.CANCELLED:
                continue
            if done_on and done_on < first:
                continue
            items += 1
            reported += any(
                first <= u.created_at.astimezone(SHANGHAI).date() <= last
                and u.author is not None
                and u.author.role == Role.STAFF
                for u in updates
            )
            if item.due_on is None:
                continue
            if first <= item.due_on <= last:
                due += 1
                on_time += bool(done_on and done_on <= item.due_on)
            day = first
            while day <= last:  # each day of the month: past due and not yet done?
                if day > item.due_on and (done_on is None or day < done_on):
                    late_days += 1
                day += timedelta(days=1)
        if items:
            score = round(
                (on_time / due if due else 1) * weights[0]
                + reported / items * weights[1]
                - late_days / items * weights[2],
                1,
            )
            result[department.id] = (score, items, due, on_time, reported, late_days)
    return result


def _page_rows(html: str) -> dict:
    rows = {}
    for department, cells in re.findall(r'<tr data-department="(\d+)">(.*?)</tr>', html, re.S):
        values = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        rows[int(department)] = [re.sub(r"<[^>]+>", "", v).strip() for v in values]
    return rows


def test_the_ranking_page_agrees_with_a_count_from_the_rows(client, login_as):
    login_as("supervisor")
    client.post("/locale/zh_Hans")
    first, last = TODAY.replace(day=1), TODAY
    html = client.get("/boards/nanjing/ranking").get_data(as_text=True)
    assert "2026年3月部门考核排名" in html and "得分 = 按期办结率 × 60" in html
    expected = _expected(["nanjing"], first, last)
    rows = _page_rows(html)
    assert set(rows) == set(expected) and len(rows) >= 3
    for department, (score, items, due, on_time, reported, late_days) in expected.items():
        rank, _name, _change, shown, on_time_cell, reports_cell, late_cell = rows[department]
        assert float(shown) == score
        assert on_time_cell == f"{on_time}/{due}" and reports_cell == f"{reported}/{items}"
        assert int(late_cell) == late_days
        better = sum(1 for other in expected.values() if other[0] > score)
        assert int(rank) == better + 1  # equal scores share a rank
    # The month before, and its figures; the change of each rank says the same.
    previous = _page_rows(
        client.get("/boards/nanjing/ranking?period=2026-02").get_data(as_text=True)
    )
    feb = _expected(["nanjing"], TODAY.replace(month=2, day=1), TODAY.replace(day=1) - timedelta(1))
    assert {d: float(r[3]) for d, r in previous.items()} == {d: v[0] for d, v in feb.items()}
    for department, row in rows.items():
        if department in previous:
            moved = int(previous[department][0]) - int(row[0])
            word = "持平" if moved == 0 else (f"上升{moved}位" if moved > 0 else f"下降{-moved}位")
            assert row[2] == word


def test_the_weights_come_from_the_policy_and_the_api_gives_the_parts(client, login_as, app):
    login_as("admin")
    policy = {
        "before_days": "7, 3, 1", "overdue_every": 2, "escalate_after": 3,
        "escalate_every": 3, "stale_after": 14, "stale_every": 7, "send_hour": 9,
        "digest_weekday": 0, "rank_on_time": 50, "rank_reports": 50, "rank_overdue_day": 2,
    }  # fmt: skip
    assert client.post("/admin/policy", data=policy).status_code == 302
    assert client.post("/admin/policy", data={**policy, "rank_overdue_day": 99}).status_code == 400
    _token, secret = issue(find_user_by_email(ACCOUNTS["other_supervisor"]), "test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    api = app.test_client()
    answer = api.get("/api/v1/boards/jiaxing/ranking?period=2026-03", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["weights"] == {"on_time": 50, "reports": 50, "overdue_item_day": 2}
    expected = _expected(["jiaxing", "haining"], TODAY.replace(day=1), TODAY, (50, 50, 2))
    got = {d["department"]: d for d in body["departments"]}
    assert set(got) == set(expected)
    for department, (score, items, due, on_time, reported, late_days) in expected.items():
        d = got[department]
        assert (d["score"], d["items"], d["due"], d["on_time"], d["reported"]) == (
            score,
            items,
            due,
            on_time,
            reported,
        )
        assert d["overdue_item_days"] == late_days
    assert [d["rank"] for d in body["departments"]] == sorted(
        d["rank"] for d in body["departments"]
    )
    for bad in ("2026-13", "2027-01", "March", "2026-3"):
        assert (
            api.get(f"/api/v1/boards/jiaxing/ranking?period={bad}", headers=headers).status_code
            == 400
        )
    assert api.get("/api/v1/boards/nanjing/ranking", headers=headers).status_code == 404
    _t, staff = issue(find_user_by_email(ACCOUNTS["staff"]), "test")
    db.session.commit()
    staff_headers = {"Authorization": f"Bearer {staff}"}
    assert api.get("/api/v1/boards/nanjing/ranking", headers=staff_headers).status_code == 403


@pytest.mark.parametrize("who", ["staff", "other_supervisor"])
def test_the_ranking_page_is_for_the_city_s_supervisors(client, login_as, who):
    login_as(who)
    assert client.get("/boards/nanjing/ranking").status_code in (403, 404)


def test_a_bad_month_is_a_400_with_a_message(client, login_as):
    login_as("supervisor")
    for bad in ("2026-13", "9999-01", "x", "2026-00", "0001-01"):
        response = client.get(f"/boards/nanjing/ranking?period={bad}")
        assert response.status_code == 400 and "YYYY-MM" in response.get_data(as_text=True)


def test_a_month_that_is_over_keeps_its_figures(client, login_as, app):
    """February's ranking stays what it was when items are cancelled, returned or reported
    in March; a supervisor's return is not the department's report."""
    from tracker.items import services

    login_as("supervisor")
    before = client.get("/boards/nanjing/ranking?period=2026-02").get_data(as_text=True)
    assert len(_page_rows(before)) >= 3
    supervisor = db.session.scalar(select(User).where(User.email == ACCOUNTS["supervisor"]))
    for item in db.session.scalars(
        select(ActionItem).join(ActionItem.city).where(City.slug == "nanjing")
    ).all():
        if item.status in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.AT_RISK):
            cancel = services.Report(Status.CANCELLED, item.progress, "Moved to next year's plan.")
            services.report_status(item, supervisor, cancel, item.version, TODAY)
        elif item.status == Status.AWAITING_VERIFICATION:
            services.send_back(item, supervisor, "Attach the minutes.", item.version, TODAY)
    db.session.commit()
    after = client.get("/boards/nanjing/ranking?period=2026-02").get_data(as_text=True)
    assert _page_rows(after) == _page_rows(before)
    march = _page_rows(client.get("/boards/nanjing/ranking").get_data(as_text=True))
    expected = _expected(["nanjing"], TODAY.replace(day=1), TODAY)
    assert {d: float(r[3]) for d, r in march.items()} == {d: v[0] for d, v in expected.items()}
