"""Issuing and revoking calendar feed tokens, and building the feed."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from icalendar import Calendar, Event
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..access import visible_items
from ..extensions import db
from ..items.rules import OPEN
from ..mail import external_url, sender_domain
from ..models import ActionItem, User, item_co_owners, token_digest, utcnow


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


def feed(user: User) -> bytes:
    """All-day events for the due dates of my open items and their open milestones."""
    co_owned = select(item_co_owners.c.item_id).where(item_co_owners.c.user_id == user.id)
    items = db.session.scalars(
        select(ActionItem)
        .options(selectinload(ActionItem.milestones))
        .where(
            or_(ActionItem.responsible_id == user.id, ActionItem.id.in_(co_owned)),
            ActionItem.status.in_(OPEN),
            visible_items(user),
        )
        .order_by(ActionItem.id)
    ).all()
    calendar = Calendar()
    calendar.add("prodid", "-//Policy Tracker//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Policy Tracker: {user.name}")
    domain = sender_domain()
    stamp = utcnow()
    for item in items:
        link = external_url("items.detail", item_id=item.id)
        if item.due_on:
            calendar.add_component(
                _event(f"item-{item.id}@{domain}", item.due_on, f"Due: {item.title}", link, stamp)
            )
        for milestone in item.milestones:
            if milestone.due_on and milestone.done_on is None:
                calendar.add_component(
                    _event(
                        f"milestone-{milestone.id}@{domain}",
                        milestone.due_on,
                        f"Milestone: {milestone.title} ({item.title})",
                        link,
                        stamp,
                    )
                )
    return calendar.to_ical()


def _event(uid: str, day: date, summary: str, link: str, stamp) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("url", link)
    event.add("description", link)
    return event
