"""API tokens: issued to a user, shown once, stored hashed, revocable; and the bearer check."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import ApiToken, User, token_digest, utcnow

PREFIX = "pt_"


def issue(user: User, name: str) -> tuple[ApiToken, str]:
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:100] or "API", token_hash=token_digest(secret))
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.issued", token, actor=user, name=token.name)
    return token, secret


def revoke(token: ApiToken, actor: User) -> None:
    token.revoked_at = utcnow()
    audit.record("api_token.revoked", token, actor=actor)


def user_for_bearer(header: str | None) -> User | None:
    """The active user of a valid, unrevoked token in an `Authorization: Bearer` header."""
    if not header or not header.startswith("Bearer "):
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_digest(header[7:].strip()))
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
        db.session.commit()
    return token.user
