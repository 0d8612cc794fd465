"""Issuing and revoking calendar feed tokens, and building the feed."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..access import visible_items
from ..extensions import db
from ..items.rules import OPEN
from ..mail import external_url, sender_domain
from ..models import ActionItem, Role, User, item_co_owners, token_digest, utcnow


def issue_token(user: User) -> str:
    """A new secret for the user's feed; the old link stops working. Shown once."""
    token = secrets.token_urlsafe(24)
    user.calendar_token_hash = token_digest(token)
    audit.record("user.calendar_issued", user, actor=user)
    return token


def revoke_token(user: User) -> None:
    user.calendar_token_hash = None
    audit.record("user.calendar_revoked", user, actor=user)


def user_for_token(token: str) -> User | None:
    user = db.session.scalar(select(User).where(User.calendar_token_hash == token_digest(token)))
    return user if user is not None and user.is_active else None


# A feed is bounded like every page: the nearest deadlines first, up to this many items.
FEED_ITEMS = 500


def feed(user: User, today: date) -> bytes:
    """All-day events for the due dates of open items and their open milestones, each with
    an alarm at 09:00 the day before, in the user's language. Staff get the items they own;
    supervisors and admins what they supervise, from 60 days back, nearest first."""
    with force_locale(user.locale or "en"):
        return _calendar(user, _feed_items(user, today)).to_ical()


def _feed_items(user: User, today: date) -> list[ActionItem]:
    query = select(ActionItem).options(selectinload(ActionItem.milestones))
    if user.role == Role.STAFF:
        co_owned = select(item_co_owners.c.item_id).where(item_co_owners.c.user_id == user.id)
        query = query.where(or_(ActionItem.responsible_id == user.id, ActionItem.id.in_(co_owned)))
    else:
        query = query.where(ActionItem.due_on >= today - timedelta(days=60))
    query = query.where(ActionItem.status.in_(OPEN), visible_items(user))
    return db.session.scalars(
        query.order_by(ActionItem.due_on, ActionItem.id).limit(FEED_ITEMS)
    ).all()


def _calendar(user: User, items: list[ActionItem]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Policy Tracker//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Policy Tracker: %(name)s", name=user.name))
    domain = sender_domain()
    stamp = utcnow()
    for item in items:
        link = external_url("items.detail", item_id=item.id)
        summary = _("Due: %(title)s", title=item.title)
        if item.due_on:  # an item without a due date may still have dated milestones
            uid = f"item-{item.id}@{domain}"
            calendar.add_component(_event(uid, item.due_on, summary, link, stamp))
        for milestone in item.milestones:
            if milestone.due_on and milestone.done_on is None:
                summary = _("Milestone: %(name)s (%(item)s)", name=milestone.title, item=item.title)
                uid = f"milestone-{milestone.id}@{domain}"
                calendar.add_component(_event(uid, milestone.due_on, summary, link, stamp))
    return calendar


def _event(uid: str, day: date, summary: str, link: str, stamp) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("url", link)
    event.add("description", link)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", ALARM_BEFORE)  # before the all-day event's midnight start
    event.add_component(alarm)
    return event


# 09:00 on the day before: an all-day event starts at midnight.
ALARM_BEFORE = -timedelta(hours=15)
