"""Who may see and do what, as a matrix of route × person. A person outside an item's scope
gets 403 or 404 and never sees its data; a signed-out visitor is sent to sign in."""

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem, Department, Speech

TITLE = "Compile the list of major blockchain projects for the year"  # Nanjing DRC, Wang Lei

ROUTES = {
    "overview": ("GET", "/"),
    "my": ("GET", "/my"),
    "detail": ("GET", "/items/{item}"),
    "report": ("POST", "/items/{item}/report"),
    "verify": ("POST", "/items/{item}/verify"),
    "return": ("POST", "/items/{item}/return"),
    "assign_form": ("GET", "/items/{item}/assign"),
    "assign": ("POST", "/items/{item}/assign"),
    "schedule_form": ("GET", "/items/{item}/schedule"),
    "schedule": ("POST", "/items/{item}/schedule"),
    "speech": ("GET", "/speeches/{speech}"),
    "reassign_form": ("GET", "/departments/{department}/reassign"),
    "speech_new": ("GET", "/speeches/new"),
    "speech_review": ("GET", "/speeches/{speech}/review"),
    "speech_assign": ("GET", "/speeches/{speech}/assign"),
    "admin_users": ("GET", "/admin/users"),
    "admin_policy": ("GET", "/admin/policy"),
    "admin_audit": ("GET", "/admin/audit"),
    "outbox": ("GET", "/admin/outbox"),
    "admin_places": ("GET", "/admin/places"),
    "notice_pdf": ("GET", "/items/{item}/notice.pdf"),
    "city_board": ("GET", "/boards/nanjing"),
    "directive_board": ("GET", "/boards/directives/{directive}"),
    "city_ranking": ("GET", "/boards/nanjing/ranking"),
    "bulletin_pdf": ("GET", "/boards/nanjing/bulletin.pdf"),
    "ledger_xlsx": ("GET", "/items.xlsx?city=nanjing"),
    "acknowledge": ("POST", "/items/{item}/acknowledge"),
    "part": ("POST", "/items/{item}/part"),
    "extension": ("POST", "/items/{item}/extension"),
    "open_late": ("POST", "/items/{item}/extension/open"),
    "supporters_form": ("GET", "/items/{item}/supporters"),
    "pass": ("POST", "/items/{item}/pass"),
    "cycle": ("POST", "/items/{item}/cycle"),
    "instruct": ("POST", "/items/{item}/instruct"),
}
ADMIN_ONLY = {"admin_users", "admin_policy", "admin_audit", "outbox", "admin_places"}
OWNERS_ONLY = {"acknowledge", "part", "extension", "instruct"}  # staff's, and a leader's 批示
EVERYTHING = set(ROUTES)
SIGNED_IN = {"overview", "my", "ledger_xlsx"}  # the ledger: of what each may see
ALLOWED = {
    # The lead: 签收 and 延期申请 are its to ask (the service then judges the item's state).
    "staff": SIGNED_IN | {"detail", "report", "speech", "acknowledge", "extension"},
    "other_staff": SIGNED_IN | {"speech"},  # same city: the speech, not the item
    "haining_staff": SIGNED_IN,
    "supervisor": EVERYTHING - ADMIN_ONLY - OWNERS_ONLY,
    # 市领导: sees the city, writes 批示, changes nothing else.
    "leader": SIGNED_IN
    | {
        "detail",
        "speech",
        "city_board",
        "directive_board",
        "city_ranking",
        "bulletin_pdf",
        "instruct",
    },
    # A supporting department elsewhere: not this item's.
    "supporter": SIGNED_IN | {"speech"},
    "other_supervisor": SIGNED_IN | {"speech_new"},  # their own city's speeches only
    "admin": EVERYTHING - OWNERS_ONLY,
}


def _targets():
    item = db.session.scalar(select(ActionItem).where(ActionItem.title == TITLE))
    speech = item.directive.speech
    department = db.session.scalar(select(Department).where(Department.id == item.department_id))
    assert isinstance(speech, Speech)
    return item, {
        "item": item.id,
        "speech": speech.id,
        "department": department.id,
        "directive": item.directive_id,
    }


def _data(route: str, item: ActionItem) -> dict:
    version = {"version": item.version}
    return {
        "report": {**version, "status": "in_progress", "progress": 65, "note": "Moving."},
        "verify": {**version, "note": "Checked."},
        "return": {**version, "reason": "Incomplete."},
        "assign": {
            **version,
            "department": item.department_id,
            "responsible": item.responsible_id,
        },
        "schedule": {**version, "title": item.title, "due_on": item.due_on.isoformat()},
        "acknowledge": version,
        "part": {**version, "part_progress": 50, "part_note": "Our part."},
        "extension": {**version, "new_due_on": "2099-01-01", "extension_reason": "Late data."},
        "open_late": version,
        "pass": {**version, "sub_unit": ""},
        "cycle": {**version, "reporting_cycle": "monthly"},
        "instruct": {"instruction": "抓紧。", "scope": "item"},
    }.get(route, {})


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_access_matrix(client, login_as, who, route):
    login_as(who)
    item, ids = _targets()
    method, path = ROUTES[route]
    response = client.open(path.format(**ids), method=method, data=_data(route, item))
    body = response.get_data().decode("utf-8", "replace")  # PDFs and workbooks are binary
    if route in ALLOWED[who]:
        assert response.status_code not in (403, 404), body[:300]
        assert "/login" not in response.headers.get("Location", "")
    else:
        assert response.status_code in (403, 404)
        assert TITLE not in body
        db.session.expire_all()
        assert db.session.get(ActionItem, ids["item"]).version == item.version  # unchanged


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_signed_out_visitors_are_sent_to_sign_in(client, seeded, route):
    _item, ids = _targets()
    method, path = ROUTES[route]
    response = client.open(path.format(**ids), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_staff_lists_show_only_what_they_may_see(client, login_as):
    login_as("other_staff")
    assert TITLE not in client.get("/my").get_data(as_text=True)
    assert TITLE not in client.get(f"/speeches/{_targets()[1]['speech']}").get_data(as_text=True)
    login_as("staff")
    assert TITLE in client.get(f"/speeches/{_targets()[1]['speech']}").get_data(as_text=True)
