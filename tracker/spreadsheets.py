"""Spreadsheet exports, CSV and Excel: the one place that writes them. Text typed into the
tracker is never run as a formula by Excel, LibreOffice or Numbers (CSV injection: a title
such as `=HYPERLINK("http://...","x")`): CSV cells go through `safe_cell`, Excel cells are
stored as text whatever they start with."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value`, with a single quote before text that starts like a formula: the spreadsheet
    then shows the text as it was typed. Numbers and everything else stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_document(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A CSV file of safe cells, UTF-8 with a byte-order mark: Excel then reads Chinese text
    correctly."""
    return b"".join(csv_chunks(header, rows))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence], size: int = 500) -> Iterator[bytes]:
    """The same file in pieces of `size` rows, for a streamed response (constant memory)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([safe_cell(cell) for cell in header])
    for n, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(cell) for cell in row])
        if n % size == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Coloured:
    """A cell with a fill (RGB hex, such as "F4C7C3")."""

    value: object
    colour: str


@dataclass
class Sheet:
    """One sheet of a workbook: its name, its columns (header, width in characters) and its
    rows, read once as the sheet is written (a generator keeps memory constant)."""

    title: str
    columns: Sequence[tuple[str, int]]
    rows: Iterable[Sequence]


HEADER_FILL = "DDE3EA"
DATE_FORMAT = "yyyy-mm-dd"


def xlsx_document(sheets: Iterable[Sheet], out: IO) -> None:
    """Write an .xlsx to `out` row by row (openpyxl's write-only mode): each sheet with a
    bold frozen header row, its column widths and an auto-filter over its rows; dates as
    Excel dates; text as text."""
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        sheet.freeze_panes = "A2"
        for n, (_header, width) in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = width
        header = []
        for title, _width in spec.columns:
            cell = _xlsx_cell(sheet, str(title))
            cell.font, cell.fill = Font(bold=True), _fill(HEADER_FILL)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            header.append(cell)
        sheet.append(header)
        count = 0
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
            count += 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{count + 1}"
    book.save(out)


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    """`value` as what it is: a date as an Excel date, text always as text (never a formula,
    whatever it starts with; characters a workbook cannot hold dropped)."""
    if isinstance(value, Coloured):
        cell = _xlsx_cell(sheet, value.value)
        cell.fill = _fill(value.colour)
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = DATE_FORMAT + " hh:mm"
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)
