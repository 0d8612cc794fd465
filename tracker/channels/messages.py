"""What a group robot posts (markdown) and what an SMS says (a short line with a link), for
the department's daily summary, the day's escalations and a supervisor's request for an
update (催办). Each is worked out when it is sent, from the data as it stands then: an
item closed meanwhile is left out, and a message with nothing left to say is not sent."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..access import published_directives
from ..extensions import db
from ..formatting import format_date
from ..i18n import local_name
from ..items.rules import OPEN
from ..mail import external_url
from ..models import (
    ActionItem,
    ItemSupporter,
    LineReason,
    Reminder,
    ReminderKind,
    ReminderLine,
    reminder_items,
)

LISTED = 10  # items a robot message names at most; the rest are counted

# Characters that would make markdown of a title or a name (a link, emphasis, a heading, a
# list, HTML): their full-width forms read the same in Chinese text and mean nothing.
_PLAIN = str.maketrans(
    {
        "[": "［", "]": "］", "(": "（", ")": "）", "*": "＊", "_": "＿", "#": "＃",
        "`": "｀", "<": "＜", ">": "＞", "|": "｜", "~": "～", "&": "＆", "\\": "＼",
        "!": "！", "\r": " ", "\n": " ", "\t": " ",
    }
)  # fmt: skip


def plain(text: str) -> str:
    """Text that stays text inside markdown, on one line."""
    return text.translate(_PLAIN).strip()


def robot_message(reminder: Reminder, max_bytes: int) -> tuple[str, str] | None:
    """(title, markdown) of a robot's message, at most `max_bytes` long (fewer items named
    when they would not fit), or None when nothing is left to say."""
    department = reminder.department
    name = plain(
        _(
            "%(department)s (%(city)s)",
            department=local_name(department),
            city=local_name(department.city),
        )
    )
    if reminder.kind == ReminderKind.SUMMARY:
        sections, title = (
            _summary(reminder),
            _(
                "%(department)s: the day's deadlines, %(day)s",
                department=name,
                day=format_date(reminder.period_on),
            ),
        )
        link = (
            external_url("items.index", department=reminder.department_id),
            _("Every item of the department"),
        )
    else:
        sections, title, link = _of_lines(reminder, name), "", None
        if sections:
            title = sections.pop(0)
    if not sections:
        return None
    for shown in range(LISTED, -1, -1):
        text = _markdown(title, sections, shown, reminder.period_on, link)
        if len(text.encode()) <= max_bytes:
            return title, text
    return title, text.encode()[:max_bytes].decode("utf-8", "ignore")


def sms_text(reminder: Reminder) -> str | None:
    """An SMS: what the person must do, how much of it, and a link. None when nothing is
    left to say."""
    total = _count(_items_of(reminder, recipient_id=reminder.recipient_id))
    if not total:
        return None
    link = external_url("items.mine")
    if reminder.kind == ReminderKind.ESCALATION:
        return ngettext(
            "Policy Tracker: %(num)d overdue item was escalated to you. %(link)s",
            "Policy Tracker: %(num)d overdue items were escalated to you. %(link)s",
            total,
            link=link,
        )
    return ngettext(
        "Policy Tracker: your supervisor asks for an update on %(num)d item. %(link)s",
        "Policy Tracker: your supervisor asks for an update on %(num)d items. %(link)s",
        total,
        link=link,
    )


def _summary(reminder: Reminder) -> list[tuple[str, list[ActionItem], int]]:
    """(heading, first items, how many) of the department's overdue items and of those due
    within TRACKER_AMBER_DAYS; none when there are neither."""
    today = reminder.period_on
    days = current_app.config["TRACKER_AMBER_DAYS"]
    mine = select(ActionItem).where(
        ActionItem.department_id == reminder.department_id,
        ActionItem.status.in_(OPEN),
        ActionItem.directive_id.in_(published_directives()),
    )
    sections = []
    overdue = mine.where(ActionItem.due_on < today)
    due_soon = mine.where(ActionItem.due_on >= today, ActionItem.due_on <= today + timedelta(days))
    for query, heading in ((overdue, _("Overdue: %(num)d")), (due_soon, None)):
        total = _count(query)
        if total:
            if heading is None:
                text = _("Due within %(days)d days: %(num)d", days=days, num=total)
            else:
                text = heading % {"num": total}
            sections.append((f"**{text}**", _first(query), total))
    return sections


def _of_lines(reminder: Reminder, name: str) -> list:
    """[title, (lead, first items, how many)] of an escalation or a request; [] when none of
    its items is still open."""
    query = _items_of(reminder, department_id=reminder.department_id)
    total = _count(query)
    if not total:
        return []
    if reminder.kind == ReminderKind.ESCALATION:
        title = _("%(department)s: overdue items escalated", department=name)
        lead = ngettext(
            "%(num)d overdue item of the department was escalated to the supervisors today:",
            "%(num)d overdue items of the department were escalated to the supervisors today:",
            total,
        )
    else:
        title = _("%(department)s: an update is requested", department=name)
        lead = ngettext(
            "The supervision office asks for an update on %(num)d item:",
            "The supervision office asks for an update on %(num)d items:",
            total,
        )
    return [title, (lead, _first(query), total)]


def _markdown(title: str, sections, shown: int, today: date, link) -> str:
    parts = [f"### {title}"]
    for heading, items, total in sections:
        lines = [_line(item, today) for item in items[:shown]]
        rest = total - len(lines)
        if rest > 0:
            lines.append(ngettext("and %(num)d more", "and %(num)d more", rest))
        parts += [heading, "\n".join(lines)]
    if link is not None:
        parts.append(f"[{link[1]}]({link[0]})")
    return "\n\n".join(parts)


def _line(item: ActionItem, today: date) -> str:
    """A markdown line: the item's title linked, who answers for it, when it is due."""
    who = item.responsible.name if item.responsible else _("unassigned")
    if item.due_on is None:
        when = _("no due date")
    elif item.due_on < today:
        days = (today - item.due_on).days
        when = ngettext("overdue by %(num)d day", "overdue by %(num)d days", days)
    else:
        when = _("due %(date)s", date=format_date(item.due_on))
    link = external_url("items.detail", item_id=item.id)
    return f"- [{plain(item.title)}]({link}) · {plain(who)} · {when}"


def _first(query) -> list[ActionItem]:
    return db.session.scalars(
        query.options(joinedload(ActionItem.responsible))
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(LISTED)
    ).all()


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _items_of(reminder: Reminder, *, department_id=None, recipient_id=None):
    """The open items a message is about: those it names (a robot's request for an update),
    the day's escalation lines (of the recipient, or of the department's items), or the
    lines of the request email it goes with (an SMS)."""
    if reminder.kind == ReminderKind.REQUEST and department_id is not None:
        ids = select(reminder_items.c.item_id).where(reminder_items.c.reminder_id == reminder.id)
    elif reminder.kind == ReminderKind.ESCALATION:
        ids = select(ReminderLine.item_id).where(
            ReminderLine.dropped.is_(False),
            ReminderLine.reason == LineReason.ESCALATION,
            ReminderLine.planned_on == reminder.period_on,
        )
        if recipient_id is not None:
            ids = ids.where(ReminderLine.recipient_id == recipient_id)
    else:  # an SMS for a request: the lines of the email of the same request (its batch)
        batch = reminder.key.rsplit(":", 1)[-1]
        emails = select(Reminder.id).where(
            Reminder.kind == ReminderKind.REQUEST, Reminder.key.like(f"request:%:{batch}")
        )
        ids = select(ReminderLine.item_id).where(
            ReminderLine.dropped.is_(False),
            ReminderLine.reason == LineReason.REQUESTED,
            ReminderLine.reminder_id.in_(emails),
            ReminderLine.recipient_id == recipient_id,
        )
    query = select(ActionItem).where(ActionItem.id.in_(ids), ActionItem.status.in_(OPEN))
    if department_id is not None:  # the department's items, and those it supports (协办)
        supported = select(ItemSupporter.item_id).where(
            ItemSupporter.department_id == department_id
        )
        query = query.where(
            or_(ActionItem.department_id == department_id, ActionItem.id.in_(supported))
        )
    return query
