"""Server-side sessions: the cookie carries a random token, the database says whether it is
still good. Logout, a password change or deactivation revokes the row, so a copied cookie
stops working at once, in every worker process."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import User, UserSession, token_digest, utcnow

SESSION_KEY = "sid"
# Write last_seen_at at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=5)


def start_session(user: User) -> str:
    """Open a session row for `user` and put its token in a fresh cookie session."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=token_digest(token),
            user=user,
            ip=request.remote_addr,
            user_agent=(request.user_agent.string or "")[:255],
        )
    )
    session.clear()  # a new session on sign-in: nothing from before survives
    session[SESSION_KEY] = token
    session.permanent = True
    return token


def end_session() -> None:
    """Revoke the current session row and empty the cookie."""
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == token_digest(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    session.clear()


def end_all_sessions(user: User, *, keep_current: bool = False) -> None:
    """Revoke every session of `user` (but the current one, if asked)."""
    statement = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    token = session.get(SESSION_KEY) if keep_current else None
    if token:
        statement = statement.where(UserSession.token_hash != token_digest(token))
    db.session.execute(statement)


def load_user_from_session(_request) -> User | None:
    """Flask-Login's request loader: the user of a live session row, or None."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    row = db.session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.token_hash == token_digest(token))
    )
    now = utcnow()
    config = current_app.config
    if (
        row is None
        or row.revoked_at is not None
        or not row.user.is_active
        or now - row.last_seen_at > timedelta(minutes=config["SESSION_IDLE_MINUTES"])
        or now - row.created_at > timedelta(hours=config["SESSION_MAX_HOURS"])
    ):
        session.pop(SESSION_KEY, None)
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    g.user_session = row
    return row.user
