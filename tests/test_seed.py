"""`tracker seed`: the demo plan loads completely, believably, and only once."""

import shutil
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import TODAY
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    AuditEvent,
    City,
    Department,
    Directive,
    Role,
    Speech,
    Status,
    StatusUpdate,
    User,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _snapshot() -> dict:
    """Every row of every table, to compare the database before and after."""
    return {
        table.name: sorted(map(tuple, db.session.execute(table.select()).all()), key=repr)
        for table in db.metadata.sorted_tables
    }


def test_seed_loads_both_speeches_with_their_plan(seeded):
    assert "Seeded 3 cities, 18 departments, 23 users, 2 speeches, 44 directives, 38 items." in (
        seeded.output
    )
    assert "chen.hong@nanjing.example.com" in seeded.output
    assert (_count(City), _count(Department), _count(User)) == (3, 18, 23)
    assert (_count(Speech), _count(Directive), _count(ActionItem)) == (2, 44, 38)
    haining = db.session.scalar(select(City).where(City.slug == "haining"))
    assert haining.parent.slug == "jiaxing"
    speeches = {s.city.slug: s for s in db.session.scalars(select(Speech))}
    assert speeches["nanjing"].delivered_on == date(2019, 12, 21)
    assert speeches["jiaxing"].delivered_on == date(2020, 1, 2)
    assert speeches["nanjing"].speaker == "Zhang Jinghua"
    assert speeches["nanjing"].title.startswith("Zhang Jinghua, Secretary of the Nanjing")
    assert speeches["jiaxing"].outlet == "Zhejiang News"
    assert speeches["jiaxing"].title_zh == "张兵：推动区块链技术应用"
    # The speech keeps the file's text verbatim, after the headline.
    raw = (SEEDS / "jiaxing-2020-01-02.txt").read_text(encoding="utf-8")
    assert raw.endswith(speeches["jiaxing"].text)


def test_every_item_points_at_the_exact_sentence_of_its_directive(seeded):
    for item in db.session.scalars(select(ActionItem)):
        directive = item.directive
        assert directive.speech.text[directive.start_offset : directive.end_offset] == (
            directive.source_text
        )
        assert directive.source_text in directive.source_sentence
    zju = db.session.scalar(
        select(ActionItem).where(ActionItem.title.startswith("Deepen the strategic cooperation"))
    )
    assert zju.city.slug == "haining"
    assert zju.directive.source_text.startswith("continue to deepen its strategic cooperation")
    assert zju.directive.source_sentence.startswith("Haining City should continue")


def test_seeding_twice_changes_nothing(runner, seeded):
    before = _snapshot()
    result = runner.invoke(args=["seed", "--today", (TODAY + timedelta(days=3)).isoformat()])
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    db.session.expire_all()
    assert _snapshot() == before


def test_the_demo_shows_every_situation_around_today(seeded):
    items = db.session.scalars(select(ActionItem)).all()
    open_items = [i for i in items if not Status(i.status).is_closed]
    overdue = [i for i in open_items if i.due_on < TODAY and i.status != "awaiting_verification"]
    due_this_week = [i for i in open_items if TODAY <= i.due_on <= TODAY + timedelta(days=7)]
    on_track = [i for i in open_items if i.due_on > TODAY + timedelta(days=7)]
    by_status = {status: [i for i in items if i.status == status] for status in Status}
    assert len(overdue) >= 4
    assert len(due_this_week) >= 4
    assert len(on_track) >= 8
    assert len(by_status[Status.AWAITING_VERIFICATION]) == 2
    assert len(by_status[Status.DONE]) == 4
    assert len(by_status[Status.CANCELLED]) == 1
    assert by_status[Status.BLOCKED] and by_status[Status.AT_RISK]
    assert by_status[Status.NOT_STARTED]
    projects = next(i for i in items if i.title.startswith("Compile the list of major"))
    # Day 140 of the plan, whose demo day (today) is 150.
    assert projects.due_on == TODAY - timedelta(days=10)
    assert projects.status == Status.AT_RISK


def test_history_is_a_consistent_chain_by_the_right_people(seeded):
    end_of_today = TODAY + timedelta(days=1)
    for item in db.session.scalars(select(ActionItem)):
        status, progress = Status.NOT_STARTED, 0
        for update in item.updates:
            assert (update.from_status, update.from_progress) == (status, progress)
            status, progress = update.to_status, update.to_progress
            assert update.created_at.date() < end_of_today
            if update.to_status in (Status.DONE, Status.CANCELLED):
                assert update.author.role == Role.SUPERVISOR
            elif update.supporter_department is not None:  # a supporting department's part
                assert update.author.department == update.supporter_department
                assert update.author in [s.responsible for s in item.supporters]
            elif item.children:  # its progress rolled up from its children
                assert update.author is None
            else:
                assert update.author == item.responsible
        assert (item.status, item.progress) == (status, progress)
        if item.status == Status.DONE:
            assert item.verified_by.role == Role.SUPERVISOR
            assert item.completed_on <= item.verified_on <= TODAY
        assert item.updated_at == (item.updates[-1].created_at if item.updates else item.created_at)
    assert _count(StatusUpdate) > 40
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"speech.imported", "item.seeded", "user.created"} <= actions


def test_anchor_speech_keeps_dates_relative_to_the_speech_day(runner):
    result = runner.invoke(args=["seed", "--anchor", "speech"])
    assert result.exit_code == 0, result.output
    plan_item = db.session.scalar(
        select(ActionItem).where(ActionItem.title.startswith("Draft the city's blockchain"))
    )
    spoken = date(2019, 12, 21)
    assert plan_item.start_on == spoken + timedelta(days=7)
    assert plan_item.due_on == spoken + timedelta(days=100)
    assert plan_item.verified_on == spoken + timedelta(days=103)


def test_a_plan_naming_a_missing_directive_fails_clearly_and_writes_nothing(runner, tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    plan = tmp_path / "seeds" / "plan.toml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            'directive = "select key directions"', 'directive = "select the moon"'
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["seed", "--plan", str(plan)])
    assert result.exit_code == 1
    assert "'Publish the key application directions for blockchain'" in result.output
    assert "no directive of speech 'nanjing' start with 'select the moon'" in result.output
    assert [_count(m) for m in (City, User, Speech, ActionItem, AuditEvent)] == [0, 0, 0, 0, 0]


def test_a_plan_with_a_bad_status_names_the_entry(runner, tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    plan = tmp_path / "seeds" / "plan.toml"
    text = plan.read_text(encoding="utf-8").replace('"at_risk"', '"nearly_done"', 1)
    plan.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["seed", "--plan", str(plan)])
    assert result.exit_code == 1
    assert "items entry 3: 'nearly_done' is not a valid Status" in result.output
    assert _count(City) == 0
