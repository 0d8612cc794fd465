"""Exports of item lists: CSV that Excel opens with Chinese text intact, and calendars."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import lazy_gettext as _l

from ..i18n import local_name
from ..labels import STATUS_LABELS
from ..mail import external_url
from ..models import ActionItem, Status
from ..spreadsheets import csv_chunks
from .rules import Light

CSV_COLUMNS = (
    _l("No."),
    _l("Title"),
    _l("City"),
    _l("Department"),
    _l("Responsible"),
    _l("Co-owners"),
    _l("Status"),
    _l("Progress (%)"),
    _l("Light"),
    _l("Start date"),
    _l("Due date"),
    _l("Completed on"),
    _l("Verified on"),
    _l("Directive"),
    _l("Link"),
)


def items_csv(rows: Iterable[tuple[ActionItem, Light]]) -> Iterator[bytes]:
    """The items as CSV in the reader's language (dates stay ISO 8601, which every spreadsheet
    reads as a date; UTF-8 with a byte-order mark; formulas neutralised)."""
    return csv_chunks([str(c) for c in CSV_COLUMNS], (_row(item, light) for item, light in rows))


def _row(item: ActionItem, light: Light) -> list:
    return [
        item.id,
        item.title,
        local_name(item.city),
        local_name(item.department) if item.department else "",
        item.responsible.name if item.responsible else "",
        "; ".join(u.name for u in item.co_owners),
        str(STATUS_LABELS[Status(item.status)]),
        item.progress,
        light.label,
        _iso(item.start_on),
        _iso(item.due_on),
        _iso(item.completed_on),
        _iso(item.verified_on),
        item.directive.source_text,
        external_url("items.detail", item_id=item.id),
    ]


def _iso(day) -> str:
    return day.isoformat() if day else ""
