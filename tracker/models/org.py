"""Who works here: cities (with sub-units), their departments, and the users of the tracker."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, enum_type, utcnow


class Role(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    LEADER = "leader"  # 市领导: sees the city, writes instructions (批示), changes nothing else
    ADMIN = "admin"


class City(Base):
    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str | None] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)

    parent: Mapped[City | None] = relationship(remote_side=[id], back_populates="sub_units")
    sub_units: Mapped[list[City]] = relationship(back_populates="parent", order_by="City.name")
    departments: Mapped[list[Department]] = relationship(
        back_populates="city", order_by="Department.name"
    )

    def __repr__(self) -> str:
        return f"<City {self.slug}>"


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (
        UniqueConstraint("city_id", "slug"),
        UniqueConstraint("city_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(160))
    name_zh: Mapped[str | None] = mapped_column(String(160))

    city: Mapped[City] = relationship(back_populates="departments")

    def __repr__(self) -> str:
        return f"<Department {self.slug} of city {self.city_id}>"


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role <> 'staff' OR department_id IS NOT NULL", name="staff_has_department"
        ),
        CheckConstraint("role = 'admin' OR city_id IS NOT NULL", name="scoped_to_city"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(160))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    # None means the configured TRACKER_TIMEZONE.
    timezone: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    receives_digest: Mapped[bool] = mapped_column(Boolean, default=True)
    # Urgent messages (escalations, 催办) also by SMS to this number, when the person opts in.
    mobile: Mapped[str | None] = mapped_column(String(20))
    sms_urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # On leave until this day (inclusive): reminders go to the delegate instead.
    reminders_paused_until: Mapped[date | None] = mapped_column(Date)
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The last day (in the user's time zone) reminders were planned for; planning catches up
    # from here, so a day the scheduler was down loses nothing.
    reminders_planned_on: Mapped[date | None] = mapped_column(Date)
    # Consecutive failed sign-ins, and the lockout they caused.
    # The secret of the personal calendar feed, hashed; None when there is no feed.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    city: Mapped[City | None] = relationship()
    department: Mapped[Department | None] = relationship()
    delegate: Mapped[User | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
