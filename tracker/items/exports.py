"""Exports of item lists: CSV that Excel opens with Chinese text intact, and calendars."""

from __future__ import annotations

from collections.abc import Iterable

from ..labels import STATUS_LABELS
from ..mail import external_url
from ..models import ActionItem, Status
from ..spreadsheets import csv_document
from .rules import Light

CSV_COLUMNS = (
    "id",
    "title",
    "city",
    "department",
    "responsible",
    "co_owners",
    "status",
    "progress",
    "light",
    "start_on",
    "due_on",
    "completed_on",
    "verified_on",
    "directive",
    "link",
)


def items_csv(rows: Iterable[tuple[ActionItem, Light]]) -> bytes:
    """The items as CSV (UTF-8 with a byte-order mark, formulas neutralised)."""
    return csv_document(CSV_COLUMNS, (_row(item, light) for item, light in rows))


def _row(item: ActionItem, light: Light) -> list:
    return [
        item.id,
        item.title,
        item.city.name,
        item.department.name if item.department else "",
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
