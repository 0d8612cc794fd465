"""The rules of an item's life, each written once: who may move an item from which status to
which, what that move requires, the traffic light that dates and progress give it, and what
counts as due soon, stale and its last update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Date, Integer, and_, case, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..clock import office_zone
from ..models import ActionItem, ExtensionRequest, ExtensionState, Role, Status
from ..workdays import count_days

if TYPE_CHECKING:
    from ..reminders.policy import ReminderPolicy

S = Status
OPEN = frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.AT_RISK, S.BLOCKED})
WORKING = frozenset({S.IN_PROGRESS, S.AT_RISK, S.BLOCKED})
EVERYONE = frozenset({Role.STAFF, Role.SUPERVISOR, Role.ADMIN})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    source: frozenset[Status]
    targets: frozenset[Status]
    roles: frozenset[Role]
    needs_note: bool = False  # a reason must be written
    needs_evidence_or_note: bool = False


TRANSITIONS = (
    # Report progress: staying in or moving between the working statuses.
    Transition(OPEN, WORKING, EVERYONE),
    # Submit for verification (staff cannot close an item themselves).
    Transition(OPEN, frozenset({S.AWAITING_VERIFICATION}), EVERYONE, needs_evidence_or_note=True),
    # A note, evidence or a reached milestone on a submitted item: it stays submitted.
    Transition(
        frozenset({S.AWAITING_VERIFICATION}),
        frozenset({S.AWAITING_VERIFICATION}),
        EVERYONE,
        needs_evidence_or_note=True,
    ),
    # Withdraw a submission, or a supervisor returns it: back to work, with a reason.
    Transition(frozenset({S.AWAITING_VERIFICATION}), frozenset({S.IN_PROGRESS}), EVERYONE, True),
    # Verify and close.
    Transition(
        frozenset({S.AWAITING_VERIFICATION}),
        frozenset({S.DONE}),
        SUPERVISORS,
        needs_evidence_or_note=True,
    ),
    # Cancel an item that will not be done, with the reason.
    Transition(OPEN | {S.AWAITING_VERIFICATION}, frozenset({S.CANCELLED}), SUPERVISORS, True),
)


def transition(role: Role, source: Status, target: Status) -> Transition | None:
    """The rule allowing `role` to move an item from `source` to `target`, or None."""
    for rule in TRANSITIONS:
        if source in rule.source and target in rule.targets and role in rule.roles:
            return rule
    return None


def allowed_targets(role: Role, source: Status) -> list[Status]:
    """The statuses `role` may choose for an item in `source`, in vocabulary order."""
    return [status for status in Status if transition(role, source, status)]


@dataclass(frozen=True)
class Light:
    colour: str  # "red", "amber", "green" or "grey"
    reason: str

    @property
    def label(self) -> str:
        return str(LIGHT_LABELS[self.colour])


LIGHT_LABELS = {"red": _l("Red"), "amber": _l("Amber"), "green": _l("Green"), "grey": _l("Grey")}

# How far progress may trail the share of time elapsed before an item counts as behind.
BEHIND_TOLERANCE = 10


def traffic_light(item: ActionItem, today: date, amber_days: int = 7) -> Light:
    """Red: overdue. Amber: due within `amber_days`, or progress behind the time elapsed
    (序时进度). Green: otherwise. Grey: done or cancelled."""
    status = Status(item.status)
    if status.is_closed:
        return Light("grey", str(_l("Closed")))
    due = item.due_on
    if due is None:
        return Light("green", str(_l("No due date")))
    if status == S.AWAITING_VERIFICATION and item.completed_on and item.completed_on <= due:
        return Light("green", str(_l("Submitted on time; awaiting verification")))
    if due < today:
        days = (today - due).days
        return Light("red", ngettext("Overdue by %(num)d day", "Overdue by %(num)d days", days))
    if (due - today).days <= amber_days:
        days = (due - today).days
        if days == 0:
            return Light("amber", str(_l("Due today")))
        return Light("amber", ngettext("Due in %(num)d day", "Due in %(num)d days", days))
    expected = expected_progress(item.start_on, due, today)
    if expected is not None and item.progress + BEHIND_TOLERANCE < expected:
        return Light(
            "amber",
            str(
                _l(
                    "Behind schedule: %(done)d%% done, %(expected)d%% of the time gone",
                    done=item.progress,
                    expected=round(expected),
                )
            ),
        )
    return Light("green", str(_l("On track")))


def expected_progress(start: date | None, due: date, today: date) -> float | None:
    """The share of the item's span that has elapsed, in percent (None without a start)."""
    if start is None or start >= due:
        return None
    elapsed = (min(max(today, start), due) - start).days
    return 100 * elapsed / (due - start).days


def light_sql(today: date, amber_days: int):
    """The same rule as `traffic_light`, as a SQL expression giving the colour, for filters
    and boards. tests/test_rules.py checks that the two agree on any item."""
    due, start = ActionItem.due_on, ActionItem.start_on
    day = literal(today, Date)
    submitted_on_time = and_(
        ActionItem.status == S.AWAITING_VERIFICATION,
        ActionItem.completed_on.is_not(None),
        ActionItem.completed_on <= due,
    )
    behind = and_(
        start.is_not(None),
        start < due,
        ActionItem.progress + BEHIND_TOLERANCE
        < 100.0 * days_between(day, start) / days_between(due, start),
    )
    return case(
        (ActionItem.status.in_([S.DONE, S.CANCELLED]), "grey"),
        (due.is_(None), "green"),
        (submitted_on_time, "green"),
        (due < day, "red"),
        (due <= literal(today + timedelta(days=amber_days), Date), "amber"),
        (behind, "amber"),
        else_="green",
    )


class days_between(FunctionElement):
    """Whole days from the second date to the first, on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    """For the generic compiler SQLAlchemy uses to name parts of a statement (a LIMIT with a
    joined eager load, as the CSV export makes); real statements use the dialect's below."""
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({later} - {earlier})"


def area_light(open_items: int, red: int, amber: int) -> Light:
    """The light of a city or department: red when a fifth or more of its open items are
    overdue; amber when any is overdue or a fifth are amber; green otherwise; grey when
    nothing is open."""
    if open_items == 0:
        return Light("grey", str(_l("Nothing open")))
    if red * 5 >= open_items:
        return Light(
            "red", str(_l("%(red)d of %(open)d open items overdue", red=red, open=open_items))
        )
    if red or amber * 5 >= open_items:
        return Light(
            "amber",
            str(_l("%(red)d overdue, %(amber)d due soon or behind", red=red, amber=amber)),
        )
    return Light("green", str(_l("On track")))


# What a supervisor watches beside the light, each written once for the boards, the weekly
# digest and reminder planning. "Due soon" is the light's amber by date: due within
# TRACKER_AMBER_DAYS. "Stale" takes `stale_after` from the reminder policy admins edit on
# /admin/policy, and counts days as that policy does (calendar or working days).


def due_soon_sql(today: date, amber_days: int):
    """Open and due from today to `amber_days` ahead, the days that turn the light amber."""
    return and_(
        ActionItem.status.in_(OPEN),
        ActionItem.due_on >= literal(today, Date),
        ActionItem.due_on <= literal(today + timedelta(days=amber_days), Date),
    )


def is_stale(last_update_on: date, today: date, policy: ReminderPolicy) -> bool:
    """An open item is stale on `today` when its last update (office day) is `stale_after`
    days ago or more, days counted as the policy counts them."""
    quiet = count_days(last_update_on, today, working=policy.working_days)
    return quiet >= policy.stale_after


def stale_cutoff(today: date, policy: ReminderPolicy) -> date:
    """The latest day an item's last update may fall on for it to be stale on `today`."""
    day = today - timedelta(days=policy.stale_after)
    while not is_stale(day, today, policy):  # working days: further back past days off
        day -= timedelta(days=1)
    return day


def stale_sql(today: date, policy: ReminderPolicy):
    """`is_stale` as SQL: open items not updated since the end of `stale_cutoff`."""
    end_of_cutoff = datetime.combine(
        stale_cutoff(today, policy) + timedelta(days=1), time(0), office_zone()
    )
    return and_(ActionItem.status.in_(OPEN), ActionItem.last_update_at < end_of_cutoff)


# The 督办 cycle. An assigned open item waits for its lead department to acknowledge it
# (签收, "待签收"); it is late to do so after `acknowledge_within` working days. An item whose
# due date an approved extension moved keeps its original due date and counts as extended.
REPORTING_CYCLES = ("monthly", "quarterly")


def unacknowledged_sql():
    return and_(
        ActionItem.status.in_(OPEN),
        ActionItem.assigned_at.is_not(None),
        ActionItem.acknowledged_at.is_(None),
    )


def is_unacknowledged(item: ActionItem) -> bool:
    return (
        Status(item.status) in OPEN
        and item.assigned_at is not None
        and item.acknowledged_at is None
    )


def acknowledgement_late(assigned_on: date, today: date, policy: ReminderPolicy) -> bool:
    """Past the working days the policy gives to acknowledge an item assigned on a day."""
    return count_days(assigned_on, today, working=True) >= policy.acknowledge_within


def extended_sql():
    return ActionItem.original_due_on.is_not(None)


def extension_pending_sql():
    """Open items with an extension request waiting for a supervisor's decision."""
    return and_(
        ActionItem.status.in_(OPEN),
        ActionItem.id.in_(
            select(ExtensionRequest.item_id).where(ExtensionRequest.state == ExtensionState.PENDING)
        ),
    )


# What a board lists as needing attention, and the item list filters by ("attention=").
ATTENTION = (
    "overdue",
    "due_soon",
    "stale",
    "unacknowledged",
    "report_missed",
    "extension_pending",
    "extended",
)


def attention_sql(key: str, today: date, amber_days: int, policy: ReminderPolicy):
    """Open items that are overdue (a red light), due soon, stale, awaiting acknowledgement,
    or that missed a report; items with an extension request waiting, or whose due date was
    extended."""
    if key == "overdue":
        return and_(ActionItem.status.in_(OPEN), light_sql(today, amber_days) == "red")
    if key == "due_soon":
        return due_soon_sql(today, amber_days)
    if key == "unacknowledged":
        return unacknowledged_sql()
    if key == "report_missed":
        from .reporting import missed_sql  # reporting builds on these rules

        return missed_sql(today, policy.report_by_day)
    if key == "extended":
        return extended_sql()
    if key == "extension_pending":
        return extension_pending_sql()
    return stale_sql(today, policy)
