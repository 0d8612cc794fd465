"""Item pages: my work, an item with its history, reporting, verifying, assigning."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..access import (
    department_or_404,
    item_or_404,
    leads,
    require_supervisor,
    supervises,
)
from ..clock import office_today
from ..extensions import db
from ..inputs import bounded_int
from ..labels import STATUS_LABELS
from ..models import ActionItem, Role, Status, StatusUpdate, User
from . import services
from .blueprint import amber_days, bp, signed_in_user
from .cycle_forms import forms_for
from .cycle_queries import since_instructed
from .forms import (
    AssignForm,
    BulkReassignForm,
    ReportForm,
    ReturnForm,
    ScheduleForm,
    VerifyForm,
)
from .page import item_page
from .queries import assignable, my_work
from .rules import allowed_targets

GROUP_TITLES = {
    "unacknowledged": _l("Awaiting your acknowledgement"),
    "instructed": _l("Your instructions"),
    "extension_pending": _l("Extension requests waiting for a decision"),
    "supporting": _l("Supported by your department"),
    "overdue": _l("Overdue"),
    "week": _l("Due this week"),
    "later": _l("Later"),
    "awaiting": _l("Awaiting verification"),
    "closed": _l("Recently closed"),
}


@bp.get("/my")
def mine():
    """My items grouped by urgency (staff), or what waits for me (supervisors)."""
    titles = {key: str(title) for key, title in GROUP_TITLES.items()}
    user = signed_in_user()
    groups = my_work(user, office_today(), amber_days(), titles)
    instructed = [row.item for g in groups if g.key == "instructed" for row in g.rows]
    moved = since_instructed(user, instructed)
    return render_template("items/my.html", groups=groups, moved=moved)


@bp.get("/items/<int:item_id>")
def detail(item_id: int):
    """One item: its source sentence, owners, dates, milestones and history."""
    return _detail_page(item_id)


@bp.post("/items/<int:item_id>/report")
def report(item_id: int):
    """Report progress or change the status of an item."""
    user = signed_in_user()
    item = item_or_404(user, item_id)
    if user.role == Role.LEADER:
        abort(403)  # leaders watch and instruct
    form = ReportForm()
    _report_choices(form, item, user)
    if not leads(user, item) and user.role == Role.STAFF:
        flash(
            _("Only the lead department reports on the item; report your department's part."),
            "error",
        )
        return _detail_page(item_id, status=400)

    def change():
        data = services.Report(
            status=Status(form.status.data),
            progress=form.progress.data,
            note=form.note.data,
            evidence_url=form.evidence_url.data,
            evidence_file=form.evidence_file.data or None,
            milestone_id=form.milestone.data,
        )
        services.report_status(item, user, data, form.seen_version(), office_today())

    def page(status):
        return _detail_page(item_id, report_form=form, status=status)

    return _commit_change(form, item_id, change, page) or _saved(item_id, _("Report saved."))


@bp.post("/items/<int:item_id>/verify")
def verify(item_id: int):
    """Verify a finished item and close it (supervisors)."""
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    form = VerifyForm()

    def change():
        services.verify(item, user, form.note.data, form.seen_version(), office_today())

    def page(status):
        return _detail_page(item_id, verify_form=form, status=status)

    return _commit_change(form, item_id, change, page) or _saved(item_id, _("Verified and closed."))


@bp.post("/items/<int:item_id>/return")
def send_back(item_id: int):
    """Return a submitted item to its owners with a reason (supervisors)."""
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    form = ReturnForm()

    def change():
        services.send_back(item, user, form.reason.data, form.seen_version(), office_today())

    def page(status):
        return _detail_page(item_id, return_form=form, status=status)

    response = _commit_change(form, item_id, change, page)
    if response:
        return response
    return _saved(item_id, _("Returned to the owners."))


@bp.route("/items/<int:item_id>/assign", methods=["GET", "POST"])
def assign(item_id: int):
    """Assign the owning department, responsible person and co-owners (supervisors)."""
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    form = AssignForm(obj=None)
    departments, staff = _assign_choices(form, item)
    if not form.is_submitted():
        form.version.data = item.version
        form.department.data = item.department_id
        form.responsible.data = item.responsible_id
        form.co_owners.data = [u.id for u in item.co_owners]

    def change():
        services.assign(
            item,
            user,
            departments[form.department.data],
            staff[form.responsible.data],
            [staff[i] for i in form.co_owners.data or []],
            form.seen_version(),
        )

    def page(status):
        return render_template("items/assign.html", item=item, form=form), status

    if not form.is_submitted():
        return page(200)
    return _commit_change(form, item_id, change, page) or _saved(item_id, _("Assignment saved."))


@bp.route("/items/<int:item_id>/schedule", methods=["GET", "POST"])
def schedule(item_id: int):
    """Edit the title, dates and milestones (supervisors)."""
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    form = ScheduleForm()
    if not form.is_submitted():
        form.version.data = item.version
        form.title.data, form.start_on.data, form.due_on.data = (
            item.title,
            item.start_on,
            item.due_on,
        )
        for milestone in item.milestones:
            form.milestones.append_entry(
                {
                    "milestone_id": milestone.id,
                    "title": milestone.title,
                    "due_on": milestone.due_on,
                    "weight": milestone.weight,
                }
            )
        for _blank in range(2):
            form.milestones.append_entry({"weight": 1})

    def change():
        changes = [
            services.MilestoneChange(
                id=int(entry.milestone_id.data) if entry.milestone_id.data else None,
                title=(entry.title.data or "").strip(),
                due_on=entry.due_on.data,
                weight=entry.weight.data or 1,
                remove=entry.remove.data,
            )
            for entry in form.milestones
        ]
        services.schedule(
            item,
            user,
            form.title.data,
            form.start_on.data,
            form.due_on.data,
            changes,
            form.seen_version(),
        )

    def page(status):
        return render_template("items/schedule.html", item=item, form=form), status

    if not form.is_submitted():
        return page(200)
    return _commit_change(form, item_id, change, page) or _saved(item_id, _("Schedule saved."))


@bp.get("/items/<int:item_id>/evidence/<int:update_id>")
def evidence(item_id: int, update_id: int):
    """Download an evidence file; only people who may see the item get it, never inline."""
    item = item_or_404(signed_in_user(), item_id)
    update = db.session.get(StatusUpdate, update_id)
    if update is None or update.item_id != item.id or update.evidence_file is None:
        abort(404)
    response = send_file(
        io.BytesIO(update.evidence_file.content),
        as_attachment=True,
        download_name=update.evidence_name or "evidence",
        mimetype="application/octet-stream",
        etag=update.evidence_file.sha256,
        last_modified=update.evidence_file.created_at,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/departments/<int:department_id>/reassign", methods=["GET", "POST"])
def reassign_department(department_id: int):
    """Move all open items of one person in a department to another (supervisors)."""
    user = signed_in_user()
    department = department_or_404(user, department_id)
    people = db.session.scalars(
        select(User).where(User.department_id == department.id).order_by(User.name)
    ).all()
    by_id = {p.id: p for p in people}
    form = BulkReassignForm()
    form.old.choices = [(p.id, p.name) for p in people]
    form.new.choices = [(p.id, p.name) for p in people if p.is_active]
    if not form.is_submitted():  # the admin's user page links here with the person
        form.old.data = request.args.get("old", type=bounded_int)
    status = 200
    if form.validate_on_submit():
        try:
            moved = services.reassign_department(
                department, user, by_id[form.old.data], by_id[form.new.data]
            )
        except services.Invalid as invalid:
            db.session.rollback()
            form.new.errors = [*form.new.errors, *invalid.errors.values()]
            status = 400
        else:
            db.session.commit()
            flash(ngettext("%(num)d open item moved.", "%(num)d open items moved.", moved), "info")
            return redirect(url_for("items.mine"))
    elif form.is_submitted():
        status = 400
    alone = len(form.new.choices) < 2  # nobody else to give the items to
    return render_template(
        "items/reassign.html", department=department, form=form, alone=alone
    ), status


# ---------------------------------------------------------------- helpers


def _commit_change(form, item_id: int, change: Callable[[], object], page):
    """Validate the form, run the change and commit. A form from an older version gets the
    conflict page (409) first, before its input is judged against a state it never saw; on
    bad input, the page again with the user's input and the messages (400); on success,
    None."""
    if form.seen_version() != db.session.get(ActionItem, item_id).version:
        return _conflict_page(form, item_id)
    if not form.validate_on_submit():
        return page(400)
    try:
        change()
        db.session.commit()
    except services.Invalid as invalid:
        db.session.rollback()
        for name, message in invalid.errors.items():
            if name:
                _field_errors(form, name).append(message)
            else:  # about the item, not a field: at the top of the page, whatever it shows
                flash(message, "error")
        return page(400)
    except (services.Conflict, StaleDataError):
        db.session.rollback()
        return _conflict_page(form, item_id)
    return None


def _conflict_page(form, item_id: int):
    """What changed since the form was loaded, and the form with what was typed (409)."""
    current = db.session.get(ActionItem, item_id)
    changes = services.changes_since(current, form.seen_version() or 0)
    form.version.data = current.version  # resubmitting now overwrites knowingly
    return render_template("items/conflict.html", item=current, form=form, changes=changes), 409


def _field_errors(form, name: str) -> list:
    """The error list of the field a service named ("note", "milestones-0-due_on")."""
    if "-" in name:
        listname, index, subname = name.split("-")
        field = form[listname][int(index)][subname]
    else:
        field = form._fields.get(name)
    if field is None:
        return form.form_errors
    if not isinstance(field.errors, list):
        field.errors = list(field.errors)
    return field.errors


def _saved(item_id: int, message: str):
    flash(message, "info")
    return redirect(url_for("items.detail", item_id=item_id))


def _report_choices(form: ReportForm, item: ActionItem, user: User) -> None:
    """The statuses the user may report; none for staff who are not the item's lead (a
    supporting department reports its part, the parent's owners only watch its children)."""
    targets = allowed_targets(user.role, Status(item.status))
    if user.role == Role.STAFF and not leads(user, item):
        targets = []
    form.status.choices = [(str(s), str(STATUS_LABELS[s])) for s in targets]
    form.milestone.choices = [(None, _("None"))] + [
        (m.id, m.title) for m in item.milestones if m.done_on is None
    ]


def _assign_choices(form: AssignForm, item: ActionItem):
    return assignable([item.city_id], form)


def _detail_page(item_id: int, status: int = 200, **forms):
    user = signed_in_user()
    page = item_page(item_id, user, office_today(), amber_days())
    if page is None:
        abort(404)
    item = page.item
    report_form = forms.get("report_form") or ReportForm(
        formdata=None, version=item.version, progress=item.progress
    )
    _report_choices(report_form, item, user)
    if not forms.get("report_form") and report_form.status.choices:
        current = str(item.status)
        choices = [value for value, _label in report_form.status.choices]
        report_form.status.data = current if current in choices else choices[0]
    verify_form = forms.get("verify_form") or VerifyForm(formdata=None, version=item.version)
    return_form = forms.get("return_form") or ReturnForm(formdata=None, version=item.version)
    return render_template(
        "items/detail.html",
        page=page,
        item=item,
        report_form=report_form,
        verify_form=verify_form,
        return_form=return_form,
        supervises=supervises(user),
        cycle=forms_for(item, user, forms),
        leads=leads(user, item),
    ), status
