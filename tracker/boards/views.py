"""Progress boards for supervisors: across cities, and one city in detail."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import city_scope_ids, require_supervisor, visible_items
from ..clock import office_today
from ..extensions import db
from ..models import ActionItem, City, Role
from . import charts, queries

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
    require_supervisor(current_user)


def _cities() -> list[City]:
    """The cities the user may see, each followed by its sub-units."""
    query = select(City).order_by(City.name)
    if current_user.role != Role.ADMIN:
        query = query.where(City.id.in_(city_scope_ids(current_user)))
    cities = db.session.scalars(query).all()
    ordered = [
        c for c in cities if c.parent_id is None or c.parent_id not in {x.id for x in cities}
    ]
    result = []
    for city in ordered:
        result.append(city)
        result += [c for c in cities if c.parent_id == city.id]
    return result


@bp.get("/boards")
def index():
    """Every city in scope side by side: status, completion, what is late and stale."""
    today = office_today()
    amber_days = current_app.config["TRACKER_AMBER_DAYS"]
    cities = _cities()
    scope = visible_items(current_user)
    rows = queries.city_rows(cities, scope, today, amber_days)
    sort = request.args.get("sort", "name")
    key, reverse = SORTS.get(sort, SORTS["name"])
    if sort != "name":
        rows = sorted(rows, key=key, reverse=reverse)
    total = queries.total_row(rows, _("All cities"))
    return render_template(
        "boards/index.html",
        rows=rows,
        total=total,
        sort=sort if sort in SORTS else "name",
        chart=charts.status_bars(rows, _("Items by status per city"), "cities"),
        trend=charts.completion_line(
            queries.completion_history(scope, today), _("Average completion per week"), "trend"
        ),
        shared=queries.shared_directives(scope, today, amber_days),
        today=today,
    )


@bp.get("/boards/<slug>")
def city(slug: str):
    """One city and its sub-units: departments, directives, late and stale items, the
    coming deadlines."""
    city = db.session.scalar(select(City).where(City.slug == slug))
    if city is None or city not in _cities():
        abort(404)
    today = office_today()
    amber_days = current_app.config["TRACKER_AMBER_DAYS"]
    sub_units = [c.id for c in city.sub_units]
    scope = visible_items(current_user) & ActionItem.city_id.in_([city.id, *sub_units])
    departments = queries.department_rows(scope, today, amber_days, city)
    events = queries.timeline(scope, today)
    return render_template(
        "boards/city.html",
        city=city,
        total=queries.total_row(departments, city.name),
        departments=departments,
        directives=queries.directive_rows(scope, today, amber_days),
        lists=queries.item_lists(scope, today, amber_days),
        updates=queries.recent_updates(scope),
        events=events,
        chart=charts.status_bars(departments, _("Items by status per department"), "departments"),
        trend=charts.completion_line(
            queries.completion_history(scope, today), _("Average completion per week"), "trend"
        ),
        timeline=charts.deadline_timeline(
            events, today, _("Deadlines in the next 90 days"), "timeline"
        ),
        today=today,
    )
