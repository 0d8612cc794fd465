"""The password email: for a forgotten password, or the welcome of a new account."""

from __future__ import annotations

from email.message import EmailMessage

from flask_babel import force_locale
from flask_babel import gettext as _

from ..mail import compose, external_url
from ..models import User
from .services import INVITE_VALID_FOR, RESET_VALID_FOR


def password_email(user: User, token: str, *, new_account: bool = False) -> EmailMessage:
    """The link to choose a password, in the user's language; a new account's says that an
    administrator made it, and its link lasts longer (INVITE_VALID_FOR)."""
    valid_for = INVITE_VALID_FOR if new_account else RESET_VALID_FOR
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
            new_account=new_account,
            link=external_url("auth.reset_password", token=token),
            sign_in=external_url("auth.login"),
            hours=int(valid_for.total_seconds() // 3600),
        )
