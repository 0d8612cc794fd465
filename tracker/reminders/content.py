"""The outbox's emails: the daily list of what needs the recipient, the weekly digest, the
assignment notice of a published speech and the notice of a returned item."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..access import visible_items
from ..clock import office_zone
from ..extensions import db
from ..formatting import aside, format_date
from ..items.rules import OPEN, stale_sql
from ..mail import compose, external_url, sender_domain
from ..models import (
    ActionItem,
    Directive,
    ExtensionRequest,
    Instruction,
    LineReason,
    Reminder,
    ReminderKind,
    ReminderLine,
    Status,
)
from .policy import current_policy

DIGEST_LIST = 10  # items shown of each of the digest's lists


def message_id(reminder: Reminder) -> str:
    """Stable per outbox row: a message sent twice after a crash carries the same id."""
    return f"<reminder-{reminder.id}.{reminder.key.replace(':', '-')}@{sender_domain()}>"


def _due_of(line: ReminderLine):
    due = line.milestone.due_on if line.milestone else line.item.due_on
    return (due is None, due, line.item.title)


def compose_daily(reminder: Reminder, lines: list[ReminderLine], reminded: dict[int, int]):
    """One email: every item and milestone that needs the recipient, by due date (also a
    supervisor's request for an update, 催办, whose lines all say so)."""
    own = sorted((x for x in lines if x.reason != LineReason.ESCALATION), key=_due_of)
    escalated = sorted((x for x in lines if x.reason == LineReason.ESCALATION), key=_due_of)
    overdue = sum(1 for x in lines if x.days < 0 and x.reason != LineReason.STALE)
    count = len({x.item_id for x in lines})
    subject = ngettext(
        "Policy Tracker: %(num)d item needs you", "Policy Tracker: %(num)d items need you", count
    )
    if reminder.kind == ReminderKind.REQUEST:
        subject = ngettext(
            "Policy Tracker: an update is requested on %(num)d item",
            "Policy Tracker: an update is requested on %(num)d items",
            count,
        )
    if overdue:
        subject += aside(ngettext("%(num)d overdue", "%(num)d overdue", overdue))
    recipient = reminder.recipient
    # The report form's place on the item page (werkzeug's URL builder has no anchors).
    links = {
        x.item_id: external_url("items.detail", item_id=x.item_id) + "#report-h" for x in lines
    }
    return compose(
        recipient.email,
        recipient.name,
        subject,
        "reminder_daily",
        message_id=message_id(reminder),
        recipient=recipient,
        own=own,
        escalated=escalated,
        reminded=reminded,
        links=links,
        describe=describe,
        requested=reminder.kind == ReminderKind.REQUEST,
    )


def describe(line: ReminderLine) -> str:
    """What the line says about its item, in a sentence."""
    days = line.days
    if line.reason == LineReason.ACKNOWLEDGE:
        return ngettext(
            "Assigned %(num)d working day ago and not acknowledged: please acknowledge it.",
            "Assigned %(num)d working days ago and not acknowledged: please acknowledge it.",
            days,
        )
    if line.reason == LineReason.REPORT_DUE:
        if days == 0:
            return _("This period's report is due today.")
        return ngettext(
            "This period's report is due in %(num)d day.",
            "This period's report is due in %(num)d days.",
            days,
        )
    if line.reason == LineReason.REPORT_MISSED:
        return _("The owners did not report in the last reporting period.")
    if line.reason == LineReason.REQUESTED:
        return _("Your supervisor asks for an update: please report.")
    if line.reason == LineReason.STALE:
        return ngettext(
            "No update for %(num)d day: please report.",
            "No update for %(num)d days: please report.",
            days,
        )
    if line.reason == LineReason.ESCALATION:
        return ngettext("Overdue by %(num)d day.", "Overdue by %(num)d days.", -days)
    if days > 0:
        return ngettext("Due in %(num)d day.", "Due in %(num)d days.", days)
    if days == 0:
        return _("Due today.")
    return ngettext("Overdue by %(num)d day.", "Overdue by %(num)d days.", -days)


def compose_digest(reminder: Reminder, now: datetime) -> EmailMessage:
    """The weekly board of the supervisor's city: counts, what turned red, what is stale,
    the most overdue items."""
    supervisor = reminder.recipient
    today = now.astimezone(office_zone()).date()
    scope = visible_items(supervisor)
    counts = dict(
        db.session.execute(
            select(ActionItem.status, func.count()).where(scope).group_by(ActionItem.status)
        ).all()
    )
    open_items = select(ActionItem).where(scope, ActionItem.status.in_(OPEN))
    turned_red, red_total = _first(
        open_items.where(
            ActionItem.due_on >= today - timedelta(days=7), ActionItem.due_on < today
        ).order_by(ActionItem.due_on.desc(), ActionItem.id)
    )
    most_overdue = db.session.scalars(
        open_items.where(ActionItem.due_on < today)
        .options(joinedload(ActionItem.responsible))
        .order_by(ActionItem.due_on)
        .limit(5)
    ).all()
    policy = current_policy()
    stale, stale_total = _first(
        open_items.where(stale_sql(today, policy)).order_by(ActionItem.due_on, ActionItem.id)
    )
    links = {
        item.id: external_url("items.detail", item_id=item.id)
        for item in [*turned_red, *most_overdue, *stale]
    }
    links["overdue"] = external_url("items.index", attention="overdue", sort="-due")
    links["stale"] = external_url("items.index", attention="stale")
    return compose(
        supervisor.email,
        supervisor.name,
        _(
            "Policy Tracker: weekly digest for the week of %(day)s",
            day=format_date(reminder.period_on),
        ),
        "reminder_digest",
        message_id=message_id(reminder),
        recipient=supervisor,
        counts={status: counts.get(status, 0) for status in Status},
        turned_red=turned_red,
        red_total=red_total,
        most_overdue=most_overdue,
        stale=stale,
        stale_total=stale_total,
        stale_after=policy.stale_after,
        links=links,
        today=today,
    )


def _first(query) -> tuple[list[ActionItem], int]:
    """The first DIGEST_LIST items of `query` and how many there are in all: a digest stays
    short whatever the city holds, and links to the whole list."""
    items = db.session.scalars(query.limit(DIGEST_LIST)).all()
    if len(items) < DIGEST_LIST:
        return items, len(items)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return items, total


def compose_assignment(reminder: Reminder, now: datetime) -> EmailMessage:
    """交办通知: the recipient's new items from one published speech, with links."""
    recipient = reminder.recipient
    items = db.session.scalars(
        select(ActionItem)
        .join(ActionItem.directive)
        .options(joinedload(ActionItem.directive).joinedload(Directive.speech))
        .where(Directive.speech_id == reminder.speech_id, ActionItem.responsible_id == recipient.id)
        .order_by(ActionItem.due_on, ActionItem.id)
    ).all()
    speech = items[0].directive.speech if items else None
    return compose(
        recipient.email,
        recipient.name,
        ngettext(
            "New assignment: %(num)d item for you",
            "New assignment: %(num)d items for you",
            len(items),
        ),
        "assignment",
        message_id=message_id(reminder),
        recipient=recipient,
        items=items,
        speech=speech,
        links={item.id: external_url("items.detail", item_id=item.id) for item in items},
    )


def compose_returned(reminder: Reminder, now: datetime) -> EmailMessage:
    """退回通知: who returned the recipient's item, and why."""
    entry = reminder.update
    item = entry.item
    return compose(
        reminder.recipient.email,
        reminder.recipient.name,
        _("Returned: %(title)s", title=item.title),
        "item_returned",
        message_id=message_id(reminder),
        person=reminder.recipient,
        item=item,
        reason=entry.note or "",
        returned_by=entry.author.name if entry.author else "",
        link=external_url("items.detail", item_id=item.id) + "#report-h",
    )


def compose_notice(reminder: Reminder, now: datetime) -> EmailMessage:
    """One event of the 督办 cycle told to one person: a leader's instruction (批示), an
    extension asked for or decided, an item passed down to a sub-unit."""
    event = reminder.event
    details = event.details or {}
    if event.target_type == "directives":  # a 批示 on a directive: the recipient's item of it
        directive = db.session.get(Directive, event.target_id)
        item, title = None, directive.title
        theirs = db.session.scalar(
            select(ActionItem.id)
            .where(ActionItem.id.in_(details.get("items", [])), visible_items(reminder.recipient))
            .order_by(ActionItem.id)
            .limit(1)
        )
        link = (
            external_url("items.detail", item_id=theirs)
            if theirs
            else external_url("speeches.detail", speech_id=directive.speech_id)
        )
    else:
        item = db.session.get(ActionItem, event.target_id)
        title = item.title
        link = external_url("items.detail", item_id=item.id)
    instruction = (
        db.session.get(Instruction, details["instruction"]) if "instruction" in details else None
    )
    request = db.session.get(ExtensionRequest, details["request"]) if "request" in details else None
    who = event.actor.name if event.actor else ""
    subjects = {
        "item.instructed": _("Instruction from %(who)s: %(title)s", who=who, title=title),
        "directive.instructed": _("Instruction from %(who)s: %(title)s", who=who, title=title),
        "item.extension_requested": _("Extension requested: %(title)s", title=title),
        "item.extension_approved": _("Extension approved: %(title)s", title=title),
        "item.extension_refused": _("Extension refused: %(title)s", title=title),
        "item.passed_down": _("Passed down to your unit: %(title)s", title=title),
        "item.assigned": _("New assignment: %(title)s", title=title),
    }
    return compose(
        reminder.recipient.email,
        reminder.recipient.name,
        subjects.get(event.action, title),
        "notice",
        message_id=message_id(reminder),
        person=reminder.recipient,
        action=event.action,
        who=who,
        title=title,
        item=item,
        instruction=instruction,
        request=request,
        link=link,
    )


COMPOSERS = {
    ReminderKind.NOTICE: compose_notice,
    ReminderKind.DIGEST: compose_digest,
    ReminderKind.ASSIGNMENT: compose_assignment,
    ReminderKind.RETURNED: compose_returned,
}
