"""Sending the outbox: claim, check again, send over SMTP outside any transaction, mark.

Delivery is at-least-once. If a sender dies after the SMTP server accepted a message but
before it recorded that, its claim expires and another sender sends the message again with
the same Message-ID (derived from the outbox id), so mail clients can tell it is the same
message. The other choice, at-most-once, could lose a reminder, which is worse here.
"""

from __future__ import annotations

import random
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import joinedload

from ..channels import outbox as channel_outbox
from ..channels.delivery import destination
from ..channels.delivery import prepare as channel_message
from ..channels.http import DeliveryError
from ..clock import office_zone
from ..documents.mailing import (
    attach_notices,
    bulletins_due,
    compose_bulletin,
    one_bulletin_per_city,
)
from ..extensions import db
from ..items.notices import owners_of
from ..items.rules import OPEN, is_unacknowledged
from ..mail import MailConnection
from ..models import (
    ActionItem,
    Channel,
    ItemSupporter,
    LineReason,
    Reminder,
    ReminderKind,
    ReminderLine,
    ReminderState,
    Role,
    User,
    utcnow,
)
from .content import COMPOSERS, compose_daily
from .outbox import outbox_entry, plan_messages
from .policy import ReminderPolicy, current_policy
from .rules import is_open

# Messages whose content is worked out from their key alone (no lines).
COMPOSED_ALONE = {**COMPOSERS, ReminderKind.BULLETIN: compose_bulletin}


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    stopped_early: bool = False


def send_due(now: datetime, sender: str, batch: int = 200) -> SendReport:
    """Gather waiting lines into today's emails, open the robots' daily summaries, then send
    every message that is due, in batches: emails over one reused SMTP connection, robot
    posts and SMS over HTTPS. Each message is claimed just before it is sent, so a slow
    server never lets a claim lapse while the message waits its turn. A destination (the
    mail server, the SMS gateway, one robot) that keeps failing is left for the next run;
    the others go on."""
    policy = current_policy()
    open_daily_messages(now, policy)
    report = SendReport()
    clock = _RunClock(now)
    failures: dict[str, int] = {}  # consecutive failures per destination
    after_id = 0
    with MailConnection() as connection, one_bulletin_per_city():
        while True:
            candidates = due(now, after_id, batch)
            if not candidates:
                break
            after_id = candidates[-1][0]
            for reminder_id, channel, department_id in candidates:
                where = destination(channel, department_id)
                if failures.get(where, 0) >= policy.stop_after_failures:
                    report.stopped_early = True  # this destination is down: the next tick
                    continue
                if not claim_one(reminder_id, sender, clock.now(), policy):
                    continue  # another sender has it
                message = prepare(reminder_id, sender, now)
                if message is None:
                    report.cancelled += 1
                    continue
                try:
                    if isinstance(message, EmailMessage):
                        connection.send(message)
                    else:
                        message.send()
                except smtplib.SMTPResponseException as error:
                    permanent = 500 <= error.smtp_code < 600
                    _record_failure(reminder_id, sender, now, policy, error, permanent, report)
                except (smtplib.SMTPException, OSError) as error:
                    _record_failure(reminder_id, sender, now, policy, error, False, report)
                except DeliveryError as error:
                    _record_failure(
                        reminder_id,
                        sender,
                        now,
                        policy,
                        error,
                        error.permanent,
                        report,
                        wait=error.retry_after,
                    )
                    if error.retry_after:  # rate-limited: this robot waits for the next run
                        failures[where] = policy.stop_after_failures
                else:
                    mark_sent(reminder_id, sender, now)
                    report.sent += 1
                    failures[where] = 0
                    continue
                failures[where] = failures.get(where, 0) + 1
    return report


class _RunClock:
    """`now` moved on by the time the run has taken, so that claims made late in a long
    run (or in a replay of a past day) still last their full length."""

    def __init__(self, start: datetime) -> None:
        self.start, self.started = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started)


def open_daily_messages(now: datetime, policy: ReminderPolicy) -> None:
    """One daily message per recipient with waiting lines whose send hour has come (if
    today's was sent already, the lines wait for tomorrow's); and each group robot's daily
    summary of its department."""
    waiting = db.session.scalars(
        select(User).where(
            User.id.in_(
                select(ReminderLine.recipient_id).where(
                    ReminderLine.reminder_id.is_(None), ReminderLine.dropped.is_(False)
                )
            )
        )
    ).all()
    rows = []
    for user in waiting:
        local = now.astimezone(ZoneInfo(user.timezone) if user.timezone else office_zone())
        if local.hour < policy.send_hour or not is_open(local.date(), policy):
            continue  # not yet today, or a day off: the lines wait
        rows.append(
            outbox_entry(
                ReminderKind.DAILY, f"{user.id}:{local.date()}", user.id, local.date(), now
            )
        )
    plan_messages(rows + channel_outbox.summaries(now, policy) + bulletins_due(now, policy))
    db.session.commit()


def _claimable(now: datetime):
    return or_(
        and_(
            Reminder.state == ReminderState.PENDING,
            or_(Reminder.next_attempt_at.is_(None), Reminder.next_attempt_at <= now),
        ),
        and_(Reminder.state == ReminderState.SENDING, Reminder.claimed_until < now),
    )


def due(now: datetime, after_id: int, limit: int) -> list[tuple[int, Channel, int | None]]:
    """The next `limit` messages (by id, after `after_id`) that may be claimed now: id,
    channel and, for a robot's, the department."""
    return db.session.execute(
        select(Reminder.id, Reminder.channel, Reminder.department_id)
        .where(_claimable(now), Reminder.id > after_id)
        .order_by(Reminder.id)
        .limit(limit)
    ).all()


def claim_one(reminder_id: int, sender: str, now: datetime, policy: ReminderPolicy) -> bool:
    """Claim one message for this sender: a compare-and-set update, so of two senders
    exactly one gets it; the claim lasts `claim_seconds` from now."""
    claimed = db.session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, _claimable(now))
        .values(
            state=ReminderState.SENDING,
            claimed_by=sender,
            claimed_until=now + timedelta(seconds=policy.claim_seconds),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def prepare(reminder_id: int, sender: str, now: datetime):
    """Under the claim: attach the recipient's waiting lines, check each again, and build the
    email (or the robot's post, the SMS); None (and the message cancelled) when nothing is
    left to say or nowhere to say it."""
    reminder = db.session.get(Reminder, reminder_id)
    if reminder.channel != Channel.EMAIL:
        message = channel_message(reminder)
        if message is None:
            _cancel(reminder)
        db.session.commit()
        return message
    if reminder.kind in COMPOSED_ALONE:
        compose = COMPOSED_ALONE[reminder.kind]
        with force_locale(reminder.recipient.locale or "en"):  # the recipient's language
            message = compose(reminder, now)
        db.session.commit()
        return message
    if reminder.kind == ReminderKind.DAILY:  # a request for an update has its lines already
        db.session.execute(
            update(ReminderLine)
            .where(
                ReminderLine.recipient_id == reminder.recipient_id,
                ReminderLine.reminder_id.is_(None),
                ReminderLine.dropped.is_(False),
                ReminderLine.planned_on <= reminder.period_on,
            )
            .values(reminder_id=reminder.id)
            .execution_options(synchronize_session=False)
        )
    lines = (
        db.session.scalars(
            select(ReminderLine)
            .options(
                joinedload(ReminderLine.item).selectinload(ActionItem.co_owners),
                joinedload(ReminderLine.item)
                .selectinload(ActionItem.supporters)
                .joinedload(ItemSupporter.responsible),
                joinedload(ReminderLine.item).joinedload(ActionItem.responsible),
                joinedload(ReminderLine.item).joinedload(ActionItem.city),
                joinedload(ReminderLine.milestone),
                joinedload(ReminderLine.owner),
            )
            .where(ReminderLine.reminder_id == reminder.id, ReminderLine.dropped.is_(False))
            .order_by(ReminderLine.id)
        )
        .unique()
        .all()
    )
    for line in lines:
        if not still_needed(line, reminder.recipient):
            line.dropped = True
    keep = [line for line in lines if not line.dropped]
    if not keep:
        _cancel(reminder)
        db.session.commit()
        return None
    with force_locale(reminder.recipient.locale or "en"):
        message = compose_daily(reminder, keep, _times_reminded(keep))
        escalated = [line for line in keep if line.reason == LineReason.ESCALATION]
        if escalated:  # the 督办单 of the first escalated items go with it
            attach_notices(message, escalated, reminder.period_on, current_policy())
    db.session.commit()
    return message


def _cancel(reminder: Reminder) -> None:
    reminder.state = ReminderState.CANCELLED
    reminder.claimed_until = None


def still_needed(line: ReminderLine, recipient: User) -> bool:
    """An item closed, submitted or reassigned since planning is not reminded."""
    item = line.item
    if item.status not in OPEN or not recipient.is_active:
        return False
    if line.milestone is not None and line.milestone.done_on is not None:
        return False
    if line.reason in (LineReason.ESCALATION, LineReason.REPORT_MISSED):
        return recipient.role in (Role.SUPERVISOR, Role.ADMIN) or line.owner is not None
    if line.reason == LineReason.ACKNOWLEDGE and not is_unacknowledged(item):
        return False
    owner_id = line.owner_id or recipient.id
    return owner_id in {u.id for u in owners_of(item)}


def _times_reminded(lines: list[ReminderLine]) -> dict[int, int]:
    """For escalations: how often each item's owners were already reminded of it."""
    items = [line.item_id for line in lines if line.reason == LineReason.ESCALATION]
    if not items:
        return {}
    return dict(
        db.session.execute(
            select(ReminderLine.item_id, func.count(ReminderLine.id))
            .join(ReminderLine.reminder)
            .where(
                ReminderLine.item_id.in_(items),
                ReminderLine.reason != LineReason.ESCALATION,
                ReminderLine.dropped.is_(False),
                Reminder.state == ReminderState.SENT,
            )
            .group_by(ReminderLine.item_id)
        ).all()
    )


def mark_sent(reminder_id: int, sender: str, now: datetime) -> None:
    """Record the message as sent, at the real time it went out (also in a replay of a
    past day, where `now` is that day's end)."""
    db.session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.claimed_by == sender)
        .values(
            state=ReminderState.SENT,
            sent_at=utcnow(),
            attempts=Reminder.attempts + 1,
            claimed_until=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _record_failure(
    reminder_id, sender, now, policy, error, permanent, report, wait: int | None = None
) -> None:
    """Retry later with exponential backoff (at least `wait` seconds, when the other side
    said how long), or give up: on a permanent error or after the last attempt."""
    reminder = db.session.get(Reminder, reminder_id)
    attempts = reminder.attempts + 1
    give_up = permanent or attempts >= policy.max_attempts
    delay = policy.retry_base_seconds * 2 ** (attempts - 1) * (1 + random.random() * 0.2)
    delay = max(delay, wait or 0)
    db.session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.claimed_by == sender)
        .values(
            state=ReminderState.FAILED if give_up else ReminderState.PENDING,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=None if give_up else now + timedelta(seconds=delay),
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if give_up:
        report.failed += 1
        current_app.logger.error("Reminder %s failed for good: %s", reminder_id, error)
    else:
        report.retried += 1
        current_app.logger.warning("Reminder %s will be retried: %s", reminder_id, error)


def retry_now(reminder: Reminder) -> None:
    """An admin sends a failed message again: back to pending, attempts counted afresh."""
    reminder.state = ReminderState.PENDING
    reminder.attempts = 0
    reminder.next_attempt_at = None
    reminder.claimed_until = None
