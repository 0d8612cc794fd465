"""Progress boards for supervisors: across cities, and one city in detail."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import city_or_404, require_watcher, supervised_cities, within
from ..clock import office_today
from ..extensions import db
from ..inputs import unknown_choice
from ..models import ActionItem, Directive
from ..reminders.policy import current_policy
from . import charts, figures, lists, ranking
from .figures import BoardRow, frame_for

bp = Blueprint("boards", __name__)

SORTS = {
    "name": (lambda r: r.name.lower(), False),
    "overdue": (lambda r: r.overdue, True),
    "completion": (lambda r: r.completion, True),
    "change": (lambda r: r.change, True),
    "due_soon": (lambda r: r.due_soon, True),
    "stale": (lambda r: r.stale, True),
    "updated": (lambda r: r.updated_share, True),
}


@bp.before_request
@login_required
def _watchers_only() -> None:
    if current_user.is_authenticated:  # login_required lets OPTIONS through, signed in or not
        require_watcher(current_user)


def _sorted(rows: list[BoardRow], sort: str) -> list[BoardRow]:
    """The rows by `sort` (as given for "name"), each sub-unit right under its city."""
    key, reverse = SORTS[sort]
    ordered = rows if sort == "name" else sorted(rows, key=key, reverse=reverse)
    result = []
    for row in ordered:
        if "parent" not in row.extra:
            result.append(row)
            result += [r for r in ordered if r.extra.get("parent") is row.extra["city"]]
    return result


@bp.get("/boards")
def index():
    """Every city in scope side by side: status, completion, what is late and stale."""
    cities = supervised_cities(current_user)
    seen = frame_for(current_user, [c.id for c in cities])
    given = request.args.get("sort", "name")
    sort = given if given in SORTS else "name"  # an unknown one is said beside the sorter
    # One aggregate for the cities and the directives they share.
    fine = figures.board(seen, ActionItem.city_id, ActionItem.directive_id)
    rows = _sorted(figures.city_rows(seen, cities, figures.by(fine, 0)), sort)
    # Each city's figures include its sub-units: the total adds the cities at the top only.
    total = figures.total_row([r for r in rows if "parent" not in r.extra], _("All cities"))
    return render_template(
        "boards/index.html",
        rows=rows,
        total=total,
        sort=sort,
        sort_error=unknown_choice(given) if given != sort else None,
        chart=charts.status_bars(rows, _("Items by status per city"), "cities"),
        trend=charts.completion_line(
            figures.completion_history(seen, total), _("Average completion per week"), "trend"
        ),
        shared=figures.shared_directives(cities, fine),
        today=seen.today,
        amber_days=seen.amber_days,
        stale_after=seen.policy.stale_after,
    )


@bp.get("/boards/directives/<int:directive_id>")
def directive(directive_id: int):
    """One directive tracked in several cities: its figures in each city in scope."""
    cities = supervised_cities(current_user)
    seen = frame_for(current_user, [c.id for c in cities])
    seen = replace(seen, where=seen.where & (ActionItem.directive_id == directive_id))
    fine = figures.board(seen, ActionItem.city_id, ActionItem.directive_id)
    rows = figures.directive_cities(cities, fine, directive_id)
    if not rows:
        abort(404)  # no item of it in the scope (or no such directive)
    total = figures.total_row([r for r in rows if "parent" not in r.extra], _("All cities"))
    return render_template(
        "boards/directive.html",
        directive=db.session.get(Directive, directive_id),
        rows=rows,
        total=total,
        today=seen.today,
        amber_days=seen.amber_days,
        stale_after=seen.policy.stale_after,
    )


@bp.get("/boards/<slug>")
def city(slug: str):
    """One city with its sub-units (its figures include theirs, as on /boards): departments,
    directives, late and stale items, the coming deadlines."""
    city = city_or_404(current_user, slug)
    seen = frame_for(current_user, within(city))
    # One aggregate for the three tables: the city's total, its departments, its directives.
    fine = figures.board(
        seen, ActionItem.city_id, ActionItem.department_id, ActionItem.directive_id
    )
    total = figures.city_rows(seen, [city, *city.sub_units], figures.by(fine, 0))[0]
    departments = figures.department_rows(seen, city, figures.by(fine, 1))
    directives, directive_count = figures.directive_rows(seen, figures.by(fine, 2))
    coming = lists.timeline(seen)
    return render_template(
        "boards/city.html",
        city=city,
        total=total,
        departments=departments,
        directives=directives,
        directive_count=directive_count,
        lists=lists.item_lists(seen, total),
        updates=lists.recent_updates(seen),
        coming=coming,
        chart=charts.status_bars(departments, _("Items by status per department"), "departments"),
        trend=charts.completion_line(
            figures.completion_history(seen, total), _("Average completion per week"), "trend"
        ),
        timeline=charts.deadline_timeline(
            coming, seen.today, _("Deadlines in the next 90 days"), "timeline"
        ),
        today=seen.today,
        amber_days=seen.amber_days,
        stale_after=seen.policy.stale_after,
    )


@bp.get("/boards/<slug>/ranking")
def city_ranking(slug: str):
    """考核: the city's departments (and its sub-units') ranked for a month, with the
    formula and each part of each score."""
    city = city_or_404(current_user, slug)
    today = office_today()
    month = ranking.month_of(request.args.get("period"), today)
    if month is None:
        abort(400, _("Give the month as YYYY-MM, from 2000-01 to this one."))
    first, _last = month
    policy = current_policy()
    standings = ranking.ranking([city, *city.sub_units], first, today, policy)
    later = (first + timedelta(days=31)).replace(day=1)
    return render_template(
        "boards/ranking.html",
        city=city,
        standings=standings,
        first=first,
        policy=policy,
        earlier=ranking.previous_month(first).strftime("%Y-%m"),
        later=later.strftime("%Y-%m") if later <= today else None,
        today=today,
    )
