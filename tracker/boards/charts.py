"""Charts as inline SVG drawn on the server: no JavaScript, readable when printed, each with
a title and description; the page's tables and lists are their text alternatives."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..labels import STATUS_LABELS
from ..models import Status
from .queries import BoardRow, Deadline

STATUS_COLOURS = {
    Status.NOT_STARTED: "#afb8c1",
    Status.IN_PROGRESS: "#0969da",
    Status.AT_RISK: "#d4a72c",
    Status.BLOCKED: "#cf222e",
    Status.AWAITING_VERIFICATION: "#8250df",
    Status.DONE: "#1a7f37",
    Status.CANCELLED: "#6e7781",
}
WIDTH = 720
LABEL = 210
LABEL_CHARS = 26  # what fits left of the bars at 13 px
BAR = 22


def _svg(height: int, title: str, description: str, body: str, chart_id: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>{body}</svg>'
    )


def status_bars(rows: list[BoardRow], title: str, chart_id: str) -> Markup:
    """One stacked bar per row: its items by status, with a legend."""
    most = max((row.total for row in rows), default=0) or 1
    scale = (WIDTH - LABEL - 40) / most
    parts = []
    for index, row in enumerate(rows):
        y = 10 + index * (BAR + 10)
        name = row.name if len(row.name) <= LABEL_CHARS else row.name[: LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + BAR * 0.7:.0f}" text-anchor="end" class="label">'
            f"{escape(name)}</text>"
        )
        x = float(LABEL)
        for status in Status:
            count = row.counts.get(status, 0)
            if not count:
                continue
            width = count * scale
            label = f"{STATUS_LABELS[status]}: {count}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
                f'fill="{STATUS_COLOURS[status]}" stroke="#fff">'
                f"<title>{escape(label)}</title></rect>"
            )
            if width >= 18:
                colour = "#000" if status in (Status.NOT_STARTED, Status.AT_RISK) else "#fff"
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + BAR * 0.7:.0f}" text-anchor="middle" '
                    f'fill="{colour}" class="count">{count}</text>'
                )
            x += width
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + BAR * 0.7:.0f}" class="label">{row.total}</text>'
        )
    legend_y = 20 + len(rows) * (BAR + 10)
    x = 0.0
    for status in Status:
        label = str(STATUS_LABELS[status])
        parts.append(
            f'<rect x="{x:.0f}" y="{legend_y}" width="12" height="12" '
            f'fill="{STATUS_COLOURS[status]}"/>'
            f'<text x="{x + 16:.0f}" y="{legend_y + 11}" class="legend">{escape(label)}</text>'
        )
        x += 22 + 7.2 * len(label)
    description = "; ".join(
        f"{row.name}: " + ", ".join(f"{STATUS_LABELS[s]} {row.counts.get(s, 0)}" for s in Status)
        for row in rows
    )
    return _svg(legend_y + 24, title, description, "".join(parts), chart_id)


def completion_line(points: list[tuple[date, float]], title: str, chart_id: str) -> Markup:
    """Average completion at the start of each week, as a line with labelled points."""
    height, left, bottom, top = 200, 40, 170, 15
    if not points:
        return _svg(40, title, _("No data yet."), "", chart_id)
    step = (WIDTH - left - 30) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / 100

    parts = [
        f'<line x1="{left}" y1="{y(v):.0f}" x2="{WIDTH - 20}" y2="{y(v):.0f}" class="grid"/>'
        f'<text x="{left - 6}" y="{y(v) + 4:.0f}" text-anchor="end" class="legend">{v}%</text>'
        for v in (0, 25, 50, 75, 100)
    ]
    coords = [(left + i * step, y(value)) for i, (_day, value) in enumerate(points)]
    parts.append(
        '<polyline fill="none" stroke="#0969da" stroke-width="3" points="'
        + " ".join(f"{x:.1f},{py:.1f}" for x, py in coords)
        + '"/>'
    )
    for (x, py), (day, value) in zip(coords, points, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{py:.1f}" r="4" fill="#0969da"/>'
            f'<text x="{x:.1f}" y="{py - 8:.1f}" text-anchor="middle" class="legend">'
            f"{value:.0f}%</text>"
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" class="legend">'
            f"{day.strftime('%m-%d')}</text>"
        )
    description = ", ".join(f"{day.isoformat()}: {value:.0f}%" for day, value in points)
    return _svg(height, title, description, "".join(parts), chart_id)


def deadline_timeline(
    events: list[Deadline], today: date, title: str, chart_id: str, days: int = 90
) -> Markup:
    """The next `days` days on an axis: a dot per item deadline, a diamond per milestone."""
    left, right, axis = 10, WIDTH - 10, 90
    scale = (right - left) / days
    parts = [f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" stroke="#57606a"/>']
    for offset in range(0, days + 1, 7):
        day = today + timedelta(days=offset)
        x = left + offset * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis - 4}" x2="{x:.1f}" y2="{axis + 4}" stroke="#57606a"/>'
            f'<text x="{x:.1f}" y="{axis + 20}" text-anchor="middle" class="legend">'
            f"{day.strftime('%m-%d')}</text>"
        )
    stacked: dict[date, int] = {}
    for event in events:
        level = stacked.get(event.on, 0)
        stacked[event.on] = level + 1
        x = left + (event.on - today).days * scale
        cy = axis - 12 - level * 12
        label = escape(f"{event.on.isoformat()}: {event.title}")
        if event.milestone is None:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{cy}" r="5" fill="#0969da">'
                f"<title>{label}</title></circle>"
            )
        else:
            parts.append(
                f'<rect x="{x - 4:.1f}" y="{cy - 4}" width="8" height="8" fill="#8250df" '
                f'transform="rotate(45 {x:.1f} {cy})"><title>{label}</title></rect>'
            )
    description = _(
        "%(items)d item deadlines and %(milestones)d milestones in the next %(days)d days.",
        items=sum(1 for e in events if e.milestone is None),
        milestones=sum(1 for e in events if e.milestone is not None),
        days=days,
    )
    return _svg(axis + 30, title, description, "".join(parts), chart_id)
