"""The reminder rules' numbers, with the defaults of DESIGN.md; REMINDER_POLICY in the app's
config overrides any of them."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from flask import current_app

from ..extensions import db
from ..models import Setting


@dataclass(frozen=True)
class ReminderPolicy:
    before_days: tuple[int, ...] = (7, 3, 1)  # days before a due date
    on_the_day: bool = True
    overdue_every: int = 2  # while overdue, every N days (from the first day late)
    escalate_after: int = 3  # overdue by more than N days: the city's supervisors are told
    escalate_every: int = 3
    stale_after: int = 14  # no update for N days on an open item: a request to report
    stale_every: int = 7
    send_hour: int = 9  # local hour from which a recipient's daily email may go out
    digest_weekday: int = 0  # Monday
    max_attempts: int = 8
    retry_base_seconds: int = 60  # backoff: base * 2^(attempt-1), plus up to 20% jitter
    stop_after_failures: int = 3  # consecutive failures end a run early (server down)
    claim_seconds: int = 300  # a sender's claim; after it, another sender may take over
    catch_up_days: int = 31  # the longest gap planning catches up on
    # Count days as working days of the mainland China calendar (holidays and 调休 make-up
    # days), and send nothing on a day off; False counts calendar days.
    working_days: bool = False
    # 考核: the weights of a department's monthly score (tracker/boards/ranking.py): points
    # for a full on-time share and a full report share, points off per overdue item-day per
    # item.
    rank_on_time: int = 60
    rank_reports: int = 40
    rank_overdue_day: int = 1
    # The 督办 cycle: working days to acknowledge (签收) an assigned item; extension requests
    # (延期申请) an item may have; the day of the month by which a periodic report (定期报送)
    # is due, and how many days before it its owners are reminded.
    acknowledge_within: int = 1
    max_extensions: int = 2
    report_by_day: int = 25
    report_warn_days: int = 3


POLICY_KEY = "reminder_policy"


def current_policy() -> ReminderPolicy:
    """The defaults, overridden by the config (TRACKER_REMINDER_POLICY), overridden by what
    an admin saved on /admin/policy."""
    saved = db.session.get(Setting, POLICY_KEY)
    overrides = {
        **(current_app.config.get("REMINDER_POLICY") or {}),
        **(saved.value if saved else {}),
    }
    known = {f.name for f in fields(ReminderPolicy)}
    unknown = set(overrides) - known
    if unknown:
        raise RuntimeError(f"REMINDER_POLICY has unknown settings: {', '.join(sorted(unknown))}")
    if "before_days" in overrides:
        overrides = {**overrides, "before_days": tuple(overrides["before_days"])}
    return replace(ReminderPolicy(), **overrides)
