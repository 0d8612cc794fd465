"""The 督办 cycle through the item page: 签收, a supporting department's part, 延期申请 and its
decision, 转办 with roll-up, the reporting cycle and a leader's 批示; each change versioned,
audited and told through the outbox, each role held to what it may do."""

from datetime import date, timedelta

from sqlalchemy import func, select

from tests.conftest import TODAY
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    AuditEvent,
    ExtensionState,
    Instruction,
    Reminder,
    ReminderKind,
    Status,
    StatusUpdate,
    User,
)

NEW = "Map blockchain firms for the integrated-innovation directory"  # Wang Lei, not acknowledged
FUND = "Draft the rules of the blockchain industry fund"  # Wang Lei, two supporting departments
PILOT = "Propose a blockchain pilot zone to the provincial government"  # a pending extension
REVIEW = "Set up the blockchain security review procedure"  # an approved extension
MONTHLY = "Report monthly on blockchain projects under construction"  # a missed report
HAINING = "Bring blockchain into urban management in Haining"  # passed down, two children
OVERDUE = "Compile the list of major blockchain projects for the year"  # Wang Lei, overdue

SUPPORTER = "xu.ting@nanjing.example.com"  # supports NEW for the MIIT
LEADER = "han.bin@nanjing.example.com"
JIAXING_LEADER = "lu.qing@jiaxing.example.com"


def _item(title: str) -> ActionItem:
    return db.session.scalar(select(ActionItem).where(ActionItem.title == title))


def _notices() -> list[Reminder]:
    return db.session.scalars(
        select(Reminder).where(Reminder.kind == ReminderKind.NOTICE).order_by(Reminder.id)
    ).all()


def _post(client, url, item, **data):
    return client.post(url, data={"version": item.version, **data})


# ---------------------------------------------------------------- 签收


def test_an_assigned_item_waits_for_acknowledgement_on_my_work_the_item_and_the_boards(
    client, login_as
):
    login_as("staff")
    my = client.get("/my").get_data(as_text=True)
    assert "Awaiting your acknowledgement" in my and NEW in my
    assert my.count(f'href="/items/{_item(NEW).id}"') == 1  # there only, not twice
    page = client.get(f"/items/{_item(NEW).id}").get_data(as_text=True)
    assert "Acknowledge receipt" in page
    login_as("supervisor")
    board = client.get("/boards/nanjing").get_data(as_text=True)
    assert "Awaiting acknowledgement" in board and NEW in board
    listed = client.get("/items?attention=unacknowledged").get_data(as_text=True)
    assert NEW in listed and FUND not in listed


def test_the_lead_acknowledges_once_and_the_stage_is_kept(client, login_as):
    user = login_as("staff")
    item = _item(NEW)
    version = item.version
    assert _post(client, f"/items/{item.id}/acknowledge", item).status_code == 302
    item = _item(NEW)
    assert item.acknowledged_at is not None and item.acknowledged_by_id == user.id
    assert item.version == version + 1
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "item.acknowledged", AuditEvent.target_id == item.id
        )
    )
    again = _post(client, f"/items/{item.id}/acknowledge", item)
    assert again.status_code == 400
    assert "already acknowledged" in again.get_data(as_text=True)
    stale = client.post(f"/items/{item.id}/acknowledge", data={"version": version})
    assert stale.status_code == 409


def test_only_the_lead_department_acknowledges(client, login_as):
    login_as(SUPPORTER)
    item = _item(NEW)
    response = _post(client, f"/items/{item.id}/acknowledge", item)
    assert response.status_code == 400
    assert "Only the lead department" in response.get_data(as_text=True)
    assert _item(NEW).acknowledged_at is None


def test_a_leads_first_report_acknowledges_the_item_too(client, login_as):
    login_as("staff")
    item = _item(NEW)
    response = client.post(
        f"/items/{item.id}/report",
        data={"version": item.version, "status": "in_progress", "progress": 10},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    item = _item(NEW)
    assert item.acknowledged_at is not None and item.first_report_at is not None


# ---------------------------------------------------------------- 协办


def test_a_supporting_department_sees_the_item_and_reports_its_part(client, login_as):
    supporter = login_as(SUPPORTER)
    item = _item(NEW)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Report your department&#39;s part" in page or "Report your department's part" in page
    assert 'name="status"' not in page  # the lead's report form is not offered
    before = (item.status, item.progress, item.version)
    response = _post(
        client, f"/items/{item.id}/part", item, part_progress=40, part_note="Survey of 20 firms."
    )
    assert response.status_code == 302
    item = _item(NEW)
    entry = item.updates[-1]
    assert (entry.supporter_department_id, entry.part_progress) == (supporter.department_id, 40)
    assert (entry.to_status, entry.to_progress) == before[:2]  # the lead's figures stay
    assert (item.status, item.progress, item.version) == (*before[:2], before[2] + 1)
    assert item.supporters[0].progress == 40
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Survey of 20 firms." in page and "Progress of its part: 40%" in page


def test_a_supporting_department_cannot_submit_ask_for_time_or_report_the_lead_part(
    client, login_as
):
    login_as(SUPPORTER)
    item = _item(NEW)
    submit = client.post(
        f"/items/{item.id}/report",
        data={
            "version": item.version,
            "status": "awaiting_verification",
            "progress": 100,
            "note": "Done",
        },
        content_type="multipart/form-data",
    )
    assert submit.status_code == 400
    assert "Only the lead department reports" in submit.get_data(as_text=True)
    extension = _post(
        client,
        f"/items/{item.id}/extension",
        item,
        new_due_on=(item.due_on + timedelta(days=30)).isoformat(),
        extension_reason="More time",
    )
    assert extension.status_code == 400
    assert _item(NEW).status == Status.NOT_STARTED and not _item(NEW).extension_requests


def test_a_part_report_needs_a_note_and_keeps_what_was_typed(client, login_as):
    login_as(SUPPORTER)
    item = _item(NEW)
    response = _post(client, f"/items/{item.id}/part", item, part_progress=140, part_note="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="140"' in page and "Give a number from 0 to 100." in page


def test_supervisors_set_supporting_departments_one_person_each(client, login_as):
    login_as("supervisor")
    item = _item(OVERDUE)
    assert client.get(f"/items/{item.id}/supporters").status_code == 200
    sun = db.session.scalar(select(User).where(User.email == "sun.min@nanjing.example.com"))
    zhou = db.session.scalar(select(User).where(User.email == "zhou.jie@nanjing.example.com"))
    both = [f"{sun.department_id}:{sun.id}", f"{zhou.department_id}:{zhou.id}"]
    twice = _post(client, f"/items/{item.id}/supporters", item, supporters=both)
    assert twice.status_code == 400 and "Each supporting department once" in twice.get_data(
        as_text=True
    )
    unknown = _post(client, f"/items/{item.id}/supporters", item, supporters=["1:999999"])
    assert unknown.status_code == 400
    saved = _post(client, f"/items/{item.id}/supporters", item, supporters=both[:1])
    assert saved.status_code == 302
    assert [s.responsible_id for s in _item(OVERDUE).supporters] == [sun.id]
    login_as("other_staff")  # Sun Min now sees the item her department supports
    assert client.get(f"/items/{item.id}").status_code == 200


def test_staff_may_not_set_supporting_departments(client, login_as):
    login_as("staff")
    item = _item(OVERDUE)
    assert client.get(f"/items/{item.id}/supporters").status_code == 403


# ---------------------------------------------------------------- 延期申请


def _ask(client, item, days=30, reason="The data come late."):
    return _post(
        client,
        f"/items/{item.id}/extension",
        item,
        new_due_on=(item.due_on + timedelta(days=days)).isoformat(),
        extension_reason=reason,
    )


def test_an_extension_is_asked_decided_and_the_original_date_kept(client, login_as, app):
    login_as("staff")
    item = _item(NEW)
    due = item.due_on
    assert _ask(client, item).status_code == 302
    request = _item(NEW).extension_requests[0]
    assert request.state == ExtensionState.PENDING and _item(NEW).due_on == due
    supervisors = {n.recipient.email for n in _notices()}
    assert "chen.hong@nanjing.example.com" in supervisors  # the city's supervisors are told
    login_as("supervisor")
    item = _item(NEW)
    decided = _post(
        client,
        f"/items/{item.id}/extension/{request.id}/decide",
        item,
        decision="approve",
        decision_note="Agreed.",
    )
    assert decided.status_code == 302
    item = _item(NEW)
    assert item.due_on == due + timedelta(days=30) and item.original_due_on == due
    told = [n.recipient.email for n in _notices() if n.event.action == "item.extension_approved"]
    assert "wang.lei@nanjing.example.com" in told and SUPPORTER in told
    listed = client.get("/items?attention=extended").get_data(as_text=True)
    assert NEW in listed and "Extended" in listed


def test_a_refusal_needs_a_note_and_a_request_is_decided_once(client, login_as):
    login_as("supervisor")
    item = _item(PILOT)
    request = item.extension_requests[0]
    url = f"/items/{item.id}/extension/{request.id}/decide"
    bare = _post(client, url, item, decision="refuse", decision_note="")
    assert bare.status_code == 400 and "Say why" in bare.get_data(as_text=True)
    assert _post(client, url, item, decision="refuse", decision_note="Redo it.").status_code == 302
    item = _item(PILOT)
    assert item.extension_requests[0].state == ExtensionState.REFUSED
    assert item.original_due_on is None
    again = _post(client, url, item, decision="approve")
    assert again.status_code == 400 and "already been decided" in again.get_data(as_text=True)


def test_extension_requests_are_limited_one_at_a_time_and_before_the_due_date(client, login_as):
    login_as("staff")
    pilot = _item(PILOT)  # one pending already
    assert "already waiting" in _ask(client, pilot).get_data(as_text=True)
    review = _item(REVIEW)  # one approved already; the policy allows two
    assert _ask(client, review).status_code == 302
    login_as("supervisor")
    review = _item(REVIEW)
    request = review.extension_requests[-1]
    url = f"/items/{review.id}/extension/{request.id}/decide"
    _post(client, url, review, decision="refuse", decision_note="No.")
    login_as("staff")
    third = _ask(client, _item(REVIEW))
    assert third.status_code == 400 and "the most the policy allows" in third.get_data(as_text=True)
    overdue = _item(OVERDUE)  # past its due date
    late = _ask(client, overdue)
    assert late.status_code == 400 and "The due date has passed" in late.get_data(as_text=True)
    earlier = _ask(client, _item(NEW), days=-1)
    assert earlier.status_code == 400 and "after the current due date" in earlier.get_data(
        as_text=True
    )


def test_a_supervisor_opens_a_late_request_once(client, login_as):
    login_as("supervisor")
    item = _item(OVERDUE)
    assert _post(client, f"/items/{item.id}/extension/open", item).status_code == 302
    login_as("staff")
    assert _ask(client, _item(OVERDUE)).status_code == 302
    assert _item(OVERDUE).late_extension_open is False  # used up


# ---------------------------------------------------------------- 批示


def test_a_leader_sees_the_city_changes_nothing_and_writes_instructions(client, login_as):
    leader = login_as(LEADER)
    item = _item(OVERDUE)
    assert client.get("/boards/nanjing").status_code == 200
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Write an instruction" in page and 'name="status"' not in page
    assert client.get(f"/items/{item.id}/assign").status_code == 403
    assert client.get(f"/items/{item.id}/schedule").status_code == 403
    report = client.post(
        f"/items/{item.id}/report",
        data={"version": item.version, "status": "in_progress", "progress": 90},
        content_type="multipart/form-data",
    )
    assert report.status_code == 403 and _item(OVERDUE).progress != 90
    jiaxing = _item(HAINING)
    assert client.get(f"/items/{jiaxing.id}").status_code == 404  # another city
    version = item.version
    sent = client.post(
        f"/items/{item.id}/instruct",
        data={"instruction": "三个区月底前必须报齐项目。", "scope": "item"},
    )
    assert sent.status_code == 302
    item = _item(OVERDUE)
    assert item.version == version + 1
    instruction = db.session.scalar(
        select(Instruction).where(
            Instruction.author_id == leader.id, Instruction.text == "三个区月底前必须报齐项目。"
        )
    )
    assert instruction.item_id == item.id
    told = {n.recipient.email for n in _notices() if n.event.action == "item.instructed"}
    assert {"wang.lei@nanjing.example.com", "chen.hong@nanjing.example.com"} <= told
    my = client.get("/my").get_data(as_text=True)
    assert "Your instructions" in my and OVERDUE in my and "Since your instruction" in my
    login_as("staff")
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Leaders' instructions" in page and "三个区月底前必须报齐项目。" in page
    history = page[page.index('id="history-h"') :]
    assert "Leader's instruction" in history and "三个区月底前必须报齐项目。" in history


def test_an_instruction_on_the_directive_reaches_each_of_its_items(client, login_as, app):
    login_as(LEADER)
    item = _item(OVERDUE)
    sent = client.post(
        f"/items/{item.id}/instruct", data={"instruction": "抓紧推进。", "scope": "directive"}
    )
    assert sent.status_code == 302
    rows = db.session.scalars(select(Instruction).where(Instruction.text == "抓紧推进。")).all()
    siblings = db.session.scalars(
        select(ActionItem.id).where(ActionItem.directive_id == item.directive_id)
    ).all()
    assert sorted(r.item_id for r in rows) == sorted(siblings)
    assert {r.directive_id for r in rows} == {item.directive_id}
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "directive.instructed")
    ).all()
    # Each owner's notice links to their own item of the directive, where it shows.
    from tracker.reminders.content import compose_notice

    notice = next(n for n in _notices() if n.event_id == event.id)
    with app.test_request_context():
        body = compose_notice(notice, TODAY).get_body(("plain",)).get_content()
    assert "抓紧推进。" in body and "/items/" in body


def test_a_sub_unit_s_leader_instructs_only_its_own_unit_s_items(client, login_as):
    from tracker.admin.services import create_user
    from tracker.models import City, Role

    haining = db.session.scalar(select(City).where(City.slug == "haining"))
    leader = create_user(
        None,
        email="leader@haining.example.com",
        name="海宁领导",
        role=Role.LEADER,
        city=haining,
        department=None,
        locale="zh_Hans",
        timezone=None,
    )
    leader.password_hash = db.session.scalar(select(User.password_hash).where(User.email == LEADER))
    db.session.commit()
    login_as("leader@haining.example.com")
    child = _item(HAINING).children[0]
    sent = client.post(
        f"/items/{child.id}/instruct", data={"instruction": "海宁要抓落实。", "scope": "directive"}
    )
    assert sent.status_code == 302
    rows = db.session.scalars(select(Instruction).where(Instruction.text == "海宁要抓落实。")).all()
    assert {r.item.city.slug for r in rows} == {"haining"}  # not Jiaxing's parent
    told = {n.recipient.email for n in _notices() if n.event.action == "directive.instructed"}
    assert "qian.li@jiaxing.example.com" not in told and told


def test_only_leaders_instruct_and_an_empty_instruction_is_refused(client, login_as):
    login_as("supervisor")
    item = _item(OVERDUE)
    denied = client.post(f"/items/{item.id}/instruct", data={"instruction": "x", "scope": "item"})
    assert denied.status_code == 403
    login_as(LEADER)
    empty = client.post(f"/items/{item.id}/instruct", data={"instruction": " ", "scope": "item"})
    assert empty.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Instruction)) == 2  # the demo's


# ---------------------------------------------------------------- 转办


def test_the_demo_item_passed_down_rolls_up_from_its_children(client, login_as):
    parent = _item(HAINING)
    assert parent.passed_to_city.slug == "haining" and len(parent.children) == 2
    assert parent.progress == round(sum(c.progress for c in parent.children) / 2)
    login_as("zheng.kai@haining.example.com")
    child = next(c for c in parent.children if c.responsible.email.startswith("zheng"))
    response = client.post(
        f"/items/{child.id}/report",
        data={"version": child.version, "status": "in_progress", "progress": 60},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    parent = _item(HAINING)
    assert parent.progress == round(sum(c.progress for c in parent.children) / 2) == 50
    rolled = parent.updates[-1]
    assert rolled.author_id is None and rolled.to_progress == 50
    assert client.get(f"/items/{parent.id}").status_code == 404  # Haining staff: the child only
    login_as("qian.li@jiaxing.example.com")  # the parent's owner sees the children
    assert client.get(f"/items/{child.id}").status_code == 200
    page = client.get(f"/items/{parent.id}").get_data(as_text=True)
    assert "子任务" in page and "leather market" in page  # Qian Li reads Chinese


def test_a_supervisor_passes_an_item_down_and_the_sub_unit_adds_children(client, login_as):
    login_as("other_supervisor")  # Jiaxing, with Haining below it
    item = db.session.scalar(
        select(ActionItem)
        .join(ActionItem.city)
        .where(
            ActionItem.parent_id.is_(None),
            ActionItem.passed_to_city_id.is_(None),
            ActionItem.status.in_(["not_started", "in_progress"]),
            ActionItem.city.has(slug="jiaxing"),
        )
        .order_by(ActionItem.id)
    )
    haining = item.city.sub_units[0]
    assert _post(client, f"/items/{item.id}/pass", item, sub_unit=haining.id).status_code == 302
    item = db.session.get(ActionItem, item.id)
    assert item.passed_to_city_id == haining.id
    form = client.get(f"/items/{item.id}/children/new")
    assert form.status_code == 200
    wu = db.session.scalar(select(User).where(User.email == "wu.xin@haining.example.com"))
    too_late = _post(
        client,
        f"/items/{item.id}/children/new",
        item,
        department=wu.department_id,
        responsible=wu.id,
        child_due_on=(item.due_on + timedelta(days=1)).isoformat(),
    )
    assert too_late.status_code == 400
    added = _post(
        client,
        f"/items/{item.id}/children/new",
        item,
        department=wu.department_id,
        responsible=wu.id,
        child_title="海宁试点",
    )
    assert added.status_code == 302
    child = db.session.scalar(select(ActionItem).where(ActionItem.title == "海宁试点"))
    assert child.parent_id == item.id and child.city_id == haining.id
    assert child.assigned_at is not None and child.acknowledged_at is None
    login_as("supervisor")  # Nanjing: neither the item nor the child
    assert client.get(f"/items/{child.id}").status_code == 404


# ---------------------------------------------------------------- 定期报送


def test_a_missed_reporting_window_shows_on_the_item_board_and_list(client, login_as):
    login_as("supervisor")
    item = _item(MONTHLY)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Monthly" in page and "Report missed for" in page
    board = client.get("/boards/nanjing").get_data(as_text=True)
    assert "Periodic report missed" in board and MONTHLY in board
    listed = client.get("/items?attention=report_missed").get_data(as_text=True)
    assert MONTHLY in listed and OVERDUE not in listed
    # A report inside the window that closed fills it; the current one is still open.
    assert TODAY.day < 25


def test_a_supervisor_sets_the_reporting_cycle(client, login_as):
    login_as("supervisor")
    item = _item(OVERDUE)
    bad = _post(client, f"/items/{item.id}/cycle", item, reporting_cycle="daily")
    assert bad.status_code == 400
    assert (
        _post(client, f"/items/{item.id}/cycle", item, reporting_cycle="quarterly").status_code
        == 302
    )
    assert _item(OVERDUE).reporting_cycle == "quarterly"
    login_as("staff")
    assert (
        _post(client, f"/items/{item.id}/cycle", _item(OVERDUE), reporting_cycle="").status_code
        == 403
    )


def test_the_item_page_shows_every_stage_and_the_supporters(client, login_as):
    login_as("supervisor")
    page = client.get(f"/items/{_item(FUND).id}").get_data(as_text=True)
    for words in ("Stages", "Assigned", "Acknowledged", "First report", "Supporting departments"):
        assert words in page
    assert "Finance Bureau" in page and "50%" in page
    history = db.session.scalars(
        select(StatusUpdate).where(
            StatusUpdate.item_id == _item(FUND).id,
            StatusUpdate.supporter_department_id.is_not(None),
        )
    ).all()
    assert len(history) == 2


def test_the_demo_shows_each_part_of_the_cycle(app, seeded):
    review, pilot = _item(REVIEW), _item(PILOT)
    assert review.original_due_on is not None and review.due_on > review.original_due_on
    assert [r.state for r in pilot.extension_requests] == [ExtensionState.PENDING]
    assert pilot.due_on >= TODAY
    assert _item(NEW).acknowledged_at is None and _item(NEW).due_on > TODAY
    assert len(_item(FUND).supporters) == 2 and _item(MONTHLY).reporting_cycle == "monthly"
    leaders = db.session.scalars(select(User.city_id).where(User.role == "leader")).all()
    assert len(set(leaders)) == 2


def test_exports_carry_the_stages_supporters_and_extension(client, login_as):
    import csv
    import io

    login_as("supervisor")
    text = client.get("/items.csv?city=nanjing").get_data(as_text=True).lstrip("\ufeff")
    rows = {row["Title"]: row for row in csv.DictReader(io.StringIO(text))}
    review, fund = rows[REVIEW], rows[FUND]
    assert review["Extended"] == "Yes" and review["Original due date"]
    assert review["Original due date"] < review["Due date"]
    assert fund["Supporting departments"] == "Finance Bureau, Big Data Administration"
    assert fund["Assigned"] and fund["Acknowledged"] and fund["First report"]
    assert rows[NEW]["Acknowledged"] == "" and rows[OVERDUE]["Extended"] == ""


def test_a_monthly_duty_of_the_speech_becomes_the_item_s_reporting_cycle(app, seeded):
    from tracker.speeches import review
    from tracker.speeches.services import import_speech

    supervisor = db.session.scalar(
        select(User).where(User.email == "chen.hong@nanjing.example.com")
    )
    staff = db.session.scalar(select(User).where(User.email == "wang.lei@nanjing.example.com"))
    speech = import_speech(
        "会议要求，市发改委要每月向市委督查室报送区块链项目建设进展。",
        city=supervisor.city,
        speaker="韩斌",
        delivered_on=TODAY,
        draft=True,
    )
    (directive,) = speech.directives
    assert directive.cadence == "monthly"
    review.accept(directive, supervisor, "报送区块链项目进展", TODAY + timedelta(days=90))
    (item,) = review.assign(
        speech, supervisor, [directive], staff.department, staff, [], TODAY, None
    )
    assert item.reporting_cycle == "monthly" and item.assigned_at is None  # a draft
    review.publish(speech, supervisor)
    db.session.commit()
    assert item.assigned_at == speech.published_at and item.acknowledged_at is None


# ---------------------------------------------------------------- found by a walkthrough


def test_a_parent_s_progress_is_its_children_s_and_it_is_submitted_once_they_are_done(
    client, login_as
):
    login_as("qian.li@jiaxing.example.com")  # the parent's lead
    parent = _item(HAINING)
    own = client.post(
        f"/items/{parent.id}/report",
        data={"version": parent.version, "status": "in_progress", "progress": 5},
        content_type="multipart/form-data",
    )
    assert own.status_code == 400 and _item(HAINING).progress == 30
    submit = client.post(
        f"/items/{parent.id}/report",
        data={
            "version": parent.version,
            "status": "awaiting_verification",
            "progress": 100,
            "note": "All done",
        },
        content_type="multipart/form-data",
    )
    assert submit.status_code == 400 and _item(HAINING).status == Status.IN_PROGRESS
    note = client.post(
        f"/items/{parent.id}/report",
        data={"version": parent.version, "status": "in_progress", "progress": 30, "note": "OK"},
        content_type="multipart/form-data",
    )
    assert note.status_code == 302  # a note at the rolled-up progress is welcome


def test_a_new_child_rolls_the_parent_up_tells_its_owner_and_starts_on_time(client, login_as):
    login_as("other_supervisor")
    parent = _item(HAINING)
    wu = db.session.scalar(select(User).where(User.email == "wu.xin@haining.example.com"))
    past = _post(
        client,
        f"/items/{parent.id}/children/new",
        parent,
        department=wu.department_id,
        responsible=wu.id,
        child_due_on=(TODAY - timedelta(days=1)).isoformat(),
    )
    assert past.status_code == 400 and "请选择今天或以后的截止日期。" in past.get_data(as_text=True)
    added = _post(
        client,
        f"/items/{parent.id}/children/new",
        parent,
        department=wu.department_id,
        responsible=wu.id,
        child_title="第三项",
    )
    assert added.status_code == 302
    parent = _item(HAINING)
    assert len(parent.children) == 3 and parent.progress == 20  # (40 + 20 + 0) / 3
    child = _item("第三项")
    assert child.start_on == TODAY and child.due_on == parent.due_on
    told = [n for n in _notices() if n.event.action == "item.assigned"]
    assert [n.recipient.email for n in told] == ["wu.xin@haining.example.com"]
    login_as("wu.xin@haining.example.com")
    page = client.get(f"/items/{child.id}").get_data(as_text=True)
    assert HAINING not in page and f"/items/{parent.id}" not in page  # not hers to open


def test_a_child_s_extension_stays_within_its_parent(client, login_as):
    child = next(c for c in _item(HAINING).children if c.responsible.email.startswith("zheng"))
    login_as("zheng.kai@haining.example.com")
    beyond = _ask(client, child, days=(_item(HAINING).due_on - child.due_on).days + 1)
    assert beyond.status_code == 400
    assert "子任务的截止日期不能晚于所属任务。" in beyond.get_data(as_text=True)  # he reads Chinese


def test_a_closed_item_s_pending_request_is_not_decided(client, login_as):
    login_as("supervisor")
    item = _item(PILOT)
    cancel = client.post(
        f"/items/{item.id}/report",
        data={
            "version": item.version,
            "status": "cancelled",
            "progress": item.progress,
            "note": "Dropped by the province.",
        },
        content_type="multipart/form-data",
    )
    assert cancel.status_code == 302
    item = _item(PILOT)
    request = item.extension_requests[0]
    url = f"/items/{item.id}/extension/{request.id}/decide"
    decided = _post(client, url, item, decision="approve")
    assert decided.status_code == 400 and "no longer open" in decided.get_data(as_text=True)
    assert _item(PILOT).original_due_on is None
    assert PILOT not in client.get("/items?attention=extension_pending").get_data(as_text=True)


def test_the_lead_cannot_become_a_supporter_nor_a_supporter_the_lead(client, login_as):
    login_as("supervisor")
    item = _item(FUND)
    finance = item.supporters[0]
    response = _post(
        client,
        f"/items/{item.id}/assign",
        item,
        department=finance.department_id,
        responsible=finance.responsible_id,
    )
    assert response.status_code == 400 and "supports this item" in response.get_data(as_text=True)


def test_passing_down_twice_or_out_of_place_says_why(client, login_as):
    login_as("other_supervisor")
    parent = _item(HAINING)
    twice = _post(client, f"/items/{parent.id}/pass", parent, sub_unit=parent.passed_to_city_id)
    assert twice.status_code == 400 and "该任务在下级单位已有子任务。" in twice.get_data(
        as_text=True
    )
    login_as("supervisor")
    nanjing = _item(OVERDUE)
    nowhere = _post(client, f"/items/{nanjing.id}/pass", nanjing, sub_unit=parent.passed_to_city_id)
    assert nowhere.status_code == 400 and "Choose a sub-unit" in nowhere.get_data(as_text=True)


def test_a_cycle_set_today_misses_no_window_that_closed_before(client, login_as):
    login_as("supervisor")
    item = _item(OVERDUE)
    assert (
        _post(client, f"/items/{item.id}/cycle", item, reporting_cycle="monthly").status_code == 302
    )
    assert _item(OVERDUE).reporting_since == TODAY
    assert "Report missed" not in client.get(f"/items/{item.id}").get_data(as_text=True)
    assert OVERDUE not in client.get("/items?attention=report_missed").get_data(as_text=True)


def test_a_late_request_is_opened_only_for_an_overdue_item(client, login_as):
    login_as("supervisor")
    item = _item(NEW)  # due in weeks
    response = _post(client, f"/items/{item.id}/extension/open", item)
    assert response.status_code == 400 and _item(NEW).late_extension_open is False


def test_the_board_counts_the_cycle_s_lists_as_the_rules_do_item_by_item(client, login_as):
    import re

    from tracker.items.reporting import cycle_of, report_days
    from tracker.items.rules import OPEN, is_unacknowledged

    login_as("supervisor")
    board = client.get("/boards/nanjing").get_data(as_text=True)
    shown = {
        key: int(re.search(rf'id="list-{key}">[^<]*<span class="count">(\d+)</span>', board)[1])
        for key in ("unacknowledged", "report_missed", "extension_pending", "extended")
    }
    items = db.session.scalars(select(ActionItem).where(ActionItem.city.has(slug="nanjing"))).all()
    days = report_days([i.id for i in items], date(2000, 1, 1))
    expected = {
        "unacknowledged": sum(is_unacknowledged(i) for i in items),
        "report_missed": sum(
            bool((c := cycle_of(i, days.get(i.id, []), TODAY, 25)) and c.missed) for i in items
        ),
        "extension_pending": sum(
            i.status in OPEN and any(r.state == "pending" for r in i.extension_requests)
            for i in items
        ),
        "extended": sum(i.original_due_on is not None for i in items),
    }
    assert shown == expected and all(expected.values())
