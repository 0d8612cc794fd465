"""Recording audit events: called by services in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from .extensions import db
from .models import AuditEvent, Base, User


def record(
    action: str, target: Base, *, actor: User | None = None, source: str = "cli", **details: Any
) -> AuditEvent:
    """Append an audit event for `target`; the caller's transaction commits it with the change."""
    event = AuditEvent(
        action=action,
        target_type=target.__tablename__,
        target_id=target.id,
        actor=actor,
        source=source,
        details=details,
    )
    db.session.add(event)
    return event
