"""The 台账 as Excel (/items.xlsx), read back with openpyxl: headers in the reader's
language, one row per item of the list's filter, dates as dates, the light as a fill, text
never a formula, totals per department, and many rows."""

import io
from collections import Counter
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import insert, select

from tests.conftest import TODAY
from tracker.extensions import db
from tracker.items.rules import traffic_light
from tracker.items.workbook import FILLS
from tracker.models import ActionItem, City, Department


def _book(client, query: str):
    response = client.get(f"/items.xlsx?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.data))


def test_the_ledger_in_chinese_is_the_list_with_dates_fills_and_totals(client, login_as):
    item = db.session.scalar(select(ActionItem).where(ActionItem.title.startswith("Fund basic")))
    item.title = '=HYPERLINK("http://evil.example","点我")'
    db.session.commit()
    login_as("other_supervisor")  # Shen Wei, in Chinese: Jiaxing and Haining
    book = _book(client, "city=jiaxing&sort=title")
    assert book.sheetnames == ["督办台账", "分部门汇总"]
    sheet = book["督办台账"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["编号", "标题", "任务来源（讲话原文）"] and "截止日期" in header
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:U{sheet.max_row}"
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    items = db.session.scalars(
        select(ActionItem).join(ActionItem.city).where(City.slug.in_(["jiaxing", "haining"]))
    ).all()
    assert set(rows) == {i.id for i in items} and len(rows) == 19
    column = {name: n for n, name in enumerate(header)}
    for listed in items:
        row = rows[listed.id]
        due = row[column["截止日期"]]
        assert due.is_date and due.value.date() == listed.due_on
        light = traffic_light(listed, TODAY, 7)
        fill = row[column["亮灯"]].fill.fgColor.rgb
        assert fill.endswith(FILLS[light.colour])
    evil = rows[item.id][column["标题"]]
    assert evil.data_type == "s" and evil.value.startswith("=HYPERLINK")  # text, not a formula
    assert rows[item.id][column["状态"]].value == "已办结"
    totals = {(r[0].value, r[1].value): r[2].value for r in book["分部门汇总"].iter_rows(min_row=2)}
    expected = Counter((i.city.name_zh, i.department.name_zh or i.department.name) for i in items)
    assert totals == dict(expected)  # a department name of two cities is two rows


def test_the_ledger_in_english_follows_the_list_filter_and_the_scope(client, login_as):
    login_as("supervisor")
    client.post("/locale/en")
    query = "status=in_progress&status=at_risk&sort=-due"
    book = _book(client, query)
    assert book.sheetnames == ["Ledger", "Totals by department"]
    sheet = book["Ledger"]
    assert [c.value for c in sheet[1]][:2] == ["No.", "Title"]
    listed = client.get(f"/items?{query}").get_data(as_text=True)
    ids = [r[0].value for r in sheet.iter_rows(min_row=2)]
    assert ids and all(f'href="/items/{i}"' in listed for i in ids)
    login_as("staff")
    mine = [r[0].value for r in _book(client, "").active.iter_rows(min_row=2)]
    staff_list = client.get("/items").get_data(as_text=True)
    assert mine and all(f'href="/items/{i}"' in staff_list for i in mine)


def test_a_thousand_rows(client, login_as):
    login_as("supervisor")
    nanjing = db.session.scalar(select(City).where(City.slug == "nanjing"))
    department = db.session.scalar(select(Department).where(Department.city_id == nanjing.id))
    template = db.session.scalar(select(ActionItem).where(ActionItem.city_id == nanjing.id))
    db.session.execute(
        insert(ActionItem),
        [
            {
                "title": f"批量事项 {n}",
                "directive_id": template.directive_id,
                "city_id": nanjing.id,
                "department_id": department.id,
                "due_on": date(2026, 3, 1) + timedelta(days=n % 90),
            }
            for n in range(1000)
        ],
    )
    db.session.commit()
    sheet = _book(client, "city=nanjing&q=批量事项").active
    assert sheet.max_row == 1001
    assert {r[1].value for r in sheet.iter_rows(min_row=2)} == {
        f"批量事项 {n}" for n in range(1000)
    }
