"""The figures boards keep (each item's completion and last update, each past day's snapshot)
always equal what the milestones and the history say: after every kind of change, after a
migration, and when `tracker boards rebuild` recomputes them."""

import importlib.util
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, text, update

from tests.conftest import TODAY
from tracker.boards import figures, history, lists
from tracker.extensions import db
from tracker.items import services
from tracker.items.figures import completion_of
from tracker.models import (
    ActionItem,
    BoardSnapshot,
    City,
    Department,
    Milestone,
    Role,
    SnapshotDay,
    Status,
    StatusUpdate,
    User,
)
from tracker.reminders.policy import current_policy

ZONE = ZoneInfo("Asia/Shanghai")


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _kept() -> dict[int, tuple[float, datetime]]:
    return {
        i.id: (round(i.completion, 9), i.last_update_at)
        for i in db.session.scalars(select(ActionItem).order_by(ActionItem.id))
    }


def _from_history() -> dict[int, tuple[float, datetime]]:
    """Each item's figures, worked out here from its rows (not by the app's code)."""
    db.session.expire_all()
    result = {}
    for item in db.session.scalars(select(ActionItem).order_by(ActionItem.id)):
        weights = sum(m.weight for m in item.milestones)
        if item.status == Status.DONE:
            completion = 100.0
        elif weights:
            completion = 100.0 * sum(m.weight for m in item.milestones if m.done_on) / weights
        else:
            completion = float(item.progress)
        latest = max([u.created_at for u in item.updates] + [item.created_at])
        result[item.id] = (round(completion, 9), latest)
    return result


def test_kept_figures_equal_the_history_after_every_kind_of_change(app, seeded):
    assert _kept() == _from_history()
    supervisor = _user("chen.hong@nanjing.example.com")
    mine = db.session.scalars(
        select(ActionItem)
        .where(
            ActionItem.city_id == supervisor.city_id,
            ActionItem.responsible_id.is_not(None),
            ActionItem.status.in_([Status.NOT_STARTED, Status.IN_PROGRESS, Status.AT_RISK]),
        )
        .order_by(ActionItem.id)
    ).all()
    first, second = mine[0], mine[1]
    staff = first.responsible
    # A progress report, a note alone, milestones added, one of them reported done.
    services.report_status(
        first, staff, services.Report(Status.IN_PROGRESS, 55, "Halfway"), first.version, TODAY
    )
    services.report_status(
        first, staff, services.Report(Status.IN_PROGRESS, 55, "Just a note"), first.version, TODAY
    )
    changes = [
        services.MilestoneChange(m.id, m.title, m.due_on, m.weight) for m in second.milestones
    ]
    changes += [
        services.MilestoneChange(None, "Survey", second.due_on, 3),
        services.MilestoneChange(None, "Report", second.due_on, 1),
    ]
    services.schedule(
        second, supervisor, second.title, second.start_on, second.due_on, changes, second.version
    )
    survey = next(m for m in second.milestones if m.title == "Survey")
    services.report_status(
        second,
        second.responsible,
        services.Report(Status.IN_PROGRESS, 60, "Surveyed", milestone_id=survey.id),
        second.version,
        TODAY,
    )
    db.session.commit()
    assert _kept() == _from_history()
    # Submitted, verified (done is 100 whatever the milestones), another cancelled.
    services.report_status(
        first,
        staff,
        services.Report(Status.AWAITING_VERIFICATION, 100, "Done"),
        first.version,
        TODAY,
    )
    services.verify(first, supervisor, "Checked", first.version, TODAY)
    services.report_status(
        second, supervisor, services.Report(Status.CANCELLED, 60, "Merged"), second.version, TODAY
    )
    # A milestone removed; rows changed outside the services (a milestone added directly).
    third = next(i for i in mine[2:] if any(m.done_on is None for m in i.milestones))
    gone = next(m for m in third.milestones if m.done_on is None)
    kept = [services.MilestoneChange(gone.id, gone.title, gone.due_on, remove=True)]
    services.schedule(
        third, supervisor, third.title, third.start_on, third.due_on, kept, third.version
    )
    db.session.add(Milestone(item=mine[3], position=9, title="Extra", weight=2, done_on=TODAY))
    db.session.commit()
    assert first.completion == 100.0
    assert _kept() == _from_history()
    assert history.rebuild_items() == 0


def test_tracker_boards_rebuild_repairs_figures_changed_behind_the_apps_back(app, seeded, runner):
    item = db.session.scalar(select(ActionItem).order_by(ActionItem.id))
    right = _kept()
    db.session.execute(
        update(ActionItem.__table__)
        .where(ActionItem.__table__.c.id == item.id)
        .values(completion=-5.0)
    )
    db.session.execute(text("DELETE FROM board_snapshots"))
    db.session.commit()
    result = runner.invoke(args=["boards", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "1 items had figures that differed; 63 daily snapshots made." in result.output
    db.session.expire_all()
    assert _kept() == right
    assert db.session.scalar(select(SnapshotDay.day).order_by(SnapshotDay.day)) == (
        TODAY - timedelta(days=63)
    )


def _snapshots() -> set[tuple]:
    return {
        (s.day, s.city_id, s.department_id, s.directive_id, s.items, round(s.completion_sum, 6))
        for s in db.session.scalars(select(BoardSnapshot))
    }


def test_a_days_snapshot_is_written_once_and_equals_a_rebuild_from_history(client, login_as):
    supervisor = login_as("supervisor")
    assert client.get("/boards").status_code == 200
    days = set(db.session.scalars(select(SnapshotDay.day)))
    # The week-ago day and the chart's eight weeks, each written once.
    assert days == {TODAY - timedelta(weeks=n) for n in range(1, 9)}
    made = _snapshots()
    assert made and all(day < TODAY for day, *_ in made)
    client.get("/boards")
    client.get("/boards/nanjing")
    history.make_snapshots(sorted(days), TODAY)
    assert _snapshots() == made
    # Work reported today changes nothing of the past days.
    item = db.session.scalar(
        select(ActionItem).where(ActionItem.status == Status.IN_PROGRESS).order_by(ActionItem.id)
    )
    services.report_status(
        item, supervisor, services.Report(Status.IN_PROGRESS, 99, "Nearly"), item.version, TODAY
    )
    db.session.commit()
    history.rebuild(TODAY)
    db.session.commit()
    assert {s for s in _snapshots() if s[0] in days} == made


def _week_ago_change(items: list[ActionItem], today: date) -> float:
    """Percentage points gained since the end of the day a week ago, worked out here from
    the items' history: their completion now against the items counted then."""
    day = today - timedelta(days=7)
    end = datetime.combine(day + timedelta(days=1), time(0), ZONE)

    def then(item):
        before = [u for u in item.updates if u.created_at < end]
        status = before[-1].to_status if before else Status.NOT_STARTED
        if item.created_at >= end or status == Status.CANCELLED:
            return None
        weights = sum(m.weight for m in item.milestones)
        if weights:
            return (
                100.0
                * sum(m.weight for m in item.milestones if m.done_on and m.done_on <= day)
                / weights
            )
        return float(before[-1].to_progress if before else 0)

    values = [v for v in map(then, items) if v is not None]
    existed = [i for i in items if i.status != Status.CANCELLED and i.created_at < end]
    if not values or not existed:
        return 0.0
    return sum(completion_of(i) for i in existed) / len(existed) - sum(values) / len(values)


def test_change_since_last_week_equals_an_independent_count_from_the_history(client, login_as, app):
    from tracker.api.tokens import issue

    supervisor = login_as("admin")
    _token, secret = issue(supervisor, "test")
    db.session.commit()
    cities = client.get("/api/v1/boards", headers={"Authorization": f"Bearer {secret}"}).get_json()[
        "cities"
    ]
    assert any(abs(c["change_since_last_week"]) > 0.05 for c in cities)
    for row in cities:
        city = db.session.scalar(select(City).where(City.slug == row["slug"]))
        ids = [city.id, *(c.id for c in city.sub_units)]
        items = db.session.scalars(select(ActionItem).where(ActionItem.city_id.in_(ids))).all()
        assert row["change_since_last_week"] == round(_week_ago_change(items, TODAY), 1), row


def test_the_migration_computes_the_figures_the_app_keeps(app, seeded):
    path = next(Path("migrations/versions").glob("0010_*.py"))
    spec = importlib.util.spec_from_file_location("m0010", path)
    module = importlib.util.module_from_spec(spec)
    import sys

    sys.path.insert(0, "migrations")
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove("migrations")
    right = _kept()
    db.session.execute(update(ActionItem.__table__).values(completion=-1.0))
    db.session.execute(text(module.FIGURES))
    db.session.commit()
    db.session.expire_all()
    assert _kept() == right
    assert db.session.scalar(select(Milestone.id))  # the seed has milestones to count


LONG_AGO = datetime.combine(TODAY - timedelta(days=20), time(10), ZONE).astimezone(UTC)
REPORTED = datetime.combine(TODAY - timedelta(days=15), time(10), ZONE).astimezone(UTC)


def _frame(city):
    return figures.Frame(ActionItem.city_id.in_([city.id]), (city.id,), TODAY, 7, current_policy())


def _reported(item, progress):
    """An in-progress report well before the week-ago day."""
    db.session.add(
        StatusUpdate(
            item=item,
            created_at=REPORTED,
            from_status=Status.NOT_STARTED,
            to_status=Status.IN_PROGRESS,
            from_progress=0,
            to_progress=progress,
        )
    )
    item.status, item.progress = Status.IN_PROGRESS, progress


def _city_with_two_departments():
    city = City(slug="c1", name="C1")
    a = Department(city=city, slug="a", name="A")
    b = Department(city=city, slug="b", name="B")
    boss = User(email="boss@x", name="Boss", role=Role.SUPERVISOR, city=city)
    db.session.add_all([city, a, b, boss])
    db.session.flush()
    return city, a, b, boss


def _latest_updates_as_before(city, limit=10):
    """The old query: the latest updates of the city's items, whatever their items."""
    return db.session.scalars(
        select(StatusUpdate)
        .join(StatusUpdate.item)
        .where(ActionItem.city_id == city.id)
        .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
        .limit(limit)
    ).all()


def test_cancelling_an_untouched_item_is_no_progress_since_last_week(make_item):
    city, a, _b, boss = _city_with_two_departments()
    done_half = make_item(city, department=a, created_at=LONG_AGO)
    untouched = make_item(city, department=a, created_at=LONG_AGO)
    _reported(done_half, 50)
    db.session.commit()
    history.make_snapshots([TODAY - timedelta(days=7)], TODAY)  # the board's first view
    # Today: the untouched item is cancelled. Nobody made any progress.
    services.report_status(
        untouched, boss, services.Report(Status.CANCELLED, 0, "Dropped"), untouched.version, TODAY
    )
    db.session.commit()
    row = figures.board(_frame(city), ActionItem.city_id)[city.id]
    assert row.completion == 50.0
    assert row.change == 0.0  # 50 now of both vs 25 then


def test_a_milestone_deleted_through_the_session_is_no_longer_counted(make_item):
    city, a, _b, _boss = _city_with_two_departments()
    item = make_item(city, department=a)
    item.milestones = [
        Milestone(position=1, title="one", weight=1, done_on=TODAY),
        Milestone(position=2, title="two", weight=1),
    ]
    db.session.commit()
    assert item.completion == 50.0
    db.session.delete(item.milestones[1])  # not through the collection
    db.session.commit()
    db.session.expire_all()
    assert item.completion == 100.0


def test_a_milestone_added_by_item_id_is_counted(make_item):
    city, a, _b, _boss = _city_with_two_departments()
    item = make_item(city, department=a)
    db.session.commit()
    assert item.completion == 0.0
    db.session.add(Milestone(item_id=item.id, position=1, title="one", weight=1, done_on=TODAY))
    db.session.commit()
    db.session.expire_all()
    assert item.completion == 100.0


def test_an_escalation_names_a_responsible_person_who_has_left(make_item):
    from tracker.models import LineReason
    from tracker.reminders.planning import plan_due

    city, a, _b, boss = _city_with_two_departments()
    gone = User(
        email="gone@x",
        name="Gone Person",
        role=Role.STAFF,
        city=city,
        department=a,
        is_active=False,
    )
    db.session.add(gone)
    make_item(city, department=a, responsible=gone, due_on=TODAY - timedelta(days=4))
    db.session.commit()
    now = datetime.combine(TODAY, time(23), ZONE).astimezone(UTC)
    plan = plan_due(now, dry_run=True)
    escalations = [line for line in plan.lines if line.reason == LineReason.ESCALATION]
    assert escalations, plan.lines
    assert escalations[0].owner is not None and escalations[0].owner.name == "Gone Person"


def test_recent_updates_with_equal_timestamps_are_the_latest_by_id(make_item):
    city, a, _b, _boss = _city_with_two_departments()
    items = [make_item(city, department=a, created_at=LONG_AGO) for _ in range(11)]
    for item in reversed(items):  # one moment (an import, a seed): ids in the other order
        _reported(item, 10)
    db.session.commit()
    new = [u.id for u in lists.recent_updates(_frame(city))]
    assert new == [u.id for u in _latest_updates_as_before(city)]


def test_an_update_dated_before_its_items_creation_keeps_figures_and_rebuild_equal(make_item):
    city, a, _b, _boss = _city_with_two_departments()
    item = make_item(city, department=a, created_at=REPORTED + timedelta(hours=1))
    _reported(item, 30)  # stamped an hour before the item's created_at (seed tick wrap, import)
    db.session.commit()
    assert item.last_update_at == item.created_at  # the later of the two
    assert history.rebuild_items() == 0  # hook says created_at, rebuild says the update's time


def test_a_snapshot_failure_does_not_stop_the_ticks_sending(app, monkeypatch):
    from tracker.reminders import scheduler

    sent = []
    monkeypatch.setattr(scheduler, "send_due", lambda now, holder: sent.append(now) or {})
    monkeypatch.setattr(scheduler, "plan_due", lambda now: None)

    def broken(day):
        raise RuntimeError("snapshot query failed (e.g. database is locked)")

    monkeypatch.setattr(history, "snapshot_rows", broken)
    runner = scheduler.Runner(app, "t")
    runner.leader = True
    runner.tick(datetime(2026, 3, 16, 4, tzinfo=UTC))
    assert sent
