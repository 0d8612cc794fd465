"""What a new password must be: long (12 or more), not one of the common ones, not the
user's own email; no composition rules (NIST SP 800-63B)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from flask_babel import gettext as _

MIN_LENGTH = 12


@cache
def common_passwords() -> frozenset[str]:
    text = files("tracker").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why `password` is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(min)d characters.", min=MIN_LENGTH)
    folded = password.lower()
    if folded in common_passwords() or len(set(folded)) <= 2:
        return _("That password is among the most common ones; choose another.")
    if email and folded in (email.lower(), email.split("@")[0].lower()):
        return _("Do not use your email address as your password.")
    return None
