"""Recording audit events: called by services in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from .extensions import db
from .models import AuditEvent, Base, User


def record(
    action: str,
    target: Base | None = None,
    *,
    target_type: str | None = None,
    actor: User | None = None,
    source: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Append an audit event; the caller's transaction commits it with the change.

    `source` defaults to the client's address in a request and to "cli" elsewhere.
    """
    event = AuditEvent(
        action=action,
        target_type=target.__tablename__ if target is not None else (target_type or "none"),
        target_id=target.id if target is not None else None,
        actor=actor,
        source=source or client_address(),
        details=details,
    )
    db.session.add(event)
    return event


def client_address() -> str:
    """The client's IP address in a request ("cli" outside one). Behind a proxy, ProxyFix
    (configured in production) makes remote_addr the real client."""
    if has_request_context():
        return request.remote_addr or "unknown"
    return "cli"
