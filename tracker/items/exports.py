"""Exports of item lists: CSV that Excel opens with Chinese text intact, and calendars."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import lazy_gettext as _l

from ..clock import office_zone
from ..i18n import local_name
from ..labels import STATUS_LABELS
from ..mail import external_url
from ..models import ActionItem, Status
from ..spreadsheets import csv_chunks
from .rules import Light

# The 督办 cycle's columns, in the CSV and the ledger alike (see `cycle_cells`).
CYCLE_COLUMNS = (
    _l("Supporting departments"),
    _l("Original due date"),
    _l("Extended"),
    _l("Assigned"),
    _l("Acknowledged"),
    _l("First report"),
    _l("Submitted"),
)

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
    *CYCLE_COLUMNS,
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
        *cycle_cells(item, _iso, _moment),
    ]


def cycle_cells(item: ActionItem, day, moment) -> list:
    """The cycle's cells of an item: supporting departments, the original due date, whether
    it was extended, and the times of 交办, 签收, the first report and the submission, as
    `day` and `moment` write dates and times."""
    return [
        str(_l(", ")).join(local_name(s.department) for s in item.supporters),
        day(item.original_due_on),
        str(_l("Yes")) if item.original_due_on else "",
        moment(item.assigned_at),
        moment(item.acknowledged_at),
        moment(item.first_report_at),
        moment(item.submitted_at),
    ]


def _moment(at) -> str:
    """A time in the office's zone, to the minute, as spreadsheets read it."""
    return at.astimezone(office_zone()).strftime("%Y-%m-%d %H:%M") if at else ""


def _iso(day) -> str:
    return day.isoformat() if day else ""
