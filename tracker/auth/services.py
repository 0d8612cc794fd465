"""Sign-in with lockout and throttling kept in the database, password reset and change.
These functions flush; the request or command commits."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from .. import audit
from ..extensions import db
from ..models import AuditEvent, PasswordReset, User, token_digest, utcnow
from ..passwords import hash_password, verify_password
from .sessions import end_all_sessions, start_session

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
LOCKOUT = timedelta(minutes=15)
RESET_VALID_FOR = timedelta(hours=2)
INVITE_VALID_FOR = timedelta(hours=72)  # a new account's link: it may be read days later


class SignInRefused(Exception):
    """Sign-in did not happen; `message` is for the person, `status` for the response."""

    def __init__(self, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def sign_in(email: str, password: str) -> User:
    """Check the credentials and open a session, or raise SignInRefused. Failures are
    counted per account (lockout) and per address (throttle), and every attempt is audited."""
    now = utcnow()
    address = audit.client_address()
    recent_failures = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "auth.login_failed",
            AuditEvent.source == address,
            AuditEvent.at > now - LOCKOUT,
        )
    )
    user = find_user_by_email(email)
    if recent_failures >= MAX_FAILURES_PER_ADDRESS:
        audit.record("auth.login_throttled", user, target_type="users", email=email[:254])
        raise SignInRefused(
            _("Too many failed sign-ins from your network. Wait 15 minutes and try again."), 429
        )
    if user is None or not user.is_active:
        audit.record("auth.login_failed", user, target_type="users", email=email[:254])
        raise SignInRefused(_("Email or password is not right."))
    attempt = _count_attempt(user, now)
    if attempt is None or attempt > MAX_FAILURES_PER_ACCOUNT:
        if attempt is not None:  # more attempts at once than the limit: not even checked
            _lock(user, now)
        audit.record("auth.login_locked", user, actor=user)
        raise SignInRefused(_locked_message(), 429)
    if not verify_password(user.password_hash, password):
        if attempt == MAX_FAILURES_PER_ACCOUNT:
            _lock(user, now)
        audit.record("auth.login_failed", user, target_type="users", email=email[:254])
        raise SignInRefused(_("Email or password is not right."))
    if not _clear_failures_unless_locked(user, now):
        # Locked by failures counted in other workers while this password was checked.
        audit.record("auth.login_locked", user, actor=user)
        raise SignInRefused(_locked_message(), 429)
    start_session(user)
    audit.record("auth.login", user, actor=user)
    return user


def _locked_message() -> str:
    return _(
        "This account is locked for 15 minutes after repeated failed sign-ins. "
        "Try again later, or reset your password."
    )


def _clear_failures_unless_locked(user: User, now) -> bool:
    """Reset the failure count after a right password, in one statement that also checks
    the lock, so a lock set meanwhile by another worker is not undone. False if locked."""
    cleared = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(user, ["failed_logins", "locked_until"])
    return cleared == 1


def _count_attempt(user: User, now) -> int | None:
    """Count the attempt as a failure before the (slow) password check, in the database
    itself (`failed_logins + 1`) and committed at once, so that attempts arriving together
    in several workers each see the others: at most MAX_FAILURES_PER_ACCOUNT passwords are
    ever checked before the lock. A right password clears the count again. None while the
    account is locked. (The one commit a service makes: the count must not wait for the
    request's end.)"""
    attempt = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.commit()
    return attempt


def _lock(user: User, now) -> None:
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(locked_until=now + LOCKOUT, failed_logins=0)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["failed_logins", "locked_until"])


def request_password_reset(
    email: str, valid_for: timedelta = RESET_VALID_FOR
) -> tuple[User, str] | None:
    """A single-use reset token for an active account, or None (the page says the same
    either way, so nobody learns which emails have accounts)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        audit.record("auth.reset_requested_unknown", target_type="users", email=email[:254])
        return None
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(token_hash=token_digest(token), user=user, expires_at=utcnow() + valid_for)
    )
    audit.record("auth.reset_requested", user)
    return user, token


def valid_reset(token: str) -> PasswordReset | None:
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_digest(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at < utcnow():
        return None
    if not reset.user.is_active:
        return None
    return reset


def reset_password(reset: PasswordReset, new_password: str) -> User:
    """Use the token once: set the password, unlock, and end every session of the user."""
    user = reset.user
    reset.used_at = utcnow()
    _set_password(user, new_password)
    end_all_sessions(user)
    audit.record("auth.password_reset", user, actor=user)
    return user


def change_password(user: User, current: str, new_password: str) -> bool:
    """Change the password if `current` is right; other sessions of the user end."""
    if not verify_password(user.password_hash, current):
        return False
    _set_password(user, new_password)
    end_all_sessions(user, keep_current=True)
    audit.record("auth.password_changed", user, actor=user)
    return True


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
