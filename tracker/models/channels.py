"""Where a department's messages go besides its people's email: a group robot (DingTalk,
WeCom or Feishu) that its group chat reads."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, enum_type, utcnow
from .org import Department


class Platform(StrEnum):
    DINGTALK = "dingtalk"  # custom robot, signed: timestamp and HMAC-SHA256 in the URL
    WECOM = "wecom"  # group robot: the key is in the URL
    FEISHU = "feishu"  # custom bot, signed: timestamp and signature in the body


class DepartmentRobot(Base):
    """A department's group robot: its webhook address and, where the platform signs, the
    secret. Both are secrets: pages and commands show them masked."""

    __tablename__ = "department_robots"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), unique=True)
    platform: Mapped[Platform] = mapped_column(enum_type(Platform, "platform"))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    department: Mapped[Department] = relationship()
