"""The schema comes only from Alembic, the migrations match the models exactly, and a
downgrade followed by an upgrade keeps every row."""

import hashlib
import time
from dataclasses import asdict
from datetime import date, datetime, timedelta

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, inspect, select, text

from tests.conftest import ACCOUNTS, TODAY
from tracker.extensions import db

DRAFT = """Mayor Chen: Build the digital economy

Mayor Chen said that it is necessary to open a data service centre within one year, \
publish a list of pilot projects before the end of the first quarter, and train 500 data \
engineers. The districts should report progress every month.
"""
PUBLISHED = """Mayor Chen: Clean water

Mayor Chen said that we must repair the river banks before the end of the year, and \
the districts should test the water every month. We need to plant trees along the canal.
"""


def _differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _revisions_below_head() -> list[str]:
    """Every revision but the head, newest first (head-1 ... 0001)."""
    config = current_app.extensions["migrate"].migrate.get_config()
    revisions = [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()]
    return revisions[1:]


def test_upgrade_from_empty_matches_models_and_downgrade_to_base_empties(make_app, make_database):
    app = make_app(make_database())
    with app.app_context():
        flask_migrate.upgrade()
        assert _differences() == []
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables

        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        flask_migrate.upgrade()
        assert _differences() == []
        db.engine.dispose()


def test_the_test_database_was_built_by_migrations(app):
    """The shared test database has Alembic's version table: it was not made by create_all."""
    assert "alembic_version" in inspect(db.engine).get_table_names()


def _fill_every_table() -> None:
    """The demo, and beside it a row of every kind the later revisions brought: drafts under
    review, rejected directives, assignment notices, reminders in every state with their
    lines, return notices, the scheduler's lease, sessions, password resets, API and calendar
    tokens, users on leave, locked out and delegating, settings, evidence files; each audited
    where the app audits it, a department's group robot, robot and SMS messages. Committed."""
    from tracker.admin.services import save_policy
    from tracker.api.tokens import issue, revoke
    from tracker.auth.services import find_user_by_email, request_password_reset
    from tracker.calendars.services import issue_token
    from tracker.models import (
        EvidenceFile,
        Milestone,
        PasswordReset,
        Reminder,
        ReminderKind,
        ReminderLine,
        ReminderState,
        Status,
        StatusUpdate,
        UserSession,
        token_digest,
        utcnow,
    )
    from tracker.reminders import lease
    from tracker.reminders.cli import end_of
    from tracker.reminders.planning import plan_due
    from tracker.reminders.policy import current_policy
    from tracker.reminders.sending import open_daily_messages
    from tracker.speeches import review
    from tracker.speeches.services import import_speech

    result = current_app.test_cli_runner().invoke(args=["seed", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    admin, supervisor, staff, other_staff = (
        find_user_by_email(ACCOUNTS[who]) for who in ("admin", "supervisor", "staff", "other_staff")
    )

    # A draft under review: one directive accepted, one rejected, the rest still proposed.
    draft = import_speech(
        DRAFT, city=supervisor.city, speaker="Chen", delivered_on=TODAY, draft=True
    )
    review.accept(draft.directives[0], supervisor, "Open a data service centre", None)
    review.reject(draft.directives[1], supervisor)
    # A speech reviewed, assigned and published: its assignment notices wait in the outbox.
    published = import_speech(
        PUBLISHED, city=supervisor.city, speaker="Chen", delivered_on=TODAY, draft=True
    )
    *chosen, rejected = published.directives
    for directive in chosen:
        review.accept(directive, supervisor, directive.title, TODAY + timedelta(days=90))
    review.reject(rejected, supervisor)
    items = review.assign(
        published, supervisor, chosen, staff.department, staff, [], TODAY, TODAY + timedelta(90)
    )
    review.publish(published, supervisor)
    survey = Milestone(position=1, title="Survey the banks", due_on=TODAY + timedelta(days=3))
    items[0].milestones.append(survey)
    db.session.commit()

    # A day of reminders planned and opened, then put in every state.
    now = end_of(TODAY)
    plan_due(now)
    db.session.commit()
    open_daily_messages(now, current_policy())
    daily = db.session.scalars(
        select(Reminder).where(Reminder.kind == ReminderKind.DAILY).order_by(Reminder.id)
    ).all()
    assert len(daily) >= 5
    sent, failed, sending, cancelled, waiting = daily[:5]
    sent.state, sent.attempts, sent.sent_at = ReminderState.SENT, 1, utcnow()
    failed.state, failed.attempts, failed.last_error = ReminderState.FAILED, 8, "550 no such user"
    sending.state, sending.claimed_by = ReminderState.SENDING, "host:1:cafe"
    sending.claimed_until = utcnow() + timedelta(minutes=5)
    cancelled.state = ReminderState.CANCELLED
    waiting.attempts, waiting.next_attempt_at = 2, utcnow() + timedelta(minutes=2)
    lines = db.session.scalars(select(ReminderLine).order_by(ReminderLine.id)).all()
    for line in lines:
        if line.recipient_id == sent.recipient_id:
            line.reminder = sent
    lines[-1].dropped = True
    lines[0].owner = supervisor  # as a delegate's line names whose item it is
    # The app gives assignment notices no lines; one gets a line all the same, so that the
    # downgrade has such a line to set aside with its notice.
    notice = db.session.scalar(select(Reminder).where(Reminder.kind == ReminderKind.ASSIGNMENT))
    lines[-2].reminder = notice
    assert lease.acquire("host:1:cafe", timedelta(minutes=1), now)
    lease.record_tick("host:1:cafe", now)

    # People: on leave with a delegate, locked out, signed in, resetting a password, with
    # API tokens (one revoked) and a calendar feed.
    staff.reminders_paused_until, staff.delegate = TODAY + timedelta(days=7), other_staff
    staff.timezone = "Asia/Shanghai"
    other_staff.failed_logins, other_staff.locked_until = 3, utcnow() + timedelta(minutes=15)
    db.session.add_all(
        [
            UserSession(
                token_hash=token_digest("a"), user=staff, ip="203.0.113.7", user_agent="UA"
            ),
            UserSession(token_hash=token_digest("b"), user=staff, revoked_at=utcnow()),
        ]
    )
    request_password_reset(staff.email)
    used, _token = request_password_reset(supervisor.email)
    db.session.flush()
    db.session.scalar(select(PasswordReset).where(PasswordReset.user == used)).used_at = utcnow()
    issue(staff, "Dashboard")
    old_token, _secret = issue(supervisor, "Old script")
    old_token.last_used_at = utcnow()
    revoke(old_token, supervisor)
    issue_token(staff)
    save_policy(admin, {**asdict(current_policy()), "before_days": [5, 2], "send_hour": 8})

    # An evidence file reported with an update, under the name it was uploaded as.
    content = b"%PDF-1.4 minutes of the meeting"
    evidence = EvidenceFile(
        size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content
    )
    db.session.add(
        StatusUpdate(
            item=items[0],
            author=staff,
            from_status=Status.NOT_STARTED,
            to_status=Status.IN_PROGRESS,
            from_progress=0,
            to_progress=10,
            note="Minutes attached",
            evidence_name="minutes.pdf",
            evidence_file=evidence,
            milestone=survey,
        )
    )
    # The item submitted and returned: its owner's return notice waits in the outbox.
    from tracker.items import services as item_services

    done = item_services.Report(Status.AWAITING_VERIFICATION, 100, "Done")
    db.session.flush()
    item_services.report_status(items[0], staff, done, items[0].version, TODAY)
    item_services.send_back(items[0], supervisor, "Attach the minutes", items[0].version, TODAY)
    # The boards' snapshot of a day that has ended, holding every item made so far.
    from tracker.boards import history

    history.make_snapshots([date.today()], date.today() + timedelta(days=1))
    # A department's group robot, a supervisor who takes urgent messages by SMS too, and in
    # the outbox a robot's post and an SMS.
    from tracker.models import Channel, DepartmentRobot, Platform
    from tracker.reminders.outbox import outbox_entry, plan_messages

    db.session.add(
        DepartmentRobot(
            department=staff.department,
            platform=Platform.DINGTALK,
            url="https://oapi.dingtalk.com/robot/send?access_token=abc123",
            secret="SECabc123",
        )
    )
    supervisor.mobile, supervisor.sms_urgent = "13800138000", True
    department = staff.department_id
    plan_messages(
        [
            outbox_entry(
                ReminderKind.SUMMARY,
                f"robot:{department}:{TODAY}",
                None,
                TODAY,
                now,
                channel=Channel.ROBOT,
                department_id=department,
            ),
            outbox_entry(
                ReminderKind.ESCALATION,
                f"sms:{supervisor.id}:{TODAY}",
                supervisor.id,
                TODAY,
                now,
                channel=Channel.SMS,
            ),
        ]
    )
    # A request for an update posted to the robot, naming its item.
    from tracker.channels.outbox import plan_request

    db.session.flush()
    assert plan_request([items[0]], set(), TODAY, "cafe", now)
    # A leader's instruction on a directive, and the notices that tell its owners of it.
    from tracker.items import cycle

    leader = find_user_by_email("han.bin@nanjing.example.com")
    cycle.instruct(leader, "抓紧推进。", TODAY, directive=items[0].directive)
    db.session.commit()


def _every_row() -> dict[str, list[tuple]]:
    """Every row of every table, all columns, in primary-key order."""
    return {
        table.name: db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        for table in db.metadata.sorted_tables
    }


def _empty_columns(rows: dict[str, list]) -> list[str]:
    """Columns without a single value: a round trip would prove nothing about them."""
    return [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for n, column in enumerate(table.columns)
        if all(row[n] is None for row in rows[table.name])
    ]


def test_a_round_trip_down_to_each_revision_and_back_keeps_every_row(make_app, make_database):
    """`tracker db downgrade` then `tracker db upgrade` once published every draft and
    accepted every rejected directive, and lost the tables and columns the downgrade
    dropped. Down to each revision and back up, on a database holding data of every kind,
    every row of every table must come back as it was."""
    app = make_app(make_database())
    with app.app_context():
        flask_migrate.upgrade()
        _fill_every_table()
        before = _every_row()
        db.session.remove()
        # Data of every kind: no table is empty, no column is all NULL (the test says where
        # a new table or column needs rows).
        assert [name for name, rows in before.items() if not rows] == []
        assert _empty_columns(before) == []
        revisions = _revisions_below_head()
        assert revisions[-1] == "0001"

        started = time.monotonic()
        for revision in revisions:
            flask_migrate.downgrade(revision=revision)
            flask_migrate.upgrade()
            after = _every_row()
            db.session.remove()
            for name, rows in before.items():
                assert after[name] == rows, f"{name} after a round trip to {revision}"
            assert _differences() == [], revision
            tables = set(inspect(db.engine).get_table_names())
            assert tables == {*db.metadata.tables, "alembic_version"}, "a stash was left behind"
            if db.engine.dialect.name == "sqlite":
                with db.engine.connect() as connection:
                    assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        elapsed = time.monotonic() - started

        if db.engine.dialect.name == "postgresql":
            _assert_sequences_are_past_the_restored_ids()
        compared = sum(map(len, before.values()))
        print(
            f"{compared} rows of {len(before)} tables compared after round trips to "
            f"{len(revisions)} revisions ({', '.join(revisions)}) on "
            f"{db.engine.dialect.name} in {elapsed:.1f} s"
        )
        db.engine.dispose()


def _assert_sequences_are_past_the_restored_ids() -> None:
    """A recreated table's id sequence starts again at 1: new rows would collide."""
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for key in table.primary_key.columns:
                sequence = connection.scalar(
                    text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": key.name}
                )
                if sequence is None:
                    continue  # not a serial key
                highest = connection.scalar(select(func.max(key)))
                last = connection.scalar(text(f"SELECT last_value FROM {sequence}"))
                assert last >= highest, table.name


def test_rows_written_at_an_older_revision_get_what_the_upgrade_gives(make_app, make_database):
    """The stash gives back only the rows it kept: a draft from before the downgrade is still
    a draft with its rejected directive, while a speech written while the database was at
    0001 counts as published once upgraded, and its directive as accepted."""
    from tracker.models import City, Directive, DirectiveState, Speech
    from tracker.speeches.services import import_speech

    app = make_app(make_database())
    with app.app_context():
        flask_migrate.upgrade()
        city = City(slug="nanjing", name="Nanjing")
        draft = import_speech(DRAFT, city=city, speaker="Chen", delivered_on=TODAY, draft=True)
        draft.directives[0].state = DirectiveState.REJECTED
        db.session.commit()
        draft_id, states = draft.id, [d.state for d in draft.directives]
        db.session.remove()

        flask_migrate.downgrade(revision="0001")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO speeches (id, city_id, speaker, title, delivered_on, language,"
                    " text, text_sha256, created_at) SELECT 90, id, 'Old', 'Old speech',"
                    " '2026-01-05', 'en', 'We must act.', :digest, :now FROM cities"
                ),
                {"digest": "0" * 64, "now": datetime(2026, 1, 5, 8, 0)},
            )
            connection.execute(
                text(
                    "INSERT INTO directives (id, speech_id, position, title, start_offset,"
                    " end_offset, sentence_start, sentence_end) VALUES (900, 90, 1, 'Act', 8,"
                    " 11, 0, 12)"
                )
            )
        flask_migrate.upgrade()

        draft = db.session.get(Speech, draft_id)
        assert draft.published_at is None
        assert [d.state for d in draft.directives] == states
        assert states[:2] == [DirectiveState.REJECTED, DirectiveState.PROPOSED]
        old = db.session.get(Speech, 90)
        assert old.published_at == old.created_at
        assert db.session.get(Directive, 900).state == DirectiveState.ACCEPTED
        db.session.remove()
        db.engine.dispose()
