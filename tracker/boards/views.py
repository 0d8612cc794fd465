"""Progress boards for supervisors: across cities, and one city in detail."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import city_or_404, require_supervisor, supervised_cities, visible_items, within
from ..clock import office_today
from ..models import ActionItem
from ..reminders.policy import current_policy
from . import charts, queries
from .queries import BoardRow

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
def _supervisors_only() -> None:
    if current_user.is_authenticated:  # login_required lets OPTIONS through, signed in or not
        require_supervisor(current_user)


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
    today = office_today()
    amber_days = current_app.config["TRACKER_AMBER_DAYS"]
    policy = current_policy()
    cities = supervised_cities(current_user)
    scope = visible_items(current_user)
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    rows = _sorted(queries.city_rows(cities, scope, today, amber_days, policy), sort)
    # Each city's figures include its sub-units: the total adds the cities at the top only.
    total = queries.total_row([r for r in rows if "parent" not in r.extra], _("All cities"))
    return render_template(
        "boards/index.html",
        rows=rows,
        total=total,
        sort=sort,
        chart=charts.status_bars(rows, _("Items by status per city"), "cities"),
        trend=charts.completion_line(
            queries.completion_history(scope, today), _("Average completion per week"), "trend"
        ),
        shared=queries.shared_directives(cities, scope, today, amber_days, policy),
        today=today,
        amber_days=amber_days,
        stale_after=policy.stale_after,
    )


@bp.get("/boards/<slug>")
def city(slug: str):
    """One city with its sub-units (its figures include theirs, as on /boards): departments,
    directives, late and stale items, the coming deadlines."""
    city = city_or_404(current_user, slug)
    today = office_today()
    amber_days = current_app.config["TRACKER_AMBER_DAYS"]
    policy = current_policy()
    scope = visible_items(current_user) & ActionItem.city_id.in_(within(city))
    total = queries.city_rows([city, *city.sub_units], scope, today, amber_days, policy)[0]
    departments = queries.department_rows(scope, today, amber_days, policy, city)
    coming = queries.timeline(scope, today)
    directives, directive_count = queries.directive_rows(scope, today, amber_days, policy)
    return render_template(
        "boards/city.html",
        city=city,
        total=total,
        departments=departments,
        directives=directives,
        directive_count=directive_count,
        lists=queries.item_lists(scope, today, amber_days, policy),
        updates=queries.recent_updates(scope),
        coming=coming,
        chart=charts.status_bars(departments, _("Items by status per department"), "departments"),
        trend=charts.completion_line(
            queries.completion_history(scope, today), _("Average completion per week"), "trend"
        ),
        timeline=charts.deadline_timeline(
            coming, today, _("Deadlines in the next 90 days"), "timeline"
        ),
        today=today,
        amber_days=amber_days,
        stale_after=policy.stale_after,
    )
