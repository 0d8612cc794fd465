"""The 督办 cycle on the item page: 签收, 协办 (setting supporters, reporting a part), 延期申请
(asking, deciding, opening a late request), 转办 (passing down, adding child items), the
reporting cycle and a leader's 批示. Each form posts here and returns to the item page, or
shows it again with what was typed and why it was refused (400), or the conflict page (409)."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import city_scope_ids, instructs, item_or_404, require_supervisor, supports
from ..clock import office_today
from ..extensions import db
from ..formatting import aside
from ..i18n import local_name
from ..models import City, Department, ExtensionRequest, Role, User
from ..validation import Invalid
from . import cycle, extensions
from .blueprint import bp, signed_in_user
from .cycle_forms import (
    AcknowledgeForm,
    ChildForm,
    CycleForm,
    DecisionForm,
    ExtensionForm,
    InstructionForm,
    OpenLateForm,
    PartReportForm,
    PassDownForm,
    SupportersForm,
    cycle_choices,
)
from .views import _commit_change, _detail_page, _saved


def _staff_only(user) -> None:
    """签收, a supporting department's part and 延期申请 are the owners' (staff): 403 for the
    rest, whose role never allows them; the service judges which staff member may."""
    if user.role != Role.STAFF:
        abort(403)


def _page(item_id: int, name: str, form):
    return lambda status: _detail_page(item_id, status=status, **{name: form})


@bp.post("/items/<int:item_id>/acknowledge")
def acknowledge(item_id: int):
    """签收: the lead department confirms receipt."""
    user = signed_in_user()
    _staff_only(user)
    item = item_or_404(user, item_id)
    form = AcknowledgeForm()
    response = _commit_change(
        form,
        item_id,
        lambda: cycle.acknowledge(item, user, form.seen_version()),
        _page(item_id, "acknowledge_form", form),
    )
    return response or _saved(item_id, _("Acknowledged."))


@bp.post("/items/<int:item_id>/part")
def report_part(item_id: int):
    """A supporting department reports on its part."""
    user = signed_in_user()
    _staff_only(user)
    item = item_or_404(user, item_id)
    if supports(user, item) is None:
        abort(403)  # the lead reports on the item itself
    form = PartReportForm()
    response = _commit_change(
        form,
        item_id,
        lambda: cycle.report_part(
            item, user, form.part_progress.data, form.part_note.data, form.seen_version()
        ),
        _page(item_id, "part_form", form),
    )
    return response or _saved(item_id, _("Your department's report is saved."))


@bp.post("/items/<int:item_id>/extension")
def request_extension(item_id: int):
    """延期申请: the lead asks for a later due date."""
    user = signed_in_user()
    _staff_only(user)
    item = item_or_404(user, item_id)
    form = ExtensionForm()
    response = _commit_change(
        form,
        item_id,
        lambda: extensions.request_extension(
            item,
            user,
            form.new_due_on.data,
            form.extension_reason.data,
            form.seen_version(),
            office_today(),
        ),
        _page(item_id, "extension_form", form),
    )
    return response or _saved(item_id, _("Your request is sent to the supervisors."))


@bp.post("/items/<int:item_id>/extension/<int:request_id>/decide")
def decide_extension(item_id: int, request_id: int):
    """A supervisor approves or refuses an extension request."""
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    request = db.session.get(ExtensionRequest, request_id)
    if request is None or request.item_id != item.id:
        abort(404)
    form = DecisionForm()
    response = _commit_change(
        form,
        item_id,
        lambda: extensions.decide_extension(
            request,
            user,
            form.decision.data == "approve",
            form.decision_note.data,
            form.seen_version(),
            office_today(),
        ),
        _page(item_id, "decision_form", form),
    )
    if response:
        return response
    approved = form.decision.data == "approve"
    return _saved(item_id, _("Extension approved.") if approved else _("Extension refused."))


@bp.post("/items/<int:item_id>/extension/open")
def open_late_extension(item_id: int):
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    form = OpenLateForm()
    response = _commit_change(
        form,
        item_id,
        lambda: extensions.open_late_extension(item, user, form.seen_version(), office_today()),
        _page(item_id, "open_late_form", form),
    )
    return response or _saved(item_id, _("The owners may now ask for a later due date once."))


@bp.route("/items/<int:item_id>/supporters", methods=["GET", "POST"])
def supporters(item_id: int):
    """协办: the supporting departments, each with its responsible person (supervisors)."""
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    form = SupportersForm()
    people = db.session.scalars(
        select(User)
        .join(Department, Department.id == User.department_id)
        .where(
            Department.city_id == item.city_id,
            User.role == Role.STAFF,
            User.is_active,
            Department.id != (item.department_id or 0),
        )
        .order_by(Department.name, User.name)
    ).all()
    by_key = {f"{p.department_id}:{p.id}": p for p in people}
    form.supporters.choices = [
        (key, f"{local_name(p.department)} · {p.name}") for key, p in by_key.items()
    ]
    if not form.is_submitted():
        form.version.data = item.version
        form.supporters.data = [
            f"{s.department_id}:{s.responsible_id}" for s in item.supporters if s.responsible_id
        ]

    def change():
        unknown = [key for key in form.supporters.data or [] if key not in by_key]
        if unknown:
            raise Invalid({"supporters": _("Choose people from the list.")})
        chosen = [by_key[key] for key in form.supporters.data or []]
        cycle.set_supporters(
            item,
            user,
            [cycle.Support(p.department, p) for p in chosen],
            form.seen_version(),
        )

    def page(status):
        return render_template("items/supporters.html", item=item, form=form), status

    if not form.is_submitted():
        return page(200)
    response = _commit_change(form, item_id, change, page)
    return response or _saved(item_id, _("Supporting departments saved."))


@bp.post("/items/<int:item_id>/pass")
def pass_down(item_id: int):
    """转办: pass the item to a sub-unit (supervisors)."""
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    form = PassDownForm()
    form.sub_unit.choices = [(c.id, local_name(c)) for c in item.city.sub_units]

    def change():
        city = db.session.get(City, form.sub_unit.data) if form.sub_unit.data else None
        if city is None:
            raise Invalid({"sub_unit": _("Choose a sub-unit.")})
        cycle.pass_down(item, user, city, form.seen_version(), office_today())

    response = _commit_change(form, item_id, change, _page(item_id, "pass_form", form))
    return response or _saved(item_id, _("Passed down."))


@bp.route("/items/<int:item_id>/children/new", methods=["GET", "POST"])
def add_child(item_id: int):
    """The sub-unit's supervisor assigns part of a passed-down item to a department."""
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    if item.passed_to_city_id is None or (
        user.role != Role.ADMIN and item.passed_to_city_id not in city_scope_ids(user)
    ):
        abort(404)
    form = ChildForm()
    departments = {
        d.id: d
        for d in db.session.scalars(
            select(Department)
            .where(Department.city_id == item.passed_to_city_id)
            .order_by(Department.name)
        )
    }
    staff = {
        u.id: u
        for u in db.session.scalars(
            select(User)
            .where(User.department_id.in_(list(departments)), User.is_active)
            .order_by(User.name)
        )
    }
    form.department.choices = [(d.id, local_name(d)) for d in departments.values()]
    form.responsible.choices = [
        (u.id, u.name + aside(local_name(departments[u.department_id]))) for u in staff.values()
    ]
    if not form.is_submitted():
        form.version.data = item.version
        form.child_due_on.data = item.due_on

    def change():
        cycle.add_child(
            item,
            user,
            departments[form.department.data],
            staff[form.responsible.data],
            form.child_title.data,
            form.child_due_on.data,
            form.seen_version(),
            office_today(),
        )

    def page(status):
        return render_template("items/child.html", item=item, form=form), status

    if not form.is_submitted():
        return page(200)
    response = _commit_change(form, item_id, change, page)
    return response or _saved(item_id, _("Child item added."))


@bp.post("/items/<int:item_id>/cycle")
def reporting_cycle(item_id: int):
    """定期报送: set how often the owners report (supervisors)."""
    user = signed_in_user()
    require_supervisor(user)
    item = item_or_404(user, item_id)
    form = CycleForm()
    form.reporting_cycle.choices = cycle_choices()
    response = _commit_change(
        form,
        item_id,
        lambda: cycle.set_reporting_cycle(
            item, user, form.reporting_cycle.data or None, form.seen_version(), office_today()
        ),
        _page(item_id, "cycle_form", form),
    )
    return response or _saved(item_id, _("Reporting cycle saved."))


@bp.post("/items/<int:item_id>/instruct")
def instruct(item_id: int):
    """批示: a leader's instruction on the item or its directive."""
    user = signed_in_user()
    item = item_or_404(user, item_id)  # out of scope: not found, before any other answer
    if not instructs(user):
        abort(403)
    form = InstructionForm()
    if not form.validate_on_submit():
        return _detail_page(item_id, status=400, instruction_form=form)
    target = {"item": item} if form.scope.data == "item" else {"directive": item.directive}
    try:
        cycle.instruct(user, form.instruction.data, office_today(), **target)
        db.session.commit()
    except Invalid as invalid:
        db.session.rollback()
        form.instruction.errors = [*form.instruction.errors, *invalid.errors.values()]
        return _detail_page(item_id, status=400, instruction_form=form)
    return _saved(item_id, _("Instruction sent."))
