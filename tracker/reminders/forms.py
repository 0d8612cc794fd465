"""Reminder settings of a user."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..inputs import DateField, optional_int


class ReminderSettingsForm(FlaskForm):
    paused_until = DateField(_l("On leave until (inclusive)"), validators=[Optional()])
    delegate = SelectField(_l("Delegate while I am away"), coerce=optional_int)
    receives_digest = BooleanField(_l("Send me the weekly digest"))
    mobile = StringField(_l("Mobile number"), validators=[Optional(), Length(max=40)])
    sms_urgent = BooleanField(
        _l("Also send urgent messages (escalations, requests for an update) by SMS")
    )

    def validate_mobile(self, field) -> None:
        number = MOBILE_NOISE.sub("", field.data or "")
        if number and not MOBILE.fullmatch(number):
            raise ValidationError(_l("Give a mobile number such as 13800138000 or +8613800138000."))
        field.data = number or None

    def validate_sms_urgent(self, field) -> None:
        if field.data and not MOBILE_NOISE.sub("", self.mobile.data or ""):
            raise ValidationError(_l("Give your mobile number to receive SMS."))


MOBILE_NOISE = re.compile(r"[\s\-()]")
MOBILE = re.compile(r"\+?[0-9]{6,15}")


class RetryForm(FlaskForm):
    """Only a CSRF token: the retry button."""
