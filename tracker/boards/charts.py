"""Charts as inline SVG drawn on the server: no JavaScript, readable when printed, each with
a title and description; the page's tables and lists are their text alternatives."""

from __future__ import annotations

from datetime import date, timedelta
from math import ceil
from unicodedata import east_asian_width

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..formatting import format_date, format_day
from ..labels import STATUS_LABELS
from ..models import Status
from .figures import BoardRow
from .lists import Timeline

STATUS_COLOURS = {
    Status.NOT_STARTED: "#afb8c1",
    Status.IN_PROGRESS: "#0969da",
    Status.AT_RISK: "#d4a72c",
    Status.BLOCKED: "#cf222e",
    Status.AWAITING_VERIFICATION: "#8250df",
    Status.DONE: "#1a7f37",
    Status.CANCELLED: "#6e7781",
}
# Drawn for a phone's width: at 360 px a chart shows about its own size, so its text reads at
# 11 px or more; wider screens show it a little larger (tracker.css caps the scale).
WIDTH = 360
BAR = 18
ROW = 46  # a row's name on one line, its bar below
LABEL_SIZE, SMALL_SIZE = 13, 12  # the font sizes of .label and of .count / .legend


def _axis_labels(marks: list[tuple[float, str]], y: float, *, from_the_right: bool) -> list:
    """Dates under an axis, each whole inside the chart and none over another: going from
    one end, a date that would touch the one before it is left out."""
    parts, edge = [], None
    for x, text in reversed(marks) if from_the_right else marks:
        width = _text_width(text, SMALL_SIZE)
        start = min(max(x - width / 2, 1), WIDTH - width - 2)  # a little room at each edge
        if edge is not None and (start + width > edge - 6 if from_the_right else start < edge + 6):
            continue
        parts.append(f'<text x="{start:.1f}" y="{y}" class="legend">{escape(text)}</text>')
        edge = start if from_the_right else start + width
    return parts


def _text_width(text: str, size: float) -> float:
    """Roughly how wide `text` is drawn at `size`: Chinese characters are square, others
    about 0.6 em (on the generous side)."""
    return sum(size if east_asian_width(ch) in "WF" else 0.66 * size for ch in text)


def _fit(text: str, width: float, size: float) -> str:
    """`text`, cut with an ellipsis to fit `width`."""
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _svg(height: int, title: str, description: str, body: str, chart_id: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>{body}</svg>'
    )


def _legend(y: float, entries: list[tuple[str, str]]) -> tuple[str, float]:
    """Colour keys with their labels, wrapped onto as many lines as they need; the markup and
    the y below it."""
    parts, x = [], 0.0
    for colour, label in entries:
        width = 16 + _text_width(label, SMALL_SIZE)
        if x and x + width > WIDTH:
            x, y = 0.0, y + 20
        parts.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16:.0f}" y="{y + 11:.0f}" class="legend">{escape(label)}</text>'
        )
        x += width + 12
    return "".join(parts), y + 20


def status_bars(rows: list[BoardRow], title: str, chart_id: str) -> Markup:
    """One stacked bar per row under the row's name: its items by status, with a legend."""
    most = max((row.total for row in rows), default=0) or 1
    scale = (WIDTH - 36) / most
    parts = []
    for index, row in enumerate(rows):
        y = index * ROW
        parts.append(
            f'<text x="0" y="{y + 13}" class="label">'
            f"{escape(_fit(row.label, WIDTH, LABEL_SIZE))}</text>"
        )
        x, bar_y = 0.0, y + 18
        for status in Status:
            count = row.counts.get(status, 0)
            if not count:
                continue
            width = count * scale
            label = _("%(label)s: %(count)d", label=STATUS_LABELS[status], count=count)
            parts.append(
                f'<rect x="{x:.1f}" y="{bar_y}" width="{width:.1f}" height="{BAR}" '
                f'fill="{STATUS_COLOURS[status]}" stroke="#fff">'
                f"<title>{escape(label)}</title></rect>"
            )
            if width >= _text_width(str(count), SMALL_SIZE) + 6:
                colour = "#000" if status in (Status.NOT_STARTED, Status.AT_RISK) else "#fff"
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{bar_y + 13}" text-anchor="middle" '
                    f'fill="{colour}" class="count">{count}</text>'
                )
            x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{bar_y + 13}" class="count">{row.total}</text>')
    legend, bottom = _legend(
        len(rows) * ROW + 4, [(STATUS_COLOURS[s], str(STATUS_LABELS[s])) for s in Status]
    )
    parts.append(legend)
    description = _("; ").join(
        _(
            "%(label)s: %(counts)s",
            label=row.label,
            counts=_(", ").join(f"{STATUS_LABELS[s]} {row.counts.get(s, 0)}" for s in Status),
        )
        for row in rows
    )
    return _svg(round(bottom), title, description, "".join(parts), chart_id)


def completion_line(points: list[tuple[date, float]], title: str, chart_id: str) -> Markup:
    """Average completion at the start of each week, as a line with labelled points."""
    height, left, right, bottom, top = 200, 40, WIDTH - 20, 170, 18
    if not points:
        return _svg(40, title, _("No data yet."), "", chart_id)
    first = left + 16  # the first point's label clear of the axis labels
    step = (right - first) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / 100

    parts = [
        f'<line x1="{left}" y1="{y(v):.0f}" x2="{right}" y2="{y(v):.0f}" class="grid"/>'
        f'<text x="{left - 4}" y="{y(v) + 4:.0f}" text-anchor="end" class="legend">{v}%</text>'
        for v in (0, 25, 50, 75, 100)
    ]
    coords = [(first + i * step, y(value)) for i, (_day, value) in enumerate(points)]
    parts.append(
        '<polyline fill="none" stroke="#0969da" stroke-width="3" points="'
        + " ".join(f"{x:.1f},{py:.1f}" for x, py in coords)
        + '"/>'
    )
    for (x, py), (_day, value) in zip(coords, points, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{py:.1f}" r="4" fill="#0969da"/>'
            f'<text x="{x:.1f}" y="{py - 8:.1f}" text-anchor="middle" class="legend">'
            f"{value:.0f}%</text>"
        )

    marks = [(x, format_day(day)) for (x, _y), (day, _v) in zip(coords, points, strict=True)]
    parts += _axis_labels(marks, bottom + 18, from_the_right=True)  # today's always shown
    description = format_list(
        [_("%(date)s: %(value)d%%", date=format_date(d), value=round(v)) for d, v in points],
        locale=get_locale() or "en",
    )
    return _svg(height, title, description, "".join(parts), chart_id)


def deadline_timeline(timeline: Timeline, today: date, title: str, chart_id: str) -> Markup:
    """The next days on an axis: on each day a bar of its item deadlines (blue) with its
    milestones (purple) above, scaled to the busiest day (its count written on top). The
    chart's size does not grow with the data."""
    days, per_day = timeline.days, timeline.per_day
    left, right, top, axis = 18, WIDTH - 18, 22, 112
    busiest = max((a + b for a, b in per_day.values()), default=0)
    unit = (axis - top) / max(busiest, 1)
    scale = (right - left) / days
    bar = max(scale * 0.8, 1.5)
    parts = [f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" stroke="#57606a"/>']
    for offset in range(0, days + 1, 7):
        x = left + offset * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis}" x2="{x:.1f}" y2="{axis + 4}" stroke="#57606a"/>'
        )

    dates = {o: format_day(today + timedelta(days=o)) for o in range(0, days, 7)}
    widest = max(_text_width(text, SMALL_SIZE) for text in dates.values())
    step = 7 * ceil((widest + 8) / (7 * scale))  # whole weeks apart, room for every date
    weeks = [(left + o * scale, text) for o, text in dates.items() if o % step == 0]
    parts += _axis_labels(weeks, axis + 18, from_the_right=False)  # today's always shown
    for day, (items, milestones) in sorted(per_day.items()):
        x = left + (day - today).days * scale - bar / 2
        label = escape(
            _(
                "%(date)s: item deadlines %(items)d, milestones %(milestones)d",
                date=format_date(day),
                items=items,
                milestones=milestones,
            )
        )
        y = axis
        for count, colour in ((items, "#0969da"), (milestones, "#8250df")):
            if count:
                height = count * unit
                y -= height
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                    f'fill="{colour}"><title>{label}</title></rect>'
                )
        if items + milestones == busiest:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'class="legend">{busiest}</text>'
            )
    description = _(
        "In the next %(days)d days: item deadlines %(items)d, milestones %(milestones)d.",
        items=sum(a for a, _b in per_day.values()),
        milestones=sum(b for _a, b in per_day.values()),
        days=days,
    )
    return _svg(axis + 26, title, description, "".join(parts), chart_id)
