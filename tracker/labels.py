"""Translatable names of the status vocabulary, for pages and emails."""

from flask_babel import lazy_gettext as _l

from .models import (
    Channel,
    DirectiveState,
    ExtensionState,
    LineReason,
    Platform,
    ReminderKind,
    ReminderState,
    Role,
    Status,
)

ROLE_LABELS = {
    Role.STAFF: _l("Staff"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.LEADER: _l("Leader"),
    Role.ADMIN: _l("Administrator"),
}

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
    "item.reminded": _l("Asked the owners for an update"),
    "item.notice_issued": _l("Issued a supervision notice"),
    "item.scheduled": _l("Changed title, dates or milestones"),
    "item.acknowledged": _l("Acknowledged receipt"),
    "item.supporters_set": _l("Set the supporting departments"),
    "item.part_reported": _l("Reported a supporting department's part"),
    "item.extension_requested": _l("Asked for a later due date"),
    "item.extension_approved": _l("Approved a later due date"),
    "item.extension_refused": _l("Refused a later due date"),
    "item.extension_opened": _l("Opened a late extension request"),
    "item.passed_down": _l("Passed down to a sub-unit"),
    "item.child_added": _l("Added a child item"),
    "item.cycle_set": _l("Set the reporting cycle"),
    "item.instructed": _l("Wrote an instruction"),
    "directive.instructed": _l("Wrote an instruction"),
    "auth.login": _l("Signed in"),
    "auth.logout": _l("Signed out"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.login_throttled": _l("Sign-in attempts throttled"),
    "auth.login_locked": _l("Account locked after failed sign-ins"),
    "auth.reset_requested": _l("Password reset requested"),
    "auth.reset_requested_unknown": _l("Password reset requested for an unknown email"),
    "auth.password_reset": _l("Password reset"),
    "auth.password_changed": _l("Password changed"),
    "admin.user_created": _l("Created an account"),
    "admin.user_updated": _l("Changed an account"),
    "admin.user_activated": _l("Reactivated an account"),
    "admin.user_deactivated": _l("Deactivated an account"),
    "admin.city_created": _l("Added a city"),
    "admin.department_created": _l("Added a department"),
    "department.robot_set": _l("Set a department's group robot"),
    "department.robot_removed": _l("Removed a department's group robot"),
    "admin.policy_saved": _l("Changed the reminder rules"),
    "api_token.issued": _l("Issued an API token"),
    "api_token.revoked": _l("Revoked an API token"),
    "user.created": _l("Account created from the seed plan"),
    "user.calendar_issued": _l("Calendar link issued"),
    "user.calendar_revoked": _l("Calendar link revoked"),
    "user.reminder_settings": _l("Changed reminder settings"),
    "reminder.retried": _l("Retried a reminder"),
    "directive.accepted": _l("Accepted a directive"),
    "directive.rejected": _l("Rejected a directive"),
    "directive.split": _l("Split a directive"),
    "directive.merged": _l("Merged directives"),
    "directive.added": _l("Added a directive"),
    "speech.imported": _l("Imported a speech"),
    "speech.published": _l("Published a speech's items"),
    "speech.city_changed": _l("Changed a speech's city"),
    "speech.discarded": _l("Discarded a speech"),
}


TARGET_LABELS = {
    "action_items": _l("Item"),
    "departments": _l("Department"),
    "cities": _l("City"),
    "users": _l("User"),
    "speeches": _l("Speech"),
    "directives": _l("Directive"),
    "reminders": _l("Message"),
    "api_tokens": _l("API token"),
    "settings": _l("Settings"),
    "user_sessions": _l("Sign-in session"),
    "instructions": _l("Instruction"),
}


def target_label(target_type: str) -> str:
    """What an audit event is about, in the reader's language (unknown ones as recorded)."""
    label = TARGET_LABELS.get(target_type)
    return str(label) if label is not None else target_type


def action_label(action: str) -> str:
    """A readable name for an audit action; unknown ones show as recorded."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def role_label(role: str) -> str:
    return str(ROLE_LABELS[Role(role)])


SOURCE_LABELS = {
    "cli": _l("command line or scheduler"),
    "seed": _l("demo data"),
    "unknown": _l("unknown"),
}


def source_label(source: str | None) -> str:
    """Where an audited action came from: a client's address as it is, else its name."""
    label = SOURCE_LABELS.get(source or "unknown")
    return str(label) if label is not None else source


REASON_LABELS = {
    LineReason.DUE_SOON: _l("Due soon"),
    LineReason.DUE_TODAY: _l("Due today"),
    LineReason.OVERDUE: _l("Overdue"),
    LineReason.ESCALATION: _l("Escalated"),
    LineReason.STALE: _l("No update for a while"),
    LineReason.REQUESTED: _l("Update requested"),
    LineReason.ACKNOWLEDGE: _l("Awaiting acknowledgement"),
    LineReason.REPORT_DUE: _l("Periodic report due"),
    LineReason.REPORT_MISSED: _l("Periodic report missed"),
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
    ReminderKind.RETURNED: _l("Return notice"),
    ReminderKind.REQUEST: _l("Request for an update"),
    ReminderKind.SUMMARY: _l("Department's daily summary"),
    ReminderKind.ESCALATION: _l("Escalation"),
    ReminderKind.BULLETIN: _l("Monthly bulletin"),
    ReminderKind.NOTICE: _l("Notice"),
}

CHANNEL_LABELS = {
    Channel.EMAIL: _l("Email"),
    Channel.ROBOT: _l("Group robot"),
    Channel.SMS: _l("SMS"),
}

PLATFORM_LABELS = {
    Platform.DINGTALK: _l("DingTalk group robot"),
    Platform.WECOM: _l("WeCom group robot"),
    Platform.FEISHU: _l("Feishu group robot"),
}

# How often a recurring duty the speech names comes round (the extractor's cadences).
CADENCE_LABELS = {
    "daily": _l("every day"),
    "weekly": _l("every week"),
    "monthly": _l("every month"),
    "quarterly": _l("every quarter"),
    "half-yearly": _l("every half year"),
    "yearly": _l("every year"),
}

DIRECTIVE_STATE_LABELS = {
    DirectiveState.PROPOSED: _l("Proposed"),
    DirectiveState.ACCEPTED: _l("Accepted"),
    DirectiveState.REJECTED: _l("Rejected"),
}

# How often an item's owners report (定期报送).
CYCLE_LABELS = {"monthly": _l("Monthly"), "quarterly": _l("Quarterly")}

EXTENSION_STATE_LABELS = {
    ExtensionState.PENDING: _l("Waiting for a decision"),
    ExtensionState.APPROVED: _l("Approved"),
    ExtensionState.REFUSED: _l("Refused"),
}
