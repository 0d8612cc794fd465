"""What the boards keep besides the items: each past day's figures, made once from the history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class BoardSnapshot(Base):
    """The items of one city, department and directive at the end of `day`: how many were
    counted (created by then and not cancelled) and their completion added up. Read by "since
    last week" and the weekly chart; made from the history by tracker/boards/history.py."""

    __tablename__ = "board_snapshots"
    __table_args__ = (Index("ix_board_snapshots_day_city", "day", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE")
    )
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"))
    items: Mapped[int]
    completion_sum: Mapped[float]


class SnapshotDay(Base):
    """A day whose snapshot rows are written (all of them, in one transaction)."""

    __tablename__ = "board_snapshot_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
