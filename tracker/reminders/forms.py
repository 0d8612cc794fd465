"""Reminder settings of a user."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField
from wtforms.validators import Optional


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class ReminderSettingsForm(FlaskForm):
    paused_until = DateField(_l("On leave until (inclusive)"), validators=[Optional()])
    delegate = SelectField(_l("Delegate while I am away"), coerce=_optional_int)
    receives_digest = BooleanField(_l("Send me the weekly digest"))


class RetryForm(FlaskForm):
    """Only a CSRF token: the retry button."""
