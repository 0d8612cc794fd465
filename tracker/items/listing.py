"""The item list: filters in the URL, sorting, paging, the CSV export of the same filter, and
changes to the items chosen on it (supervisors)."""

from __future__ import annotations

import tempfile
from urllib.parse import parse_qsl, urlencode

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from ..access import (
    related_cities,
    require_supervisor,
    supervised_cities,
    supervises,
    visible_speeches,
)
from ..clock import office_today, office_zone
from ..extensions import db
from ..formatting import aside
from ..i18n import local_name
from ..inputs import (
    bounded_int,
    content_disposition,
    refuse_reversed,
    refuse_unknown_choices,
    unknown_choice,
)
from ..labels import STATUS_LABELS
from ..models import (
    ActionItem,
    Department,
    Directive,
    ItemSupporter,
    Role,
    Speech,
    Status,
    StatusUpdate,
    User,
)
from . import bulk
from .blueprint import amber_days, bp, signed_in_user
from .exports import items_csv
from .forms import BulkForm, ItemFilterForm
from .queries import SORT_COLUMNS, ItemFilter, filtered_items, item_list
from .rules import ATTENTION, LIGHT_LABELS, traffic_light
from .workbook import Report, write_ledger

CSV_BATCH = 500
XLSX_IN_MEMORY = 8 * 1024 * 1024  # bytes of a workbook kept in memory before a file


def _OUT_OF_DATE() -> str:  # noqa: N802  (a message, looked up in the reader's language)
    return _("The list changed since it was loaded. Look at the items again and choose again.")


@bp.get("/items")
def index():
    """All items I may see, filtered, sorted and paged; the filter lives in the URL."""
    return _list_page(request.args)


def _list_page(
    args: MultiDict, bulk_form: BulkForm | None = None, problems=(), status=200, notice=None
):
    """The list for the filter in `args`; for supervisors with the form that changes the
    chosen items (and, after a refused change, its messages and the items still chosen)."""
    user = signed_in_user()
    form, wanted = _filter_form(args)
    page_number = args.get("page", 1, type=bounded_int)
    listing = item_list(user, wanted, page_number, office_today(), amber_days())
    query_args = {k: v for k, v in args.items(multi=True) if k != "page"}
    if bulk_form is None and supervises(user):
        bulk_form = BulkForm(formdata=None, back=urlencode(list(args.items(multi=True))))
    if bulk_form is not None and bulk_form.responsible.choices is None:
        _bulk_choices(bulk_form, user)
    chosen = (
        {value.partition(":")[0] for value in (bulk_form.items.data or [])} if bulk_form else set()
    )
    page = render_template(
        "items/index.html",
        form=form,
        listing=listing,
        args=args,
        query_args=query_args,
        bulk=bulk_form,
        chosen=chosen,
        problems=problems,
        notice=notice,
    )
    return page, status


def _bulk_choices(form: BulkForm, user: User) -> None:
    """Whom the chosen items may go to: active staff of the cities the user supervises."""
    cities = {c.id: local_name(c) for c in supervised_cities(user)}
    people = db.session.scalars(
        select(User)
        .options(joinedload(User.department))
        .where(User.role == Role.STAFF, User.is_active, User.city_id.in_(cities))
        .order_by(User.name)
    ).all()
    form.responsible.choices = [(None, "—")] + [
        (u.id, u.name + aside(_place(u, cities[u.city_id]))) for u in people
    ]


@bp.post("/items/bulk")
def bulk_change():
    """Reassign the chosen items, move their dates or ask their owners for an update, all or
    nothing; then back to the same list, or the list again with what stopped the change."""
    user = signed_in_user()
    require_supervisor(user)
    form = BulkForm()
    _bulk_choices(form, user)
    args = MultiDict(parse_qsl((form.back.data or "")[:4000], keep_blank_values=True))
    action = request.form.get("action")
    if action not in ("reassign", "dates", "remind"):
        return _list_page(args, form, status=400, notice=_("Choose what to do with the items."))
    if not form.validate_on_submit():
        return _list_page(args, form, status=400)
    versions = _chosen_versions(form)
    if not versions:
        form.items.errors = [_("Choose at least one item.")]
        return _list_page(args, form, status=400)
    if action == "reassign" and not form.responsible.data:
        form.responsible.errors = [_("Choose the person who takes the items over.")]
        return _list_page(args, form, status=400)
    if action == "dates" and not (form.start_on.data or form.due_on.data):
        form.due_on.errors = [_("Give a new start or due date.")]
        return _list_page(args, form, status=400)
    try:
        items = bulk.chosen_items(user, versions)
        if action == "reassign":
            person = db.session.get(User, form.responsible.data)
            if person is None or form.responsible.data not in dict(form.responsible.choices):
                form.responsible.errors = [_("Choose the person who takes the items over.")]
                return _list_page(args, form, status=400)
            bulk.reassign(items, user, person)
            message = ngettext(
                "%(num)d item reassigned to %(name)s.",
                "%(num)d items reassigned to %(name)s.",
                len(items),
                name=person.name,
            )
        elif action == "dates":
            bulk.reschedule(items, user, form.start_on.data, form.due_on.data)
            message = ngettext(
                "New dates for %(num)d item.", "New dates for %(num)d items.", len(items)
            )
        else:
            people = bulk.remind(items, user, office_today())
            message = (
                _("The owners of these items were already asked for an update today.")
                if not people
                else ngettext(
                    "%(num)d person will be asked for an update now.",
                    "%(num)d people will be asked for an update now.",
                    people,
                )
            )
        db.session.commit()
    except bulk.Refused as refused:
        db.session.rollback()
        status = 409 if refused.conflict else 422
        notice = None if refused.problems else _OUT_OF_DATE()
        return _list_page(args, form, refused.problems, status, notice)
    except StaleDataError:  # a concurrent save got in between the check and the write
        db.session.rollback()
        return _list_page(args, form, [], 409, _OUT_OF_DATE())
    flash(message, "info")
    return redirect(url_for("items.index", **args.to_dict(flat=False)))


def _chosen_versions(form: BulkForm) -> dict[int, int]:
    """The chosen rows as {item id: version shown}; malformed values are ignored."""
    versions = {}
    for value in (form.items.data or [])[: bulk.MAX_ITEMS]:
        item_id, _sep, version = value.partition(":")
        try:
            versions[bounded_int(item_id)] = bounded_int(version)
        except ValueError:
            continue
    return versions


@bp.get("/items.csv")
def export_csv():
    """The filtered list as CSV (UTF-8 with BOM, so Excel shows Chinese correctly), every
    matching item, streamed."""
    rows = ((item, light) for item, light, _report in _export_rows(reports=False))
    day = office_today().isoformat()
    name = _("items")
    filename = content_disposition("attachment", f"{name}-{day}.csv", f"items-{day}.csv")
    return Response(
        stream_with_context(items_csv(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": filename},
    )


@bp.get("/items.xlsx")
def export_xlsx():
    """The filtered list as the 台账 in Excel: written to a temporary file (memory stays the
    same whatever the number of rows), then sent."""
    out = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)  # noqa: SIM115 - send_file closes it
    write_ledger(_export_rows(reports=True), out)
    out.seek(0)
    day = office_today().isoformat()
    response = send_file(
        out,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"ledger-{day}.xlsx",
    )
    name = _("ledger")
    response.headers["Content-Disposition"] = content_disposition(
        "attachment", f"{name}-{day}.xlsx", f"ledger-{day}.xlsx"
    )
    return response


def _place(person: User, city: str) -> str:
    if person.department is None:
        return city
    return _("%(department)s, %(city)s", department=local_name(person.department), city=city)


def _export_rows(*, reports: bool):
    """The ids of the filtered list, read now (a bad filter is answered before anything is
    sent); then, as the caller reads them, each item with its light (and its last report),
    in batches, each batch in its own short session, so memory stays the same whatever the
    number of rows."""
    form, wanted = _filter_form(request.args)
    # What the list page shows beside the filter, an export refuses.
    refused = {name: form.errors[name] for name in SHOWN_ERRORS if name in form.errors}
    if refused:
        problems = _("; ").join(
            _("%(field)s: %(errors)s", field=form[name].label.text, errors=" ".join(errors))
            for name, errors in refused.items()
        )
        abort(400, _("The filter is not valid: %(problems)s", problems=problems))
    today, amber = office_today(), amber_days()
    query = filtered_items(signed_in_user(), wanted, today, amber)
    ids = db.session.scalars(query.with_only_columns(ActionItem.id)).all()
    zone = office_zone()

    def rows():
        for start in range(0, len(ids), CSV_BATCH):
            chunk = ids[start : start + CSV_BATCH]
            with Session(db.session.get_bind()) as session:
                items = session.scalars(
                    select(ActionItem)
                    .options(
                        joinedload(ActionItem.city),
                        joinedload(ActionItem.department),
                        joinedload(ActionItem.responsible),
                        joinedload(ActionItem.directive).joinedload(Directive.speech),
                        selectinload(ActionItem.co_owners),
                        selectinload(ActionItem.supporters).joinedload(ItemSupporter.department),
                    )
                    .where(ActionItem.id.in_(chunk))
                )
                by_id = {item.id: item for item in items.unique()}
                last = {}
                if reports:
                    latest = (
                        select(func.max(StatusUpdate.id))
                        .where(StatusUpdate.item_id.in_(chunk))
                        .group_by(StatusUpdate.item_id)
                    )
                    for update in session.scalars(
                        select(StatusUpdate).where(StatusUpdate.id.in_(latest))
                    ):
                        last[update.item_id] = Report(
                            update.created_at.astimezone(zone).date(), update.note or ""
                        )
                for item_id in chunk:
                    item = by_id[item_id]
                    yield item, traffic_light(item, today, amber), last.get(item_id)

    return rows()


# The fields the list shows errors for, and the exports refuse: every one.
SHOWN_ERRORS = (
    "q",
    "city",
    "department",
    "responsible",
    "status",
    "light",
    "due_from",
    "due_to",
    "attention",
    "sort",
    "directive",
)


def _refuse_unknown(form: ItemFilterForm, user) -> None:
    """Every filter value the reader gave is one of their choices, once; else an error beside
    the filter: the list would otherwise look filtered when it is not, or empty for no
    reason. A directive is a choice when the reader may see its speech."""
    refuse_unknown_choices(*(form[name] for name in SHOWN_ERRORS))
    refuse_reversed(form.due_from, form.due_to)
    directive = form.directive
    if directive.errors and len(directive.raw_data) == 1:  # not a number, or out of range
        directive.errors = [unknown_choice(directive.raw_data[0])]
    elif directive.data is not None:
        seen = db.session.scalar(
            select(Directive.id)
            .join(Speech, Directive.speech_id == Speech.id)
            .where(Directive.id == directive.data, visible_speeches(user))
        )
        if seen is None:
            directive.errors = [unknown_choice(str(directive.data))]


def _filter_form(args: MultiDict) -> tuple[ItemFilterForm, ItemFilter]:
    """The filter form read from the query string, with choices limited to my scope."""
    user = signed_in_user()
    form = ItemFilterForm(args)
    cities = related_cities(user)
    form.city.choices = [("", _("All"))] + [(c.slug, local_name(c)) for c in cities]
    city_ids = [c.id for c in cities]
    departments = db.session.scalars(
        select(Department).where(Department.city_id.in_(city_ids)).order_by(Department.name)
    ).all()
    names = {c.id: local_name(c) for c in cities}
    form.department.choices = [(None, _("All"))] + [
        (d.id, local_name(d) + aside(names[d.city_id])) for d in departments
    ]
    people = db.session.scalars(
        select(User).where(User.role == Role.STAFF, User.city_id.in_(city_ids)).order_by(User.name)
    ).all()
    form.responsible.choices = [(None, _("Anyone"))] + [(u.id, u.name) for u in people]
    form.status.choices = [(str(s), str(STATUS_LABELS[s])) for s in Status]
    form.light.choices = [(key, str(label)) for key, label in LIGHT_LABELS.items()]
    form.attention.choices = [
        ("", _("All")),
        ("overdue", _("Overdue")),
        ("due_soon", _("Due soon")),
        ("stale", _("No update for a while")),
        ("unacknowledged", _("Awaiting acknowledgement")),
        ("report_missed", _("Periodic report missed")),
        ("extension_pending", _("Extension request waiting")),
        ("extended", _("Due date extended")),
    ]
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
    _refuse_unknown(form, user)
    valid = {name: None if form[name].errors else form[name].data for name in SHOWN_ERRORS}
    wanted = ItemFilter(
        q=valid["q"] or None,
        city=valid["city"] or None,
        department=valid["department"],
        responsible=valid["responsible"],
        statuses=tuple(s for s in form.status.data or () if s in {str(x) for x in Status}),
        lights=tuple(x for x in form.light.data or () if x in LIGHT_LABELS),
        due_from=valid["due_from"],
        due_to=valid["due_to"],
        attention=valid["attention"] if valid["attention"] in ATTENTION else None,
        directive=valid["directive"],
        sort=valid["sort"] if valid["sort"] in SORT_COLUMNS else "due",
    )
    return form, wanted
