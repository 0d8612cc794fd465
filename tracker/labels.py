"""Translatable names of the status vocabulary, for pages and emails."""

from flask_babel import lazy_gettext as _l

from .models import DirectiveState, LineReason, ReminderKind, ReminderState, Status

STATUS_LABELS = {
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.AT_RISK: _l("At risk"),
    Status.BLOCKED: _l("Blocked"),
    Status.AWAITING_VERIFICATION: _l("Awaiting verification"),
    Status.DONE: _l("Done"),
    Status.CANCELLED: _l("Cancelled"),
}

ACTION_LABELS = {
    "item.seeded": _l("Created from the seed plan"),
    "item.drafted": _l("Drafted from the speech"),
    "item.reported": _l("Reported progress"),
    "item.submitted": _l("Submitted for verification"),
    "item.withdrawn": _l("Withdrew the submission"),
    "item.returned": _l("Returned to the owners"),
    "item.verified": _l("Verified and closed"),
    "item.cancelled": _l("Cancelled"),
    "item.assigned": _l("Assigned"),
    "item.scheduled": _l("Changed title, dates or milestones"),
}


def action_label(action: str) -> str:
    """A readable name for an audit action; unknown ones show as recorded."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


REASON_LABELS = {
    LineReason.DUE_SOON: _l("Due soon"),
    LineReason.DUE_TODAY: _l("Due today"),
    LineReason.OVERDUE: _l("Overdue"),
    LineReason.ESCALATION: _l("Escalated"),
    LineReason.STALE: _l("No update for a while"),
}

STATE_LABELS = {
    ReminderState.PENDING: _l("Waiting to be sent"),
    ReminderState.SENDING: _l("Being sent"),
    ReminderState.SENT: _l("Sent"),
    ReminderState.FAILED: _l("Failed"),
    ReminderState.CANCELLED: _l("Not needed any more"),
}

KIND_LABELS = {
    ReminderKind.DAILY: _l("Daily reminder"),
    ReminderKind.DIGEST: _l("Weekly digest"),
    ReminderKind.ASSIGNMENT: _l("Assignment notice"),
}

DIRECTIVE_STATE_LABELS = {
    DirectiveState.PROPOSED: _l("Proposed"),
    DirectiveState.ACCEPTED: _l("Accepted"),
    DirectiveState.REJECTED: _l("Rejected"),
}
