"""Admin pages and `tracker users`: only admins, clear refusals, every change audited, and
deactivation ending sessions at once."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import ACCOUNTS, DEMO_PASSWORD
from tracker.extensions import db
from tracker.models import AuditEvent, City, Department, PasswordReset, Role, Setting, User, utcnow
from tracker.reminders.policy import current_policy

PAGES = ["/admin/users", "/admin/places", "/admin/policy", "/admin/audit", "/admin/users/1"]


@pytest.mark.parametrize("who", ["staff", "supervisor", "other_supervisor"])
@pytest.mark.parametrize("page", PAGES)
def test_admin_pages_are_for_admins_only(client, login_as, who, page):
    login_as(who)
    assert client.get(page).status_code == 403
    assert client.post(page, data={}).status_code in (403, 405)  # the audit log is read-only


def _nanjing(slug: str) -> Department:
    return db.session.scalar(
        select(Department).where(Department.slug == slug, Department.city.has(slug="nanjing"))
    )


def test_creating_a_user_refuses_a_taken_email_and_a_foreign_department(
    client, login_as, smtp_sink
):
    login_as("admin")
    jiaxing_dept = db.session.scalar(select(Department).where(Department.city.has(slug="jiaxing")))
    nanjing = db.session.scalar(select(City).where(City.slug == "nanjing"))
    data = {
        "email": ACCOUNTS["staff"],
        "name": "Copy",
        "role": "staff",
        "city": nanjing.id,
        "department": jiaxing_dept.id,
        "locale": "en",
    }
    response = client.post("/admin/users", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already has an account" in html and "is not a department of Nanjing" in html
    assert 'value="Copy"' in html  # what was typed stays
    data |= {"email": "new.person@nanjing.example.com", "department": _nanjing("drc").id}
    assert client.post("/admin/users", data=data).status_code == 302
    person = db.session.scalar(select(User).where(User.email == "new.person@nanjing.example.com"))
    assert person.password_hash is None and person.department.slug == "drc"
    (mail,) = smtp_sink.messages
    assert mail["Subject"] == "Choose your Policy Tracker password"
    assert mail["Date"] and mail["From"].addresses[0].display_name == "Policy Tracker"
    html = mail.get_body(("html",)).get_content()
    assert '<a href="http' in html and "/login</a>" in html  # the sign-in page, as a link
    text = mail.get_body(("plain",)).get_content()
    assert "An administrator has made you a Policy Tracker account" in text
    assert "asked to reset" not in text and "for 72 hours" in text
    (reset,) = db.session.scalars(select(PasswordReset).where(PasswordReset.user == person))
    assert timedelta(hours=71) < reset.expires_at - utcnow() <= timedelta(hours=72)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "admin.user_created")
        )
        == 1
    )


def test_a_department_given_to_a_supervisor_is_refused_not_dropped(client, login_as):
    login_as("admin")
    nanjing = db.session.scalar(select(City).where(City.slug == "nanjing"))
    data = {
        "email": "chief@nanjing.example.com",
        "name": "Chief",
        "role": "supervisor",
        "city": nanjing.id,
        "department": _nanjing("drc").id,
        "locale": "zh_Hans",
    }
    refused = client.post("/admin/users", data=data)
    assert refused.status_code == 400
    assert "Only staff belong to a department: leave it empty for the role “Supervisor”." in (
        refused.get_data(as_text=True)
    )
    assert db.session.scalar(select(User).where(User.email == data["email"])) is None
    assert client.post("/admin/users", data=data | {"department": ""}).status_code == 302
    chief = db.session.scalar(select(User).where(User.email == data["email"]))
    assert (chief.role, chief.department) == (Role.SUPERVISOR, None)
    # A staff member made a leader keeps nothing of the department only when told so.
    staff = db.session.scalar(select(User).where(User.email == ACCOUNTS["staff"]))
    edit = {
        "email": staff.email,
        "name": staff.name,
        "role": "leader",
        "city": staff.city_id,
        "department": staff.department_id,
        "locale": staff.locale,
    }
    refused = client.post(f"/admin/users/{staff.id}", data=edit)
    assert (
        refused.status_code == 400
        and "leave it empty for the role “Leader”" in refused.get_data(True)
    )
    db.session.refresh(staff)
    assert staff.role == Role.STAFF and staff.department is not None


def _user_form(person: User, **change) -> dict:
    return {
        "email": person.email,
        "name": person.name,
        "role": str(person.role),
        "city": person.city_id or "",
        "department": person.department_id or "",
        "locale": person.locale or "en",
        **change,
    }


def test_a_person_leaves_a_department_only_once_their_open_items_have_a_new_owner(client, login_as):
    login_as("admin")
    wang = db.session.scalar(select(User).where(User.email == ACCOUNTS["staff"]))
    from tracker.admin.services import create_user

    drc, stb = wang.department, _nanjing("stb")
    same = client.post(f"/admin/users/{wang.id}", data=_user_form(wang, locale="zh_Hans"))
    assert same.status_code == 302  # staying in the department: nothing to hand over
    li = create_user(
        None, email="li.na@x.cn", name="Li Na", role="staff", city=wang.city, department=drc
    )
    db.session.commit()
    for change in ({"department": stb.id}, {"role": "supervisor", "department": ""}):
        refused = client.post(f"/admin/users/{wang.id}", data=_user_form(wang, **change))
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400
        assert "Wang Lei is responsible for" in html and "open items of Development and" in html
        assert f'<a href="/departments/{drc.id}/reassign?old={wang.id}">' in html
    db.session.expire_all()
    assert (wang.department, wang.role) == (drc, Role.STAFF)
    to_himself = client.post(
        f"/departments/{drc.id}/reassign", data={"old": wang.id, "new": wang.id}
    )
    assert to_himself.status_code == 400 and "Choose someone else" in to_himself.get_data(True)
    moved = client.post(f"/departments/{drc.id}/reassign", data={"old": wang.id, "new": li.id})
    assert moved.status_code == 302, re.findall(r"errors[^<]*<[^<]*<", moved.get_data(True))
    saved = client.post(f"/admin/users/{wang.id}", data=_user_form(wang, department=stb.id))
    assert saved.status_code == 302
    db.session.expire_all()
    assert wang.department == stb


def test_an_administrator_has_no_city_and_an_unknown_id_is_an_error(client, login_as):
    login_as("admin")
    nanjing = db.session.scalar(select(City).where(City.slug == "nanjing"))
    data = {"email": "root2@example.com", "name": "Root", "role": "admin", "locale": "zh_Hans"}
    for change, message in (
        ({"city": nanjing.id}, "Administrators see every city: leave the city empty."),
        ({"role": "staff", "city": 999999, "department": 1}, "“999999” is not one of the choices."),
        ({"role": "supervisor", "city": nanjing.id, "department": 999999}, "“999999” is not"),
        ({"city": "abc"}, "“abc” is not one of the choices."),
    ):
        refused = client.post("/admin/users", data={**data, **change})
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400 and message in html, change
        assert "could not coerce" not in html
    assert db.session.scalar(select(User).where(User.email == data["email"])) is None
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "<td>Administrator</td>" in listing and "<td>Admin</td>" not in listing


def test_deactivating_a_user_ends_their_sessions(client, login_as, app):
    staff_client = app.test_client()
    staff_client.post("/login", data={"email": ACCOUNTS["staff"], "password": DEMO_PASSWORD})
    assert staff_client.get("/my").status_code == 200
    login_as("admin")
    staff = db.session.scalar(select(User).where(User.email == ACCOUNTS["staff"]))
    assert client.post(f"/admin/users/{staff.id}", data={"action": "deactivate"}).status_code == 302
    assert staff_client.get("/my").status_code == 302
    admin = db.session.scalar(select(User).where(User.email == ACCOUNTS["admin"]))
    client.post(f"/admin/users/{admin.id}", data={"action": "deactivate"})
    assert db.session.get(User, admin.id).is_active  # not oneself


def test_cities_and_departments(client, login_as):
    login_as("admin")
    jiaxing = db.session.scalar(select(City).where(City.slug == "jiaxing"))
    ok = client.post(
        "/admin/places",
        data={
            "what": "city",
            "city-slug": "tongxiang",
            "city-name": "Tongxiang",
            "city-name_zh": "桐乡市",
            "city-parent": jiaxing.id,
        },
    )
    assert ok.status_code == 302
    tongxiang = db.session.scalar(select(City).where(City.slug == "tongxiang"))
    assert tongxiang.parent == jiaxing and tongxiang.name_zh == "桐乡市"
    bad = client.post(
        "/admin/places",
        data={
            "what": "city",
            "city-slug": "Bad Slug!",
            "city-name": "X",
            "city-parent": tongxiang.id,
        },
    )
    html = bad.get_data(as_text=True)
    assert (
        bad.status_code == 400 and "lower-case letters" in html and "sub-units of its own" in html
    )
    dup = client.post(
        "/admin/places",
        data={
            "what": "department",
            "department-city": jiaxing.id,
            "department-slug": "drc",
            "department-name": "Again",
        },
    )
    assert dup.status_code == 400 and "has this department already" in dup.get_data(as_text=True)


def test_reminder_policy_is_validated_saved_and_used(client, login_as, app):
    login_as("admin")
    data = {
        "before_days": "5, 1",
        "overdue_every": 3,
        "escalate_after": 2,
        "escalate_every": 4,
        "stale_after": 10,
        "stale_every": 5,
        "send_hour": 8,
        "digest_weekday": 4,
    }
    bad = client.post("/admin/policy", data={**data, "before_days": "soon", "send_hour": 25})
    assert bad.status_code == 400
    assert "from 1 to 60" in bad.get_data(as_text=True)
    assert db.session.get(Setting, "reminder_policy") is None
    assert client.post("/admin/policy", data=data).status_code == 302
    policy = current_policy()
    assert policy.before_days == (5, 1) and policy.send_hour == 8 and policy.digest_weekday == 4


def test_audit_log_filters(client, login_as):
    login_as("admin")
    everything = client.get("/admin/audit").get_data(as_text=True)
    assert "events" in everything
    logins = client.get("/admin/audit?action=auth.login&actor=admin@example.com").get_data(True)
    rows = logins.split("<tbody>")[1]
    assert "admin@example.com" in rows and "Created from the seed plan" not in rows
    # The actions and record types are chosen by name; an old code is an error, not "none".
    assert '<option selected value="auth.login">Sign-in session · Signed in<' in logins
    seeded = client.get("/admin/audit?target=action_items").get_data(True).split("<tbody>")[1]
    assert "Created from the seed plan" in seeded
    unknown = client.get("/admin/audit?action=auth.&target=user").get_data(True)
    assert "“auth.” is not one of the choices." in unknown
    assert "“user” is not one of the choices." in unknown
    reversed_dates = client.get("/admin/audit?since=2026-12-31&until=2026-01-01").get_data(True)
    assert "This date comes before the first one." in reversed_dates
    bad = client.get("/admin/audit?since=yesterday")
    assert bad.status_code == 200 and "Not a valid date value." in bad.get_data(as_text=True)


def test_users_cli(runner, seeded):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "boss@city.gov.cn",
            "--name",
            "Boss",
            "--role",
            "admin",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    leader = runner.invoke(
        args=["users", "create", "mayor@city.gov.cn", "--name", "Mayor", "--role", "leader"]
        + ["--city", "nanjing", "--locale", "zh_Hans", "--password", "a long enough password"]
    )
    assert leader.exit_code == 0, leader.output
    with runner.app.app_context():
        mayor = db.session.scalar(select(User).where(User.email == "mayor@city.gov.cn"))
        assert (mayor.role, mayor.city.slug, mayor.department) == (Role.LEADER, "nanjing", None)
    for args, message in (  # the reason in words, never a Python None or a field's key
        (["--role", "admin", "--department", "drc"], "Several cities have a department “drc”"),
        (["--role", "admin", "--department", "miit"], "Only staff belong to a department"),
        (["--role", "admin", "--city", "nanjing"], "Administrators see every city"),
    ):
        refused = runner.invoke(
            args=["users", "create", "a2@city.gov.cn", "--name", "A", *args]
            + ["--password", "a long enough password"]
        )
        assert refused.exit_code == 1 and message in refused.output, refused.output
        assert "None" not in refused.output and "Error: department:" not in refused.output
    listed = runner.invoke(args=["users", "list"]).output
    assert "Administrator" in listed and "Leader" in listed and "every city" in listed
    cityless = runner.invoke(
        args=["users", "create", "m2@city.gov.cn", "--name", "M", "--role", "leader"]
        + ["--password", "a long enough password"]
    )
    assert cityless.exit_code == 1 and "belong to a city" in cityless.output
    refused = runner.invoke(
        args=[
            "users",
            "create",
            "x@city.gov.cn",
            "--name",
            "X",
            "--role",
            "staff",
            "--city",
            "nanjing",
            "--password",
            "password1234",
        ]
    )
    assert refused.exit_code == 1 and "most common" in refused.output
    refused = runner.invoke(
        args=[
            "users",
            "create",
            ACCOUNTS["staff"],
            "--name",
            "X",
            "--role",
            "admin",
            "--password",
            "another long password",
        ]
    )
    assert refused.exit_code == 1 and "already has an account" in refused.output
    done = runner.invoke(args=["users", "deactivate", ACCOUNTS["staff"]])
    assert done.exit_code == 0 and "every session of theirs has ended" in done.output
    listing = runner.invoke(args=["users", "list"]).output
    assert "boss@city.gov.cn" in listing and "(deactivated)" in listing


def test_the_audit_log_reads_as_words_in_either_language(client, login_as):
    """Details name the fields, people, departments and codes in the reader's language:
    no JSON, no ids, no English on the Chinese page."""
    from dataclasses import asdict

    from tracker.admin import services
    from tracker.items import services as items
    from tracker.models import ActionItem

    admin = login_as("admin")
    wang, sun = (
        db.session.scalar(select(User).where(User.email == ACCOUNTS[who]))
        for who in ("staff", "other_staff")
    )
    item = next(
        i
        for i in db.session.scalars(select(ActionItem).where(ActionItem.responsible_id == wang.id))
        if not i.supporters and i.status.value not in ("done", "cancelled")
    )
    items.assign(item, admin, _nanjing("stb"), sun, [], item.version)
    policy = {**asdict(current_policy()), "escalate_after": 5}
    policy["before_days"] = list(policy["before_days"])
    services.save_policy(admin, policy)
    db.session.commit()

    client.post("/locale/zh_Hans", data={"next": "/my"})
    assigned = client.get("/admin/audit?action=item.assigned").get_data(as_text=True)
    assert "部门：发展和改革委员会 → 科学技术局" in assigned
    assert "责任人：Wang Lei → Sun Min" in assigned
    saved = client.get("/admin/audit?action=admin.policy_saved").get_data(as_text=True)
    assert "：5<" in saved and "按工作日" in saved.split("<tbody>")[1]
    for page in (assigned, saved):
        cells = page.split("<tbody>")[1]
        assert "{" not in cells and "escalate_after" not in cells and "department" not in cells

    client.post("/locale/en", data={"next": "/my"})
    assigned = client.get("/admin/audit?action=item.assigned").get_data(as_text=True)
    assert (
        "Department: Development and Reform Commission → Science and Technology Bureau" in assigned
    )
    saved = client.get("/admin/audit?action=admin.policy_saved").get_data(as_text=True)
    assert "Escalate to supervisors when overdue by more than N days: 5" in saved


def test_every_recorded_detail_has_a_label(app):
    """Each keyword that a service gives audit.record, and each policy field an admin saves,
    is named in words on the audit log (a new one without a label would show as a code)."""
    import ast
    from dataclasses import asdict
    from pathlib import Path

    from tracker.admin.services import save_policy
    from tracker.audit_details import key_label

    policy = asdict(current_policy())
    keys = set(save_policy(None, {**policy, "before_days": list(policy["before_days"])}))
    for path in Path("tracker").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "record":
                keys |= {k.arg for k in node.keywords if k.arg}
    keys -= {"actor", "source", "target_type", "before", "after"}  # not details, or a change
    assert len(keys) > 40
    with app.test_request_context():
        assert [key for key in sorted(keys) if key_label(key) == key] == []


def test_the_audit_log_reads_details_of_any_shape(client, login_as):
    """Details recorded in another shape (an older version, a hand-made event) still show,
    as well as they can: never a 500."""
    from tracker import audit

    login_as("admin")
    odd = [
        {"responsible": {"id": 3}, "department": [1, [2, {"x": 1}]], "city": None},
        {"before": {"co_owners": [1, "x", None]}, "after": {"co_owners": {"a": 1}}},
        {"before": [[1], [2, 3, 4], "x"], "after": None},
        {"items": list(range(30)), "level": 9, "on": "not a date", "due_on": ["x", None]},
    ]
    for details in odd:
        audit.record("item.supporters_set", target_type="action_items", **details)
    db.session.commit()
    page = client.get("/admin/audit?action=item.supporters_set")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "#0, #1" in html and "20 more" in html and "not a date" in html


def test_a_supporting_part_is_handed_over_with_the_person(client, login_as):
    """Xu Ting runs the MIIT's supporting part (协办) of an open DRC item: she leaves the MIIT
    only once the part has a new owner, which the reassign page (opened from the refusal,
    with her chosen) gives it, under a new version of the item."""
    from tracker.admin.services import create_user
    from tracker.models import ItemSupporter

    login_as("admin")
    xu = db.session.scalar(select(User).where(User.email == ACCOUNTS["supporter"]))
    miit = xu.department
    part = db.session.scalar(select(ItemSupporter).where(ItemSupporter.responsible_id == xu.id))
    item, version = part.item, part.item.version
    refused = client.post(
        f"/admin/users/{xu.id}", data=_user_form(xu, department=_nanjing("stb").id)
    )
    assert refused.status_code == 400 and "Xu Ting is responsible for" in refused.get_data(True)
    link = f"/departments/{miit.id}/reassign?old={xu.id}"
    assert link.replace("&", "&amp;") in refused.get_data(True) or link in refused.get_data(True)
    page = client.get(link).get_data(as_text=True)
    assert f'<option selected value="{xu.id}">' in page
    assert "Nobody else works in this department" in page  # she is the MIIT's only one
    mo = create_user(
        None, email="mo.li@x.cn", name="Mo Li", role="staff", city=xu.city, department=miit
    )
    db.session.commit()
    moved = client.post(f"/departments/{miit.id}/reassign", data={"old": xu.id, "new": mo.id})
    assert moved.status_code == 302
    db.session.expire_all()
    part = db.session.get(ItemSupporter, part.id)
    assert part.responsible_id == mo.id and db.session.get(type(item), item.id).version > version
    saved = client.post(f"/admin/users/{xu.id}", data=_user_form(xu, department=_nanjing("stb").id))
    assert saved.status_code == 302
