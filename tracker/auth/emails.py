"""The password email, for a forgotten password and for a new account alike."""

from __future__ import annotations

from email.message import EmailMessage

from flask_babel import force_locale
from flask_babel import gettext as _

from ..mail import compose, external_url
from ..models import User
from .services import RESET_VALID_FOR


def password_email(user: User, token: str, *, new_account: bool = False) -> EmailMessage:
    """The link to choose a password, in the user's language."""
    with force_locale(user.locale or "en"):
        subject = (
            _("Choose your Policy Tracker password")
            if new_account
            else _("Reset your Policy Tracker password")
        )
        return compose(
            user.email,
            user.name,
            subject,
            "password_reset",
            user=user,
            link=external_url("auth.reset_password", token=token),
            hours=int(RESET_VALID_FOR.total_seconds() // 3600),
        )
