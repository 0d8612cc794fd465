"""The reminder outbox: one row per message that must be sent (an email, a group robot's
post, an SMS), unique by its idempotency key, with the lines (item or milestone, and why) it
lists; and the scheduler's leader lease."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .audit import AuditEvent
from .base import Base, UTCDateTime, enum_type, utcnow
from .items import ActionItem, Milestone, StatusUpdate
from .org import Department, User


class ReminderKind(StrEnum):
    DAILY = "daily"  # one email a day: everything that needs the recipient
    DIGEST = "digest"  # weekly board of a supervisor's city
    ASSIGNMENT = "assignment"  # 交办通知: the items of a newly published speech
    RETURNED = "returned"  # 退回通知: a supervisor sent a submitted item back, with the reason
    REQUEST = "request"  # 催办: a supervisor asks the owners for an update, now (its lines)
    SUMMARY = "summary"  # a department's day in its group robot: due and overdue items
    ESCALATION = "escalation"  # the day's escalations, to a robot or by SMS
    BULLETIN = "bulletin"  # 督查通报: last month's bulletin of a city, on the month's first day
    NOTICE = "notice"  # one event told to one person: a 批示, an extension asked or decided


class Channel(StrEnum):
    """How a message travels: email to a person, a department's group robot, an SMS."""

    EMAIL = "email"
    ROBOT = "robot"
    SMS = "sms"


class ReminderState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class LineReason(StrEnum):
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    STALE = "stale"
    REQUESTED = "requested"  # a supervisor asked for an update (催办)
    ACKNOWLEDGE = "acknowledge"  # assigned and not yet acknowledged (签收) in time
    REPORT_DUE = "report_due"  # this period's report (定期报送) is due within days
    REPORT_MISSED = "report_missed"  # a reporting window closed without a report (to supervisors)


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_state_next_attempt", "state", "next_attempt_at"),
        Index("ix_reminders_recipient_period", "recipient_id", "period_on"),
        CheckConstraint(
            "(channel = 'robot' AND department_id IS NOT NULL AND recipient_id IS NULL)"
            " OR (channel != 'robot' AND recipient_id IS NOT NULL)",
            name="addressed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # kind:recipient:period: at most one daily email per recipient and day.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[ReminderKind] = mapped_column(enum_type(ReminderKind, "kind"))
    channel: Mapped[Channel] = mapped_column(
        enum_type(Channel, "channel"), default=Channel.EMAIL, server_default="email"
    )
    # A person (email, SMS) or, for a group robot, a department.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    period_on: Mapped[date] = mapped_column(Date)
    # For an assignment notice: the speech whose items it lists.
    speech_id: Mapped[int | None] = mapped_column(ForeignKey("speeches.id"))
    # For a return notice: the history entry that returned the item (who, when, why).
    update_id: Mapped[int | None] = mapped_column(ForeignKey("status_updates.id"))
    # For a notice: the audited event it tells of (a 批示, an extension asked or decided).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_events.id"))
    state: Mapped[ReminderState] = mapped_column(
        enum_type(ReminderState, "state"), default=ReminderState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A sender's claim; another sender may take the row over once it has expired.
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recipient: Mapped[User | None] = relationship()
    department: Mapped[Department | None] = relationship()
    update: Mapped[StatusUpdate | None] = relationship()
    event: Mapped[AuditEvent | None] = relationship()
    lines: Mapped[list[ReminderLine]] = relationship(
        back_populates="reminder", order_by="ReminderLine.id"
    )


class ReminderLine(Base):
    """One thing a recipient must be told: an item (or one of its milestones) and why.

    Planning inserts lines with a unique key (reason, item, milestone, recipient, day), so
    planning twice adds nothing. The sender gathers a recipient's waiting lines into that
    day's email (`reminder_id`), checks each again, and drops what no longer applies.
    """

    __tablename__ = "reminder_lines"
    __table_args__ = (Index("ix_reminder_lines_recipient_reminder", "recipient_id", "reminder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"))
    reason: Mapped[LineReason] = mapped_column(enum_type(LineReason, "reason"))
    # Days left before the due date (negative: days overdue), or days without an update.
    days: Mapped[int]
    # Whose item it is, when the recipient gets it as a delegate or as a supervisor.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    planned_on: Mapped[date] = mapped_column(Date)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"), index=True)
    # Checked again before sending and found no longer needed (item closed or reassigned).
    dropped: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    reminder: Mapped[Reminder | None] = relationship(back_populates="lines")
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    item: Mapped[ActionItem] = relationship()
    milestone: Mapped[Milestone | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])


# The items a group robot's request for an update (催办) names: a department's message has
# no lines of its own (lines belong to a person).
reminder_items = Table(
    "reminder_items",
    Base.metadata,
    Column("reminder_id", ForeignKey("reminders.id"), primary_key=True),
    Column("item_id", ForeignKey("action_items.id"), primary_key=True),
)


class SchedulerLease(Base):
    """The one active scheduler: whoever holds an unexpired lease is the leader."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(128))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_tick_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
