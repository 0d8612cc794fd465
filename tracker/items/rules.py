"""The rules of an item's life, each written once: who may move an item from which status to
which, what that move requires, and the traffic light that dates and progress give it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..models import ActionItem, Role, Status

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
                    expected=expected,
                )
            ),
        )
    return Light("green", str(_l("On track")))


def expected_progress(start: date | None, due: date, today: date) -> int | None:
    """The share of the item's span that has elapsed, in percent (None without a start)."""
    if start is None or start >= due:
        return None
    elapsed = (min(max(today, start), due) - start).days
    return round(100 * elapsed / (due - start).days)
