"""The office's calendar: today's date in the configured time zone (TRACKER_TIMEZONE)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def office_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TRACKER_TIMEZONE"])


def office_today(now: datetime | None = None) -> date:
    """The date in the office's time zone at `now` (default: the current moment, or the
    TRACKER_TODAY setting when a test or a demo pins the day)."""
    pinned = current_app.config.get("TRACKER_TODAY")
    if now is None and pinned:
        return pinned if isinstance(pinned, date) else date.fromisoformat(pinned)
    return (now or datetime.now(UTC)).astimezone(office_zone()).date()
