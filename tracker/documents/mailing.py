"""The documents by email: the month's 督查通报 to each city's supervisors from the first
working day of the next month (through the outbox), and the 督办单 of escalated items
attached to the supervisors' daily email."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..boards.ranking import previous_month
from ..clock import office_zone
from ..extensions import db
from ..formatting import format_month
from ..i18n import local_name
from ..items.rules import OPEN
from ..mail import compose, external_url
from ..models import City, Reminder, ReminderKind, ReminderLine, Role, User
from ..reminders.content import message_id
from ..reminders.outbox import outbox_entry
from ..reminders.policy import ReminderPolicy, current_policy
from ..workdays import is_workday
from .bulletins import bulletin_pdf
from .notices import issue, notice_pdf

NOTICES_ATTACHED = 3  # notices an email carries at most (the item page has every one)
KEPT = 4  # bulletins a send run keeps for the next recipients (a city's come one after another)

_rendered: ContextVar[OrderedDict | None] = ContextVar("bulletins_rendered", default=None)


@contextmanager
def one_bulletin_per_city() -> Iterator[None]:
    """Within a send run, a city's bulletin is rendered once per language and month, and its
    supervisors and leaders get the same document (each render takes about a second)."""
    token = _rendered.set(OrderedDict())
    try:
        yield
    finally:
        _rendered.reset(token)


def bulletins_due(now: datetime, policy: ReminderPolicy) -> list[dict]:
    """From the month's first working day (mainland China calendar) once the send hour has
    come: last month's bulletin of each city (with its sub-units) for each of its
    supervisors; planned again on later days of the month in case a day was missed (the
    unique keys make it once)."""
    local = now.astimezone(office_zone())
    today = local.date()
    if not current_app.config["MONTHLY_BULLETIN"]:
        return []
    if local.hour < policy.send_hour or not is_workday(today):
        return []
    first = today.replace(day=1)
    while not is_workday(first):
        first += timedelta(days=1)
    if today < first:
        return []
    month = previous_month(today.replace(day=1))
    supervisors = db.session.execute(
        select(User.id, User.city_id)
        .where(
            User.is_active,
            User.role.in_([Role.SUPERVISOR, Role.LEADER]),
            User.city_id.is_not(None),
        )
        .order_by(User.city_id, User.id)  # a city's one after another: one render for them
    ).all()
    return [
        outbox_entry(ReminderKind.BULLETIN, f"{city}:{month:%Y-%m}:{user}", user, today, now)
        for user, city in supervisors
    ]


def compose_bulletin(reminder: Reminder, now: datetime) -> EmailMessage:
    """The bulletin named by the message's key (city and month), attached."""
    _kind, city_id, month, _user = reminder.key.split(":")
    city = db.session.get(City, int(city_id))
    first = date.fromisoformat(f"{month}-01")
    today = now.astimezone(office_zone()).date()
    document = _bulletin(city, first, today)
    name = local_name(city)
    message = compose(
        reminder.recipient.email,
        reminder.recipient.name,
        _("%(city)s supervision bulletin, %(month)s", city=name, month=format_month(first)),
        "bulletin",
        message_id=message_id(reminder),
        recipient=reminder.recipient,
        city=name,
        month=format_month(first),
        link=external_url("boards.city_ranking", slug=city.slug, period=month),
    )
    filename = _("bulletin")
    message.add_attachment(
        document,
        maintype="application",
        subtype="pdf",
        filename=f"{filename}-{name}-{month}.pdf",
    )
    return message


def _bulletin(city: City, first: date, today: date) -> bytes:
    rendered = _rendered.get()
    key = (city.id, first, today, str(get_locale()))
    if rendered is not None and key in rendered:
        return rendered[key]
    document = bulletin_pdf(city, first, today, current_policy())
    if rendered is not None:
        rendered[key] = document
        while len(rendered) > KEPT:
            rendered.popitem(last=False)
    return document


def attach_notices(message: EmailMessage, escalated: list[ReminderLine], day: date, policy) -> None:
    """The 督办单 of the first escalated items, issued (and so recorded) as they go out."""
    seen = []
    for line in escalated:
        if line.item_id not in seen:
            seen.append(line.item_id)
            item = line.item
            if item.status not in OPEN:
                continue
            notice = issue(item, None, day, policy)
            name = str(notice.level.title)
            message.add_attachment(
                notice_pdf(notice, local_name(item.city)),
                maintype="application",
                subtype="pdf",
                filename=f"{name}-{notice.number}.pdf",
            )
        if len(seen) >= NOTICES_ATTACHED:
            break
