"""Spreadsheet exports (CSV now, any Excel export later): every cell goes through `safe_cell`,
so that text typed into the tracker is never run as a formula by Excel, LibreOffice or
Numbers (CSV injection: a title such as `=HYPERLINK("http://...","x")`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

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
