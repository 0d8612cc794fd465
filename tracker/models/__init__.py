"""The domain model of DESIGN.md, one module per part of the domain."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from .audit import AuditEvent
from .auth import ApiToken, PasswordReset, UserSession, token_digest
from .base import Base, utcnow
from .boards import BoardSnapshot, SnapshotDay
from .channels import DepartmentRobot, Platform
from .cycle import ExtensionRequest, ExtensionState, Instruction, ItemSupporter
from .items import (
    ActionItem,
    EvidenceFile,
    Milestone,
    Priority,
    Status,
    StatusUpdate,
    item_co_owners,
)
from .org import City, Department, Role, User
from .outbox import (
    Channel,
    LineReason,
    Reminder,
    ReminderKind,
    ReminderLine,
    ReminderState,
    SchedulerLease,
    reminder_items,
)
from .settings import Setting
from .speeches import Directive, DirectiveState, Speech

APPEND_ONLY = (StatusUpdate, AuditEvent, EvidenceFile, Instruction)


class AppendOnlyViolation(RuntimeError):
    """Raised when code tries to rewrite history (update or delete an append-only row)."""


@event.listens_for(Session, "before_flush")
def _refuse_history_rewrites(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, APPEND_ONLY) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyViolation(f"{type(obj).__name__} rows are append-only")


__all__ = [
    "ActionItem",
    "BoardSnapshot",
    "Channel",
    "DepartmentRobot",
    "Platform",
    "SnapshotDay",
    "ApiToken",
    "AppendOnlyViolation",
    "AuditEvent",
    "Base",
    "City",
    "Department",
    "Directive",
    "DirectiveState",
    "EvidenceFile",
    "ExtensionRequest",
    "ExtensionState",
    "Instruction",
    "ItemSupporter",
    "LineReason",
    "Milestone",
    "PasswordReset",
    "Priority",
    "Reminder",
    "ReminderKind",
    "ReminderLine",
    "ReminderState",
    "Role",
    "SchedulerLease",
    "Setting",
    "Speech",
    "Status",
    "StatusUpdate",
    "User",
    "UserSession",
    "item_co_owners",
    "reminder_items",
    "token_digest",
    "utcnow",
]
