"""The 台账 (ledger) as an Excel workbook: one row per item, with the light as a fill, and a
second sheet of totals per department (tracker/spreadsheets.py writes it, row by row)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..clock import office_zone
from ..i18n import local_name
from ..labels import STATUS_LABELS
from ..models import ActionItem, Status
from ..spreadsheets import Coloured, Sheet, xlsx_document
from .exports import CYCLE_COLUMNS, cycle_cells
from .rules import OPEN, Light

# (header, width in characters)
COLUMNS = (
    (_l("No."), 8),
    (_l("Title"), 40),
    (_l("Directive (the sentence of the speech)"), 50),
    (_l("City"), 12),
    (_l("Department"), 20),
    (_l("Responsible"), 12),
    (_l("Co-owners"), 16),
    (_l("Start date"), 12),
    (_l("Due date"), 12),
    (_l("Status"), 10),
    (_l("Progress (%)"), 9),
    (_l("Light"), 8),
    (_l("Last report"), 12),
    (_l("Last report's note"), 40),
    *((header, 16) for header in CYCLE_COLUMNS),
)
FILLS = {"red": "F4C7C3", "amber": "FCE8B2", "green": "B7E1CD", "grey": "E0E0E0"}


@dataclass(frozen=True)
class Report:
    """An item's last report: its office day and its note."""

    on: date
    note: str


@dataclass
class _Totals:
    items: int = 0
    open: int = 0
    done: int = 0
    overdue: int = 0
    progress_sum: int = 0


def write_ledger(rows: Iterable[tuple[ActionItem, Light, Report | None]], out: IO) -> None:
    """Write the workbook of `rows` (item, its light, its last report) to `out`."""
    totals: dict[tuple[str, str], _Totals] = {}  # by (city, department)

    def ledger() -> Iterator[list]:
        for item, light, report in rows:
            department = local_name(item.department) if item.department else _("No department")
            total = totals.setdefault((local_name(item.city), department), _Totals())
            total.items += 1
            total.progress_sum += item.progress
            total.open += item.status in OPEN
            total.done += item.status == Status.DONE
            total.overdue += light.colour == "red"
            yield _row(item, light, report)

    def by_department() -> Iterator[list]:  # read once the ledger has been written
        for (city, name), total in sorted(totals.items()):
            average = round(total.progress_sum / total.items, 1) if total.items else 0
            yield [city, name, total.items, total.open, total.done, total.overdue, average]

    department_columns = (
        (_("City"), 14),
        (_("Department"), 24),
        (_("Items"), 8),
        (_("Open"), 8),
        (_("Done"), 8),
        (_("Overdue"), 8),
        (_("Average progress (%)"), 12),
    )
    xlsx_document(
        [
            Sheet(_("Ledger"), [(str(h), w) for h, w in COLUMNS], ledger()),
            Sheet(_("Totals by department"), department_columns, by_department()),
        ],
        out,
    )


def _row(item: ActionItem, light: Light, report: Report | None) -> list:
    return [
        item.id,
        item.title,
        item.directive.source_sentence,
        local_name(item.city),
        local_name(item.department) if item.department else "",
        item.responsible.name if item.responsible else "",
        "、".join(u.name for u in item.co_owners),
        item.start_on,
        item.due_on,
        str(STATUS_LABELS[Status(item.status)]),
        item.progress,
        Coloured(light.label, FILLS[light.colour]),
        report.on if report else None,
        report.note if report else "",
        *cycle_cells(item, lambda day: day, _office_moment),
    ]


def _office_moment(at):
    """A time as the office's wall clock (a spreadsheet cell has no time zone)."""
    return (
        at.astimezone(office_zone()).replace(tzinfo=None, second=0, microsecond=0) if at else None
    )
