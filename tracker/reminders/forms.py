"""Reminder settings of a user."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import Optional

from ..inputs import DateField, optional_int


class ReminderSettingsForm(FlaskForm):
    paused_until = DateField(_l("On leave until (inclusive)"), validators=[Optional()])
    delegate = SelectField(_l("Delegate while I am away"), coerce=optional_int)
    receives_digest = BooleanField(_l("Send me the weekly digest"))


class RetryForm(FlaskForm):
    """Only a CSRF token: the retry button."""
