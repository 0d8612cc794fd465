"""Reporting on items through the forms: history and audit in one transaction, bad input
re-rendered with what was typed, transitions enforced, conflicts caught, uploads checked."""

import io
from datetime import timedelta

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, AuditEvent, Milestone, Status, StatusUpdate, User

OVERDUE = "Compile the list of major blockchain projects for the year"  # Wang Lei, at risk
MILESTONED = "Set up new blockchain research and development institutions"  # Sun Min
AWAITING = "Launch key blockchain technology research projects"  # Sun Min, submitted


def _item(title: str) -> ActionItem:
    return db.session.scalar(select(ActionItem).where(ActionItem.title == title))


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _report(client, item, **fields):
    data = {"version": item.version, "status": "in_progress", "progress": 70, **fields}
    return client.post(f"/items/{item.id}/report", data=data, content_type="multipart/form-data")


def test_a_report_appends_history_and_audit_with_the_change(client, login_as):
    user = login_as("staff")
    item = _item(OVERDUE)
    version, updates = item.version, len(item.updates)
    response = _report(client, item, note="Two more districts submitted.")
    assert response.status_code == 302
    item = _item(OVERDUE)
    assert (item.status, item.progress, item.version) == (Status.IN_PROGRESS, 70, version + 1)
    last = item.updates[-1]
    assert len(item.updates) == updates + 1
    assert (last.from_status, last.to_status, last.from_progress, last.to_progress) == (
        Status.AT_RISK,
        Status.IN_PROGRESS,
        60,
        70,
    )
    assert last.author == user and last.note == "Two more districts submitted."
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.target_id, event.details["version"]) == (
        "item.reported",
        item.id,
        version + 1,
    )
    assert "Report saved." in client.get(f"/items/{item.id}").get_data(as_text=True)


def test_bad_values_are_shown_with_what_was_typed_and_nothing_is_saved(client, login_as):
    login_as("staff")
    item = _item(OVERDUE)
    before = _count(StatusUpdate)
    response = _report(client, item, progress=150, note="My careful note")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give a number from 0 to 100." in html
    assert "My careful note" in html and 'value="150"' in html
    assert _count(StatusUpdate) == before
    response = _report(client, item, progress="lots")
    assert response.status_code == 400


def test_staff_cannot_close_an_item(client, login_as):
    login_as("staff")
    item = _item(OVERDUE)
    response = _report(client, item, status="done", progress=100, note="Finished!")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _item(OVERDUE).status == Status.AT_RISK


def test_submitting_for_verification_needs_full_progress_and_a_note_or_evidence(client, login_as):
    login_as("staff")
    item = _item(OVERDUE)
    response = _report(client, item, status="awaiting_verification", progress=90)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Set progress to 100% to submit the item as finished." in html
    assert "Add a note or evidence to close or submit the item." in html
    response = _report(
        client,
        item,
        status="awaiting_verification",
        progress=100,
        evidence_url="https://fgw.nanjing.gov.cn/list.pdf",
    )
    assert response.status_code == 302
    item = _item(OVERDUE)
    assert item.status == Status.AWAITING_VERIFICATION and item.completed_on is not None


def test_a_supervisor_verifies_and_closes(client, login_as):
    supervisor = login_as("supervisor")
    item = _item(AWAITING)
    response = client.post(f"/items/{item.id}/verify", data={"version": item.version})
    assert response.status_code == 302
    item = _item(AWAITING)
    assert item.status == Status.DONE and item.verified_by == supervisor
    assert item.verified_on is not None
    assert item.updates[-1].author == supervisor


def test_returning_needs_a_reason_and_tells_the_owners_through_the_outbox(
    client, login_as, smtp_sink
):
    from tracker.models import Reminder, ReminderKind, ReminderState, utcnow
    from tracker.reminders.sending import send_due

    login_as("supervisor")
    item = _item(AWAITING)
    response = client.post(f"/items/{item.id}/return", data={"version": item.version})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    reason = "The list of the 12 projects is missing its budget lines."
    smtp_sink.replies = ["421 down for maintenance"] * 10  # the mail server is down
    response = client.post(
        f"/items/{item.id}/return", data={"version": item.version, "reason": reason}
    )
    assert response.status_code == 302
    item = _item(AWAITING)
    assert item.status == Status.IN_PROGRESS and item.completed_on is None
    assert item.updates[-1].note == reason
    # Nothing was sent from the request: two notices wait in the outbox, one per owner.
    assert smtp_sink.messages == []
    notices = db.session.scalars(select(Reminder).where(Reminder.kind == ReminderKind.RETURNED))
    assert {(n.update_id, n.state) for n in notices} == {
        (item.updates[-1].id, ReminderState.PENDING)
    }
    assert (
        db.session.scalar(
            select(func.count(Reminder.id)).where(Reminder.kind == ReminderKind.RETURNED)
        )
        == 2
    )
    assert send_due(utcnow(), "test").sent == 0  # refused: they stay in the outbox
    smtp_sink.replies = []
    assert send_due(utcnow() + timedelta(hours=2), "test").sent == 2
    recipients = sorted(m["To"].addresses[0].addr_spec for m in smtp_sink.messages)
    assert recipients == ["gao.feng@nanjing.example.com", "sun.min@nanjing.example.com"]
    message = smtp_sink.messages[0]
    assert message["Subject"] == f"Returned: {AWAITING}"
    body = message.get_body(("plain",)).get_content()
    assert reason in body and f"https://tracker.example.gov/items/{item.id}" in body


def test_a_stale_form_gets_a_409_that_keeps_the_input_and_names_the_other_change(
    client, login_as, app
):
    login_as("staff")
    item = _item(OVERDUE)
    stale_version = item.version
    # A colleague of the same department saves first.
    colleague = app.test_client()
    colleague.post(
        "/login", data={"email": "wang.lei@nanjing.example.com", "password": "tracker-demo-2026"}
    )
    assert _report(colleague, item, progress=75, note="Colleague's update").status_code == 302
    response = client.post(
        f"/items/{item.id}/report",
        data={
            "version": stale_version,
            "status": "at_risk",
            "progress": 62,
            "note": "My words, typed with care",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "My words, typed with care" in html
    assert "Wang Lei" in html and "Reported progress" in html
    item = _item(OVERDUE)
    assert (item.progress, item.updates[-1].note) == (75, "Colleague's update")
    assert f'name="version" type="hidden" value="{item.version}"' in html


def test_a_milestone_can_be_marked_done_in_a_report(client, login_as):
    login_as("other_staff")  # Sun Min
    item = _item(MILESTONED)
    milestone = next(m for m in item.milestones if m.done_on is None)
    response = _report(client, item, progress=45, milestone=milestone.id, note="Registered.")
    assert response.status_code == 302
    assert db.session.get(Milestone, milestone.id).done_on is not None
    assert _item(MILESTONED).updates[-1].milestone_id == milestone.id


def test_evidence_files_are_checked_stored_and_served_only_as_attachments(client, login_as):
    login_as("staff")
    item = _item(OVERDUE)
    for name, content, message in [
        ("page.html", b"<script>alert(1)</script>", "Files of this type cannot be attached."),
        ("empty.pdf", b"", "The file is empty."),
    ]:
        response = _report(client, item, evidence_file=(io.BytesIO(content), name), note="x")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert _count(StatusUpdate, StatusUpdate.evidence_file_id.is_not(None)) == 0
    pdf = b"%PDF-1.4 list of projects"
    response = _report(client, item, evidence_file=(io.BytesIO(pdf), "项目清单.pdf"), note="List")
    assert response.status_code == 302
    update = _item(OVERDUE).updates[-1]
    assert update.evidence_name == "项目清单.pdf"
    download = client.get(f"/items/{item.id}/evidence/{update.id}")
    assert download.status_code == 200 and download.data == pdf
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    from tests.conftest import ACCOUNTS

    client.post("/logout")
    client.post("/login", data={"email": ACCOUNTS["other_staff"], "password": "tracker-demo-2026"})
    assert client.get(f"/items/{item.id}/evidence/{update.id}").status_code == 404


def test_a_too_large_file_is_refused_with_the_limit(client, login_as, app):
    app.config["EVIDENCE_MAX_BYTES"] = 1024
    login_as("staff")
    item = _item(OVERDUE)
    response = _report(client, item, evidence_file=(io.BytesIO(b"x" * 5000), "scan.pdf"))
    assert response.status_code == 400
    assert "The file is 5 KB; the limit is 1 KB." in response.get_data(as_text=True)


def test_evidence_lives_in_the_database_and_a_refused_report_leaves_nothing(client, login_as, app):
    """A NUL or a folder in the file name is dropped from the name; a report refused for
    another field, or lost to a concurrent save, stores no file anywhere."""
    from pathlib import Path

    from tracker.models import EvidenceFile

    login_as("staff")
    item = _item(OVERDUE)
    pdf = b"%PDF-1.4 minutes"
    refused = _report(client, item, progress=150, evidence_file=(io.BytesIO(pdf), "a.pdf"))
    stale = _report(
        client, item, version=item.version - 1, evidence_file=(io.BytesIO(pdf), "b.pdf")
    )
    assert (refused.status_code, stale.status_code) == (400, 409)
    assert _count(EvidenceFile) == 0
    name = "../../etc/会议\x00纪要\u202e.pdf"
    response = _report(client, item, note="Minutes", evidence_file=(io.BytesIO(pdf), name))
    assert response.status_code == 302
    update = _item(OVERDUE).updates[-1]
    assert update.evidence_name == "会议纪要.pdf" and _count(EvidenceFile) == 1
    assert update.evidence_file.size == len(pdf)
    assert client.get(f"/items/{item.id}/evidence/{update.id}").data == pdf
    assert not (Path(app.instance_path) / "evidence").exists()


def test_assigning_checks_the_department_and_is_audited(client, login_as):
    login_as("supervisor")
    item = _item(OVERDUE)
    stb_person = db.session.scalar(select(User).where(User.email == "sun.min@nanjing.example.com"))
    response = client.post(
        f"/items/{item.id}/assign",
        data={
            "version": item.version,
            "department": item.department_id,
            "responsible": stb_person.id,
        },
    )
    assert response.status_code == 400
    assert "must work in the chosen department" in response.get_data(as_text=True)
    response = client.post(
        f"/items/{item.id}/assign",
        data={
            "version": item.version,
            "department": stb_person.department_id,
            "responsible": stb_person.id,
        },
    )
    assert response.status_code == 302
    item = _item(OVERDUE)
    assert item.responsible == stb_person
    assert _count(AuditEvent, AuditEvent.action == "item.assigned") == 1


def test_schedule_keeps_dates_in_order_and_milestones_inside(client, login_as):
    login_as("supervisor")
    item = _item(MILESTONED)
    fields = {"version": item.version, "title": item.title}
    response = client.post(
        f"/items/{item.id}/schedule",
        data={**fields, "start_on": "2026-05-01", "due_on": "2026-04-01"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The due date cannot be before the start date." in html
    assert 'value="2026-05-01"' in html
    response = client.post(
        f"/items/{item.id}/schedule",
        data={
            **fields,
            "start_on": "2026-01-01",
            "due_on": "2026-12-31",
            "milestones-0-title": "Far too late",
            "milestones-0-due_on": "2027-06-01",
        },
    )
    assert response.status_code == 400
    assert "must fall between" in response.get_data(as_text=True)
    # The form as the page renders it: the three milestones, then a new row.
    reached, first, last = item.milestones
    reached_id, reached_title, reached_on = reached.id, reached.title, reached.done_on
    first_id, first_due, last_id = first.id, first.due_on, last.id
    rows = {}
    for index, m in enumerate(item.milestones):
        rows |= {
            f"milestones-{index}-milestone_id": m.id,
            f"milestones-{index}-title": m.title,
            f"milestones-{index}-due_on": m.due_on.isoformat(),
            f"milestones-{index}-weight": m.weight,
        }
    span = {"start_on": item.start_on.isoformat(), "due_on": item.due_on.isoformat()}
    response = client.post(
        f"/items/{item.id}/schedule",
        data={**fields, **span, **rows, "milestones-0-remove": "y"},
    )
    assert response.status_code == 400
    assert "cannot be removed" in response.get_data(as_text=True)
    response = client.post(
        f"/items/{item.id}/schedule",
        data={
            **fields,
            **span,
            **rows,
            "title": "Set up three R&D institutions",
            "milestones-1-title": "First institution registered and staffed",
            "milestones-2-remove": "y",
            "milestones-3-title": "Site chosen",
            "milestones-3-due_on": first_due.isoformat(),
            "milestones-3-weight": "2",
        },
    )
    assert response.status_code == 302
    item = db.session.get(ActionItem, item.id)
    assert item.title == "Set up three R&D institutions"
    assert [(m.id, m.title, m.weight, m.done_on) for m in item.milestones] == [
        (reached_id, reached_title, 1, reached_on),  # kept with its done date
        (first_id, "First institution registered and staffed", 1, None),
        (item.milestones[2].id, "Site chosen", 2, None),
    ]
    assert db.session.get(Milestone, last_id) is None


def test_bulk_reassignment_moves_open_items(client, login_as):
    login_as("supervisor")
    item = _item(MILESTONED)
    department = item.department
    zhou = db.session.scalar(select(User).where(User.email == "zhou.jie@nanjing.example.com"))
    open_items = _count(
        ActionItem,
        ActionItem.responsible_id == item.responsible_id,
        ActionItem.status.in_(
            ["not_started", "in_progress", "at_risk", "blocked", "awaiting_verification"]
        ),
    )
    response = client.post(
        f"/departments/{department.id}/reassign",
        data={"old": item.responsible_id, "new": zhou.id},
    )
    assert response.status_code == 302
    assert _count(ActionItem, ActionItem.responsible_id == zhou.id) >= open_items
    assert _item(MILESTONED).responsible == zhou


def test_item_pages_use_a_fixed_number_of_statements(client, login_as, count_queries, make_item):
    """No N+1: adding items, updates and milestones does not add queries to the pages."""
    login_as("supervisor")
    item = _item(OVERDUE)

    def measure():
        with count_queries() as statements:
            assert client.get("/my").status_code == 200
            assert client.get(f"/items/{item.id}").status_code == 200
        return len(statements)

    small = measure()
    for n in range(15):
        extra = make_item(city=item.city, due_on=item.due_on, title=f"Extra {n}")
        extra.milestones = [Milestone(title=f"M{n}", due_on=item.due_on, position=1)]
        db.session.add(
            StatusUpdate(
                item=item,
                author=item.responsible,
                to_status=Status.AT_RISK,
                to_progress=60,
                note=f"note {n}",
            )
        )
    db.session.commit()
    assert measure() == small


def test_a_note_or_evidence_on_a_submitted_item_keeps_it_submitted(client, login_as):
    """Only an explicit choice withdraws a submission; the form offers to stay, by default."""
    login_as("other_staff")
    item = _item(AWAITING)
    completed_on = item.completed_on
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert '<option selected value="awaiting_verification">' in page
    assert "only “In progress” withdraws it" in page
    pdf = (io.BytesIO(b"%PDF-1.4 photo"), "site.pdf")
    data = {"status": "awaiting_verification", "progress": 100, "note": "Photos of the site"}
    assert _report(client, item, **data, evidence_file=pdf).status_code == 302
    item = _item(AWAITING)
    assert item.status == Status.AWAITING_VERIFICATION and item.completed_on == completed_on
    last = item.updates[-1]
    assert (last.from_status, last.to_status, last.note) == (
        Status.AWAITING_VERIFICATION,
        Status.AWAITING_VERIFICATION,
        "Photos of the site",
    )
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == "item.reported"
    login_as("supervisor")
    data = {"status": "awaiting_verification", "progress": 100, "note": "Seen, checking"}
    assert _report(client, item, **data).status_code == 302
    assert _item(AWAITING).status == Status.AWAITING_VERIFICATION
    assert AWAITING in client.get("/my").get_data(as_text=True)  # still in the queue


def test_co_owners_are_chosen_with_checkboxes_not_ctrl_click(client, login_as):
    login_as("supervisor")
    item = _item(OVERDUE)
    html = client.get(f"/items/{item.id}/assign").get_data(as_text=True)
    assert '<input type="checkbox" name="co_owners"' in html and "multiple" not in html
    assert "Ctrl" not in html


def test_a_file_uploaded_through_one_web_host_downloads_through_another(
    client, login_as, app, migrated_url, tmp_path
):
    """Two app instances with instance folders of their own on one database, as two web
    hosts behind a load balancer: evidence uploaded through the first downloads, whole,
    through the second, and neither host keeps a file of its own."""
    from pathlib import Path

    from tests.conftest import DEMO_PASSWORD, FreshContextClient, _make_app

    login_as("staff")
    item = _item(OVERDUE)
    scan = bytes(range(256)) * 40  # binary, NUL bytes included
    response = _report(client, item, note="Scan", evidence_file=(io.BytesIO(scan), "扫描件.pdf"))
    assert response.status_code == 302
    update_id = _item(OVERDUE).updates[-1].id

    other_host = _make_app(migrated_url, tmp_path / "other-host")
    assert Path(other_host.instance_path) != Path(app.instance_path)
    other_host.test_client_class = FreshContextClient
    other = other_host.test_client()
    with other_host.app_context():
        signed_in = other.post(
            "/login", data={"email": "wang.lei@nanjing.example.com", "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 302
        download = other.get(f"/items/{item.id}/evidence/{update_id}")
        assert download.status_code == 200 and download.data == scan
        assert "attachment" in download.headers["Content-Disposition"]
        db.session.remove()
    for host in (app, other_host):
        assert not list(Path(host.instance_path).rglob("*.pdf"))
