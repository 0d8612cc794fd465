"""Reminder settings of a user."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..inputs import DateField, optional_int


class ReminderSettingsForm(FlaskForm):
    paused_until = DateField(_l("On leave until (inclusive)"), validators=[Optional()])
    delegate = SelectField(_l("Delegate while I am away"), coerce=optional_int)
    receives_digest = BooleanField(_l("Send me the weekly digest"))
    mobile = StringField(
        _l("Mobile number"),
        validators=[Optional(), Length(max=40)],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
    )
    sms_urgent = BooleanField(
        _l("Also send urgent messages (escalations, requests for an update) by SMS")
    )

    def validate_mobile(self, field) -> None:
        number = mobile_number(field.data)
        if number is False:
            raise ValidationError(_l("Give a mobile number such as 13800138000 or +8613800138000."))
        field.data = number

    def validate_sms_urgent(self, field) -> None:
        if field.data and not MOBILE_NOISE.sub("", self.mobile.data or ""):
            raise ValidationError(_l("Give your mobile number to receive SMS."))


MOBILE_NOISE = re.compile(r"[\s\-()]")
MAINLAND = re.compile(r"(?:\+?86)?(1[3-9][0-9]{9})")  # 11 digits from 13 to 19
ABROAD = re.compile(r"\+[1-9][0-9]{6,14}")  # E.164


def mobile_number(text: str | None) -> str | None | bool:
    """A mobile number as stored: 11 digits for the mainland (full-width digits, spaces,
    hyphens and +86 taken in), +… for elsewhere; None when empty, False when not a number."""
    number = MOBILE_NOISE.sub("", unicodedata.normalize("NFKC", text or ""))
    if not number:
        return None
    mainland = MAINLAND.fullmatch(number)
    if mainland:
        return mainland.group(1)
    if ABROAD.fullmatch(number) and not number.startswith("+86"):
        return number
    return False


class RetryForm(FlaskForm):
    """Only a CSRF token: the retry button."""
