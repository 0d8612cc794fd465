"""The rules of an item's life, tested as tables."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tracker.extensions import db
from tracker.items.rules import allowed_targets, light_sql, traffic_light, transition
from tracker.models import ActionItem, Role, Status

S, R = Status, Role
TODAY = date(2026, 3, 16)


@pytest.mark.parametrize(
    ("role", "source", "target", "allowed"),
    [
        (R.STAFF, S.NOT_STARTED, S.IN_PROGRESS, True),
        (R.STAFF, S.IN_PROGRESS, S.IN_PROGRESS, True),  # a progress report
        (R.STAFF, S.IN_PROGRESS, S.AT_RISK, True),
        (R.STAFF, S.AT_RISK, S.BLOCKED, True),
        (R.STAFF, S.IN_PROGRESS, S.AWAITING_VERIFICATION, True),
        (R.STAFF, S.IN_PROGRESS, S.DONE, False),  # staff never close
        (R.STAFF, S.AWAITING_VERIFICATION, S.DONE, False),
        (R.STAFF, S.AWAITING_VERIFICATION, S.IN_PROGRESS, True),  # withdraw
        (R.STAFF, S.IN_PROGRESS, S.CANCELLED, False),
        (R.STAFF, S.DONE, S.IN_PROGRESS, False),
        (R.STAFF, S.IN_PROGRESS, S.NOT_STARTED, False),
        (R.SUPERVISOR, S.AWAITING_VERIFICATION, S.DONE, True),  # verify
        (R.SUPERVISOR, S.AWAITING_VERIFICATION, S.IN_PROGRESS, True),  # return
        (R.SUPERVISOR, S.IN_PROGRESS, S.DONE, False),  # only after a submission
        (R.SUPERVISOR, S.BLOCKED, S.CANCELLED, True),
        (R.SUPERVISOR, S.DONE, S.IN_PROGRESS, False),
        (R.SUPERVISOR, S.CANCELLED, S.IN_PROGRESS, False),
        (R.ADMIN, S.AWAITING_VERIFICATION, S.DONE, True),
    ],
)
def test_transitions(role, source, target, allowed):
    assert (transition(role, source, target) is not None) is allowed


def test_returning_and_cancelling_need_a_reason_and_closing_needs_evidence_or_a_note():
    assert transition(R.SUPERVISOR, S.AWAITING_VERIFICATION, S.IN_PROGRESS).needs_note
    assert transition(R.SUPERVISOR, S.IN_PROGRESS, S.CANCELLED).needs_note
    assert transition(R.SUPERVISOR, S.AWAITING_VERIFICATION, S.DONE).needs_evidence_or_note
    assert transition(R.STAFF, S.IN_PROGRESS, S.AWAITING_VERIFICATION).needs_evidence_or_note
    assert not transition(R.STAFF, S.IN_PROGRESS, S.AT_RISK).needs_note


def test_the_form_offers_staff_only_what_they_may_choose():
    assert allowed_targets(R.STAFF, S.IN_PROGRESS) == [
        S.IN_PROGRESS,
        S.AT_RISK,
        S.BLOCKED,
        S.AWAITING_VERIFICATION,
    ]
    assert allowed_targets(R.STAFF, S.DONE) == []


def _item(status=S.IN_PROGRESS, progress=50, start=None, due=None, completed=None):
    return ActionItem(
        status=status, progress=progress, start_on=start, due_on=due, completed_on=completed
    )


D = date


@pytest.mark.parametrize(
    ("item", "colour", "reason"),
    [
        (_item(S.DONE, 100, due=D(2026, 1, 1)), "grey", "Closed"),
        (_item(S.CANCELLED, 20, due=D(2026, 1, 1)), "grey", "Closed"),
        (_item(due=None), "green", "No due date"),
        (_item(due=D(2026, 3, 15)), "red", "Overdue by 1 day"),
        (_item(S.BLOCKED, due=D(2026, 2, 14)), "red", "Overdue by 30 days"),
        (_item(due=D(2026, 3, 16)), "amber", "Due today"),
        (_item(due=D(2026, 3, 23)), "amber", "Due in 7 days"),
        (_item(progress=90, start=D(2026, 1, 1), due=D(2026, 3, 24)), "green", "On track"),
        # 序时进度: half the time gone (74 of 149 days), 20% done: behind.
        (
            _item(progress=20, start=D(2026, 1, 1), due=D(2026, 5, 30)),
            "amber",
            "Behind schedule: 20% done, 50% of the time gone",
        ),
        # Within the tolerance of 10 points: still green.
        (_item(progress=40, start=D(2026, 1, 1), due=D(2026, 5, 30)), "green", "On track"),
        (
            _item(S.AWAITING_VERIFICATION, 100, due=D(2026, 3, 1), completed=D(2026, 2, 27)),
            "green",
            "Submitted on time; awaiting verification",
        ),
        (
            _item(S.AWAITING_VERIFICATION, 100, due=D(2026, 3, 1), completed=D(2026, 3, 5)),
            "red",
            "Overdue by 15 days",
        ),
    ],
)
def test_traffic_light(app, item, colour, reason):
    light = traffic_light(item, TODAY, amber_days=7)
    assert (light.colour, light.reason) == (colour, reason)


_dates = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 6, 30))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    status=st.sampled_from(list(Status)),
    progress=st.integers(0, 100),
    start=st.one_of(st.none(), _dates),
    due=st.one_of(st.none(), _dates),
    completed=st.one_of(st.none(), _dates),
)
def test_the_sql_light_agrees_with_the_python_light(
    make_item, status, progress, start, due, completed
):
    if start and due and start > due:
        start, due = due, start
    item = make_item(
        status=status, progress=progress, start_on=start, due_on=due, completed_on=completed
    )
    colour = db.session.scalar(select(light_sql(TODAY, 7)).where(ActionItem.id == item.id))
    assert colour == traffic_light(item, TODAY, 7).colour
    db.session.rollback()
