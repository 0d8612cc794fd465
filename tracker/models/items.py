"""Action items, their milestones, and the append-only history of status updates."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, enum_type, utcnow
from .org import City, Department, User
from .speeches import Directive

if TYPE_CHECKING:
    from .cycle import ExtensionRequest, ItemSupporter


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AT_RISK = "at_risk"
    BLOCKED = "blocked"
    AWAITING_VERIFICATION = "awaiting_verification"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_closed(self) -> bool:
        return self in (Status.DONE, Status.CANCELLED)


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    KEY = "key"  # 重点: followed personally by the leadership


item_co_owners = Table(
    "item_co_owners",
    Base.metadata,
    Column("item_id", ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


class ActionItem(Base):
    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        CheckConstraint(
            "start_on IS NULL OR due_on IS NULL OR start_on <= due_on", name="due_after_start"
        ),
        Index("ix_action_items_city_status_due", "city_id", "status", "due_on"),
        Index("ix_action_items_status_due", "status", "due_on"),
        Index("ix_action_items_department_status", "department_id", "status"),
        Index("ix_action_items_city_last_update", "city_id", "last_update_at"),
        # Partial: nearly every item has neither, and SQLite's statistics count the NULLs
        # as one value, which made it scan the table instead of reading a full index.
        Index(
            "ix_action_items_parent_id",
            "parent_id",
            sqlite_where=text("parent_id IS NOT NULL"),
            postgresql_where=text("parent_id IS NOT NULL"),
        ),
        Index(
            "ix_action_items_passed_to_city_id",
            "passed_to_city_id",
            sqlite_where=text("passed_to_city_id IS NOT NULL"),
            postgresql_where=text("passed_to_city_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    priority: Mapped[Priority] = mapped_column(enum_type(Priority, "priority"), default="normal")
    status: Mapped[Status] = mapped_column(enum_type(Status, "status"), default="not_started")
    progress: Mapped[int] = mapped_column(default=0)
    start_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    verified_on: Mapped[date | None] = mapped_column(Date)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Optimistic locking: a save based on an older version fails instead of overwriting.
    version: Mapped[int] = mapped_column(nullable=False)
    # Kept with every change in the same flush (tracker/items/figures.py), so that boards add
    # up columns instead of reading milestones and history: the completion (`completion_of`)
    # and the moment of the latest status update or of creation, whichever is later.
    # `tracker boards rebuild` recomputes both from the milestones and the history.
    completion: Mapped[float] = mapped_column(default=lambda context: _first_completion(context))
    last_update_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=lambda context: _created(context)
    )

    # The 督办 cycle: when each stage was reached (交办, 签收, first report, submitted; 办结 is
    # `verified_on`), the due date before the first approved extension, the item it was
    # passed down from (转办) or the sub-unit it was passed down to, the cadence of its
    # periodic reports (定期报送), and whether a supervisor opened extension requests after
    # the due date.
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_report_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    original_due_on: Mapped[date | None] = mapped_column(Date)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("action_items.id"))
    passed_to_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    reporting_cycle: Mapped[str | None] = mapped_column(String(16))
    # The day the cycle began (assigned with it, or set later): earlier windows do not count.
    reporting_since: Mapped[date | None] = mapped_column(Date)
    late_extension_open: Mapped[bool] = mapped_column(default=False, server_default="0")

    __mapper_args__ = {"version_id_col": version}

    directive: Mapped[Directive] = relationship()
    city: Mapped[City] = relationship(foreign_keys=[city_id])
    department: Mapped[Department | None] = relationship()
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    co_owners: Mapped[list[User]] = relationship(secondary=item_co_owners, order_by="User.name")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="item", order_by="Milestone.position", cascade="all, delete-orphan"
    )
    updates: Mapped[list[StatusUpdate]] = relationship(
        back_populates="item", order_by="StatusUpdate.id"
    )
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    passed_to_city: Mapped[City | None] = relationship(foreign_keys=[passed_to_city_id])
    parent: Mapped[ActionItem | None] = relationship(
        remote_side=[id], back_populates="children", foreign_keys=[parent_id]
    )
    children: Mapped[list[ActionItem]] = relationship(
        back_populates="parent", order_by="ActionItem.id", foreign_keys=[parent_id]
    )
    supporters: Mapped[list[ItemSupporter]] = relationship(
        back_populates="item", order_by="ItemSupporter.id", cascade="all, delete-orphan"
    )
    extension_requests: Mapped[list[ExtensionRequest]] = relationship(
        back_populates="item", order_by="ExtensionRequest.id"
    )

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} {self.status}>"


def _created(context) -> datetime:
    """A new item last moved when it was created (also for rows inserted without the ORM)."""
    return context.get_current_parameters().get("created_at") or utcnow()


def _first_completion(context) -> float:
    """A new item's completion, before it has milestones: done is 100, else its progress."""
    row = context.get_current_parameters()
    return 100.0 if row.get("status") == Status.DONE else float(row.get("progress") or 0)


class Milestone(Base):
    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        Index("ix_milestones_item_position", "item_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    weight: Mapped[int] = mapped_column(default=1)

    item: Mapped[ActionItem] = relationship(back_populates="milestones")


class StatusUpdate(Base):
    """One reported change of an item. Append-only: rows are never updated or deleted."""

    __tablename__ = "status_updates"
    __table_args__ = (Index("ix_status_updates_item_created", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    from_status: Mapped[Status | None] = mapped_column(enum_type(Status, "from_status"))
    to_status: Mapped[Status] = mapped_column(enum_type(Status, "to_status"))
    from_progress: Mapped[int | None]
    to_progress: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    # An uploaded file, kept in the database (every web host sees it, backups include it and
    # a rolled-back report leaves nothing behind), offered under the name it was uploaded as.
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_files.id"))
    evidence_name: Mapped[str | None] = mapped_column(String(255))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"))
    # A supporting department's report on its part (协办): the item's status and progress
    # stay as they were; the part's progress is its own.
    supporter_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    part_progress: Mapped[int | None]

    item: Mapped[ActionItem] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
    milestone: Mapped[Milestone | None] = relationship()
    supporter_department: Mapped[Department | None] = relationship()
    evidence_file: Mapped[EvidenceFile | None] = relationship()


class EvidenceFile(Base):
    """The bytes of an uploaded evidence file; written once, with the report that brings it."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # Loaded only when the file is downloaded, never with the history.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
