"""Jinja filters that show dates, statuses and priorities in the reader's language."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_skeleton
from flask_babel import format_date as babel_date
from flask_babel import format_datetime as babel_datetime
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import pass_eval_context
from markupsafe import Markup, escape

from .channels.explain import explain
from .channels.robots import masked
from .labels import (
    CADENCE_LABELS,
    CHANNEL_LABELS,
    CYCLE_LABELS,
    DIRECTIVE_STATE_LABELS,
    EXTENSION_STATE_LABELS,
    KIND_LABELS,
    PLATFORM_LABELS,
    REASON_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    action_label,
    role_label,
    source_label,
    target_label,
)
from .models import (
    Channel,
    DirectiveState,
    ExtensionState,
    LineReason,
    Platform,
    Priority,
    ReminderKind,
    ReminderState,
    Status,
)

PRIORITY_LABELS = {
    Priority.NORMAL: _l("Normal"),
    Priority.HIGH: _l("High"),
    Priority.KEY: _l("Key"),
}


def format_date(day: date | None) -> str:
    return babel_date(day, "medium") if day else ""


def format_day(day: date | None) -> str:
    """A short day on a chart's axis: "12月7日" in Chinese, "Dec 7" in English."""
    return format_skeleton("MMMd", day, locale=get_locale()) if day else ""


def format_month(day: date | None) -> str:
    """ "2026年11月" in Chinese, "November 2026" in English."""
    return format_skeleton("yMMMM", day, locale=get_locale()) if day else ""


def format_datetime(moment: datetime | None) -> str:
    """In the office's time zone (BABEL_DEFAULT_TIMEZONE)."""
    return babel_datetime(moment, "medium") if moment else ""


def aside(text: str | None) -> str:
    """A note after a name, in the reader's brackets: " (note)" in English, "（note）" in
    Chinese, which has no space before its full-width brackets."""
    return _(" (%(note)s)", note=text) if text else ""


@pass_eval_context
def _aside(context, text):
    if context.autoescape:  # escaped once, whether the note came escaped (Markup) or not
        return Markup(aside(escape(text))) if text else ""
    return aside(text)


FILTERS = {
    "aside": _aside,
    "format_date": format_date,
    "format_month": format_month,
    "format_datetime": format_datetime,
    "status_label": lambda status: STATUS_LABELS[Status(status)],
    "priority_label": lambda priority: PRIORITY_LABELS[Priority(priority)],
    "action_label": action_label,
    "target_label": target_label,
    "role_label": role_label,
    "source_label": source_label,
    "directive_state_label": lambda state: DIRECTIVE_STATE_LABELS[DirectiveState(state)],
    "cadence_label": lambda cadence: CADENCE_LABELS.get(cadence, cadence),
    "cycle_label": lambda cycle: CYCLE_LABELS.get(cycle, cycle),
    "extension_state_label": lambda state: EXTENSION_STATE_LABELS[ExtensionState(state)],
    "reason_label": lambda reason: REASON_LABELS[LineReason(reason)],
    "state_label": lambda state: STATE_LABELS[ReminderState(state)],
    "kind_label": lambda kind: KIND_LABELS[ReminderKind(kind)],
    "channel_label": lambda channel: CHANNEL_LABELS[Channel(channel)],
    "platform_label": lambda platform: PLATFORM_LABELS[Platform(platform)],
    "masked": masked,
    "explain_error": explain,
}

__all__ = ["FILTERS", "get_locale"]
