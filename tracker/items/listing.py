"""The item list: filters in the URL, sorting, paging, and the CSV export of the same filter."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access import related_cities
from ..clock import office_today
from ..extensions import db
from ..i18n import local_name
from ..inputs import bounded_int
from ..labels import STATUS_LABELS
from ..models import ActionItem, Department, Directive, Role, Status, User
from .blueprint import amber_days, bp, signed_in_user
from .exports import items_csv
from .forms import ItemFilterForm
from .queries import SORT_COLUMNS, ItemFilter, filtered_items, item_list
from .rules import LIGHT_LABELS, traffic_light

CSV_LIMIT = 10_000


@bp.get("/items")
def index():
    """All items I may see, filtered, sorted and paged; the filter lives in the URL."""
    form, wanted = _filter_form()
    page_number = request.args.get("page", 1, type=bounded_int)
    listing = item_list(signed_in_user(), wanted, page_number, office_today(), amber_days())
    args = {k: v for k, v in request.args.items(multi=True) if k != "page"}
    return render_template(
        "items/index.html", form=form, listing=listing, args=request.args, query_args=args
    )


@bp.get("/items.csv")
def export_csv():
    """The filtered list as CSV (UTF-8 with BOM, so Excel shows Chinese correctly)."""
    _form, wanted = _filter_form()
    today, amber = office_today(), amber_days()
    query = filtered_items(signed_in_user(), wanted, today, amber).options(
        joinedload(ActionItem.city),
        joinedload(ActionItem.department),
        joinedload(ActionItem.responsible),
        joinedload(ActionItem.directive).joinedload(Directive.speech),
        joinedload(ActionItem.co_owners),  # one query, however many rows
    )
    items = db.session.scalars(query.limit(CSV_LIMIT)).unique().all()
    body = items_csv((item, traffic_light(item, today, amber)) for item in items)
    filename = f"items-{today.isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _filter_form() -> tuple[ItemFilterForm, ItemFilter]:
    """The filter form read from the query string, with choices limited to my scope."""
    user = signed_in_user()
    form = ItemFilterForm(request.args)
    cities = related_cities(user)
    form.city.choices = [("", _("All"))] + [(c.slug, local_name(c)) for c in cities]
    city_ids = [c.id for c in cities]
    departments = db.session.scalars(
        select(Department).where(Department.city_id.in_(city_ids)).order_by(Department.name)
    ).all()
    names = {c.id: local_name(c) for c in cities}
    form.department.choices = [(None, _("All"))] + [
        (d.id, f"{local_name(d)} ({names[d.city_id]})") for d in departments
    ]
    people = db.session.scalars(
        select(User).where(User.role == Role.STAFF, User.city_id.in_(city_ids)).order_by(User.name)
    ).all()
    form.responsible.choices = [(None, _("Anyone"))] + [(u.id, u.name) for u in people]
    form.status.choices = [(str(s), str(STATUS_LABELS[s])) for s in Status]
    form.light.choices = [(key, str(label)) for key, label in LIGHT_LABELS.items()]
    form.sort.choices = [
        ("due", _("Due date")),
        ("-due", _("Due date, latest first")),
        ("title", _("Title")),
        ("progress", _("Progress, lowest first")),
        ("-progress", _("Progress, highest first")),
        ("updated", _("Recently updated")),
        ("status", _("Status")),
    ]
    form.validate()
    wanted = ItemFilter(
        q=form.q.data or None,
        city=form.city.data or None,
        department=form.department.data,
        responsible=form.responsible.data,
        statuses=tuple(s for s in form.status.data or () if s in {str(x) for x in Status}),
        lights=tuple(x for x in form.light.data or () if x in LIGHT_LABELS),
        due_from=form.due_from.data if not form.due_from.errors else None,
        due_to=form.due_to.data if not form.due_to.errors else None,
        sort=form.sort.data if form.sort.data in SORT_COLUMNS else "due",
    )
    return form, wanted
