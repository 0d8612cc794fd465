"""The API calls of the 督办 cycle, as a city's OA system makes them: 签收, 延期申请 and its
decision, 批示; each call's success, and each refusal with its status (400 bad body, 403 a
role that may not, 404 out of scope, 409 stale or decided, 422 a rule)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import ACCOUNTS
from tracker.api.tokens import issue
from tracker.extensions import db
from tracker.models import ActionItem, ExtensionRequest, Instruction

NEW = "Map blockchain firms for the integrated-innovation directory"  # Wang Lei, not acknowledged
PILOT = "Propose a blockchain pilot zone to the provincial government"  # a pending extension
HAINING = "Bring blockchain into urban management in Haining"  # Jiaxing, passed down


@pytest.fixture
def call(client, seeded):
    """call(who, method, url, json) -> response, with a token of one of ACCOUNTS (or an
    email)."""
    from tracker.auth.services import find_user_by_email

    tokens = {}

    def make(who: str, url: str, body=None, method="POST"):
        if who not in tokens:
            _token, secret = issue(find_user_by_email(ACCOUNTS.get(who, who)), "test")
            db.session.commit()
            tokens[who] = {"Authorization": f"Bearer {secret}"}
        return client.open(f"/api/v1{url}", method=method, json=body, headers=tokens[who])

    return make


def _item(title: str) -> ActionItem:
    return db.session.scalar(select(ActionItem).where(ActionItem.title == title))


def test_the_lead_acknowledges_through_the_api(call):
    item = _item(NEW)
    version = item.version
    response = call("staff", f"/items/{item.id}/acknowledge", {"version": version})
    assert response.status_code == 200
    body = response.get_json()
    assert body["acknowledged_at"] and body["version"] == version + 1
    assert body["lead_department"]["name"] == "Development and Reform Commission"
    again = call("staff", f"/items/{item.id}/acknowledge", {"version": body["version"]})
    assert again.status_code == 422 and "already acknowledged" in again.get_json()["errors"]["item"]
    stale = call("staff", f"/items/{item.id}/acknowledge", {"version": version})
    assert stale.status_code == 409 and stale.get_json()["version"] == version + 1


def test_acknowledge_refusals(call):
    item = _item(NEW)
    body = {"version": item.version}
    assert call("supporter", f"/items/{item.id}/acknowledge", body).status_code == 422
    assert call("leader", f"/items/{item.id}/acknowledge", body).status_code == 422
    assert call("other_staff", f"/items/{item.id}/acknowledge", body).status_code == 404
    assert call("staff", f"/items/{item.id}/acknowledge", {}).status_code == 400
    assert call("staff", f"/items/{item.id}/acknowledge", {"version": "1"}).status_code == 400
    extra = call("staff", f"/items/{item.id}/acknowledge", {**body, "by": 1})
    assert extra.status_code == 400 and "unknown fields" in extra.get_json()["errors"]["body"]
    assert _item(NEW).acknowledged_at is None


def test_an_extension_is_asked_and_decided_through_the_api(call):
    item = _item(NEW)
    due = item.due_on
    later = (due + timedelta(days=20)).isoformat()
    asked = call(
        "staff",
        f"/items/{item.id}/extension-requests",
        {"version": item.version, "due_on": later, "reason": "Data from the districts come late."},
    )
    assert asked.status_code == 201
    request = asked.get_json()
    assert (request["state"], request["due_on"]) == ("pending", later) and request["id"]
    url = f"/extension-requests/{request['id']}/decision"
    assert call("staff", url, {"approve": True}).status_code == 403
    assert call("leader", url, {"approve": True}).status_code == 403
    assert call("other_supervisor", url, {"approve": True}).status_code == 404  # Jiaxing
    assert call("supervisor", url, {"approve": "yes"}).status_code == 400
    assert call("supervisor", url, {"approve": False}).status_code == 422  # a refusal needs a note
    decided = call("supervisor", url, {"approve": True, "note": "Agreed."})
    assert decided.status_code == 200
    assert decided.get_json()["state"] == "approved" and decided.get_json()["note"] == "Agreed."
    assert call("supervisor", url, {"approve": False, "note": "No"}).status_code == 409
    detail = call("staff", f"/items/{item.id}", method="GET").get_json()
    assert detail["due_on"] == later and detail["original_due_on"] == due.isoformat()
    assert [r["state"] for r in detail["extension_requests"]] == ["approved"]
    assert (
        call("supervisor", "/extension-requests/999999/decision", {"approve": True}).status_code
        == 404
    )


def test_extension_request_refusals(call):
    item = _item(NEW)
    url = f"/items/{item.id}/extension-requests"
    good = {"version": item.version, "due_on": "2099-01-01", "reason": "Because."}
    assert call("staff", url, {**good, "due_on": "2026-02-30"}).status_code == 400
    assert call("staff", url, {**good, "reason": 5}).status_code == 400
    assert call("staff", url, {**good, "reason": "a\x00b"}).status_code == 400
    earlier = call("staff", url, {**good, "due_on": item.due_on.isoformat()})
    assert earlier.status_code == 422 and "due_on" in earlier.get_json()["errors"]
    assert call("supervisor", url, good).status_code == 422  # only the lead asks
    assert call("supporter", url, good).status_code == 422
    assert call("staff", url, {**good, "version": item.version - 1}).status_code == 409
    pilot = _item(PILOT)  # one already pending
    pending = call(
        "staff", f"/items/{pilot.id}/extension-requests", {**good, "version": pilot.version}
    )
    assert pending.status_code == 422
    assert db.session.query(ExtensionRequest).filter_by(item_id=item.id).count() == 0


def test_a_leader_instructs_through_the_api(call):
    item = _item(NEW)
    made = call("leader", f"/items/{item.id}/instructions", {"text": "请尽快签收并启动。"})
    assert made.status_code == 201
    body = made.get_json()
    assert (body["on"], body["text"], body["author"]["email"]) == (
        "item",
        "请尽快签收并启动。",
        "han.bin@nanjing.example.com",
    )
    detail = call("staff", f"/items/{item.id}", method="GET").get_json()
    assert [i["text"] for i in detail["instructions"]] == ["请尽快签收并启动。"]
    for who in ("staff", "supervisor", "admin"):
        assert call(who, f"/items/{item.id}/instructions", {"text": "x"}).status_code == 403
    assert call("leader", f"/items/{item.id}/instructions", {"text": " "}).status_code == 422
    assert call("leader", f"/items/{item.id}/instructions", {}).status_code == 400
    jiaxing = _item(HAINING)
    assert call("leader", f"/items/{jiaxing.id}/instructions", {"text": "x"}).status_code == 404
    assert db.session.query(Instruction).filter_by(item_id=item.id).count() == 1


def test_the_item_detail_carries_the_cycle(call):
    parent = _item(HAINING)
    body = call("other_supervisor", f"/items/{parent.id}", method="GET").get_json()
    assert body["passed_to"] == "haining" and len(body["children"]) == 2
    assert body["parent_id"] is None and body["reporting_cycle"] is None
    assert body["assigned_at"] and body["acknowledged_at"]
    child = body["children"][0]
    detail = call("other_supervisor", f"/items/{child['id']}", method="GET").get_json()
    assert detail["parent_id"] == parent.id and detail["lead_department"]["name_zh"].startswith(
        "海宁市"
    )
    fund = db.session.scalar(
        select(ActionItem).where(ActionItem.title.startswith("Draft the rules"))
    )
    body = call("supervisor", f"/items/{fund.id}", method="GET").get_json()
    assert {d["name"] for d in body["supporting_departments"]} == {
        "Finance Bureau",
        "Big Data Administration",
    }
    assert [i["on"] for i in body["instructions"]] == ["item"]
    assert date.fromisoformat(body["due_on"])


def test_dates_beyond_the_forms_range_are_refused(call):
    item = _item(NEW)
    url = f"/items/{item.id}/extension-requests"
    for day in ("9999-12-31", "0001-01-01", "2200-01-01"):
        body = {"version": item.version, "due_on": day, "reason": "Forever."}
        response = call("staff", url, body)
        assert (
            response.status_code == 400 and "1900-01-01" in response.get_json()["errors"]["due_on"]
        )


def test_a_leader_changes_nothing_through_the_api(call):
    item = _item(NEW)
    body = {"version": item.version, "status": "in_progress", "progress": 10}
    assert call("leader", f"/items/{item.id}/updates", body).status_code == 403


def test_an_extension_moves_a_due_date_by_a_year_at_most(call):
    item = _item(NEW)
    url = f"/items/{item.id}/extension-requests"
    far = (item.due_on + timedelta(days=367)).isoformat()
    response = call("staff", url, {"version": item.version, "due_on": far, "reason": "Long."})
    assert response.status_code == 422 and "a year" in response.get_json()["errors"]["due_on"]
