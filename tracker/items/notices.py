"""Emails about an item, sent after the commit that recorded the change."""

from __future__ import annotations

import smtplib

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..mail import compose, deliver, external_url
from ..models import ActionItem, StatusUpdate


def notify_returned(item_id: int) -> int:
    """Tell the owners that a supervisor returned their item, and why. Returns how many
    messages went out; a mail failure is logged, never undoes the return."""
    item = db.session.get(ActionItem, item_id)
    last = db.session.scalar(
        select(StatusUpdate)
        .where(StatusUpdate.item_id == item_id)
        .order_by(StatusUpdate.id.desc())
        .limit(1)
    )
    recipients = [u for u in [item.responsible, *item.co_owners] if u is not None and u.is_active]
    sent = 0
    for person in recipients:
        with force_locale(person.locale or "en"):
            message = compose(
                person.email,
                person.name,
                _("Returned: %(title)s", title=item.title),
                "item_returned",
                person=person,
                item=item,
                reason=last.note if last else "",
                returned_by=last.author.name if last and last.author else "",
                link=external_url("items.detail", item_id=item.id),
            )
        try:
            deliver(message)
            sent += 1
        except (smtplib.SMTPException, OSError):
            current_app.logger.exception("Return notice to %s failed", person.email)
    return sent
