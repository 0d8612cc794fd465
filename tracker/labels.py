"""Translatable names of the status vocabulary, for pages and emails."""

from flask_babel import lazy_gettext as _l

from .models import Status

STATUS_LABELS = {
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.AT_RISK: _l("At risk"),
    Status.BLOCKED: _l("Blocked"),
    Status.AWAITING_VERIFICATION: _l("Awaiting verification"),
    Status.DONE: _l("Done"),
    Status.CANCELLED: _l("Cancelled"),
}
