"""The 督办 cycle around an item: supporting departments (协办), deadline extension requests
(延期申请) and leaders' instructions (批示)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, enum_type, utcnow
from .items import ActionItem
from .org import Department, User
from .speeches import Directive


class ItemSupporter(Base):
    """A supporting department (协办单位) of an item, with its responsible person and the
    progress of its part as it last reported it."""

    __tablename__ = "item_supporters"
    __table_args__ = (
        UniqueConstraint("item_id", "department_id"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    progress: Mapped[int] = mapped_column(default=0)

    item: Mapped[ActionItem] = relationship(back_populates="supporters")
    department: Mapped[Department] = relationship()
    responsible: Mapped[User | None] = relationship()


class ExtensionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class ExtensionRequest(Base):
    """An owner's request for a later due date, and the supervisor's decision on it."""

    __tablename__ = "extension_requests"
    __table_args__ = (
        Index("ix_extension_requests_item_state", "item_id", "state"),
        CheckConstraint("due_on > current_due_on", name="later_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    current_due_on: Mapped[date] = mapped_column(Date)  # the due date when asked
    due_on: Mapped[date] = mapped_column(Date)  # the date asked for
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[ExtensionState] = mapped_column(
        enum_type(ExtensionState, "state"), default=ExtensionState.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)

    item: Mapped[ActionItem] = relationship(back_populates="extension_requests")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Instruction(Base):
    """A leader's instruction (批示) on an item or a directive. Append-only."""

    __tablename__ = "instructions"
    __table_args__ = (
        CheckConstraint("item_id IS NOT NULL OR directive_id IS NOT NULL", name="has_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("action_items.id"), index=True)
    directive_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User] = relationship()
    item: Mapped[ActionItem | None] = relationship()
    directive: Mapped[Directive | None] = relationship()
