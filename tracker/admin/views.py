"""Admin pages: users, cities and departments, reminder policy, the audit log."""

from __future__ import annotations

import smtplib
from dataclasses import asdict
from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access import require_admin
from ..audit_details import describe_events
from ..auth import services as auth_services
from ..auth.emails import password_email
from ..channels import services as channel_services
from ..clock import office_zone
from ..extensions import db
from ..formatting import aside
from ..i18n import local_name
from ..inputs import bounded_int, refuse_reversed, refuse_unknown_choices
from ..labels import ACTION_LABELS, TARGET_LABELS
from ..mail import deliver
from ..models import AuditEvent, City, Department, DepartmentRobot, User
from ..paging import one_page
from ..reminders.policy import current_policy
from ..validation import Invalid
from . import services
from .forms import AuditFilterForm, CityForm, DepartmentForm, PolicyForm, RobotForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE = 50
USERS_PAGE = 100


@bp.before_request
@login_required
def _admins_only() -> None:
    if current_user.is_authenticated:  # login_required lets OPTIONS through, signed in or not
        require_admin(current_user)


def _actor() -> User:
    return current_user._get_current_object()


def _apply_errors(form, invalid: Invalid) -> None:
    for name, message in invalid.errors.items():
        field = form._fields.get(name)
        (field.errors if field is not None else form.form_errors).append(message)


def _user_choices(form: UserForm) -> tuple[dict, dict]:
    cities = {c.id: c for c in db.session.scalars(select(City).order_by(City.name))}
    departments = {
        d.id: d for d in db.session.scalars(select(Department).order_by(Department.name))
    }
    form.city.choices = [(None, _("None (admins)"))] + [
        (c.id, local_name(c)) for c in cities.values()
    ]
    form.department.choices = [(None, _("None"))] + [
        (d.id, local_name(d) + aside(local_name(cities[d.city_id]))) for d in departments.values()
    ]
    return cities, departments


def _valid_user_form(form: UserForm) -> bool:
    """Submitted and valid, with a city and a department the form offers (an unknown id is
    an error in words, never dropped)."""
    valid = form.validate_on_submit()
    if form.is_submitted():
        refuse_unknown_choices(form.city, form.department)
    return valid and not (form.city.errors or form.department.errors)


def _user_fields(form: UserForm, cities: dict, departments: dict) -> dict:
    return {
        "email": form.email.data,
        "name": form.name.data,
        "role": form.role.data,
        "city": cities.get(form.city.data),
        "department": departments.get(form.department.data),
        "locale": form.locale.data,
        "timezone": form.timezone.data,
    }


@bp.route("/users", methods=["GET", "POST"])
def users():
    """Everyone's account, and a form to add one."""
    form = UserForm()
    cities, departments = _user_choices(form)
    status = 200
    if _valid_user_form(form):
        try:
            user = services.create_user(_actor(), **_user_fields(form, cities, departments))
        except Invalid as invalid:
            db.session.rollback()
            _apply_errors(form, invalid)
            status = 400
        else:
            db.session.commit()
            _send_reset(user, new_account=True)
            flash(
                _("%(name)s can now choose a password from the email just sent.", name=user.name),
                "info",
            )
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 400
    people = one_page(
        select(User).order_by(User.name, User.id),
        request.args.get("page", 1, type=bounded_int),
        USERS_PAGE,
        options=(joinedload(User.city), joinedload(User.department)),
    )
    return render_template("admin/users.html", form=form, people=people), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    """Change a person's role, scope, department, language; deactivate; send a reset."""
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    form = UserForm(obj=None)
    cities, departments = _user_choices(form)
    if not form.is_submitted():
        form.email.data, form.name.data, form.role.data = (
            person.email,
            person.name,
            str(person.role),
        )
        form.city.data, form.department.data = person.city_id, person.department_id
        form.locale.data, form.timezone.data = person.locale, person.timezone
    status = 200
    action = request.form.get("action")
    if form.is_submitted() and action in ("deactivate", "activate", "reset"):
        if not FlaskForm().validate_on_submit():  # the buttons' form carries only a CSRF token
            abort(400)
        try:
            if action == "reset":
                _send_reset(person)
                flash(
                    _("A password reset email was sent to %(email)s.", email=person.email), "info"
                )
            else:
                services.set_active(_actor(), person, action == "activate")
                db.session.commit()
                flash(_("Saved."), "info")
        except Invalid as invalid:
            db.session.rollback()
            flash(" ".join(invalid.errors.values()), "error")
        return redirect(url_for("admin.user", user_id=person.id))
    hand_over = None
    if _valid_user_form(form):
        try:
            services.update_user(_actor(), person, **_user_fields(form, cities, departments))
        except Invalid as invalid:
            db.session.rollback()
            hand_over = invalid.errors.pop(services.HAND_OVER, None)
            _apply_errors(form, invalid)
            status = 400
        else:
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("admin.user", user_id=person.id))
    elif form.is_submitted():
        status = 400
    return render_template("admin/user.html", form=form, person=person, hand_over=hand_over), status


def _send_reset(user: User, *, new_account: bool = False) -> None:
    valid_for = auth_services.INVITE_VALID_FOR if new_account else auth_services.RESET_VALID_FOR
    found = auth_services.request_password_reset(user.email, valid_for)
    db.session.commit()
    if not found:
        return
    _user, token = found
    message = password_email(user, token, new_account=new_account)
    try:
        deliver(message)
    except (smtplib.SMTPException, OSError):
        current_app.logger.exception("Reset mail to %s failed", user.email)
        flash(_("The email could not be sent just now; send the reset again later."), "error")


@bp.route("/places", methods=["GET", "POST"])
def places():
    """Cities with their sub-units and departments; forms to add them."""
    city_form, department_form = CityForm(prefix="city"), DepartmentForm(prefix="department")
    robot_form = RobotForm(prefix="robot")
    cities = {
        c.id: c
        for c in db.session.scalars(
            select(City).options(joinedload(City.departments)).order_by(City.name)
        ).unique()
    }  # noqa: E501
    city_form.parent.choices = [(None, _("None (a city)"))] + [
        (c.id, local_name(c)) for c in cities.values() if c.parent_id is None
    ]
    department_form.city.choices = [(c.id, local_name(c)) for c in cities.values()]
    departments = {d.id: d for c in cities.values() for d in c.departments}
    robot_form.department.choices = [
        (d.id, local_name(d) + aside(local_name(cities[d.city_id]))) for d in departments.values()
    ]
    robots = {r.department_id: r for r in db.session.scalars(select(DepartmentRobot))}
    status = 200
    submitted = request.form.get("what")
    form = {"city": city_form, "department": department_form, "robot": robot_form}.get(submitted)
    if form is not None and form.validate_on_submit():
        try:
            if form is robot_form:
                _save_robot(robot_form, departments.get(robot_form.department.data))
            elif form is city_form:
                services.create_city(
                    _actor(),
                    slug=form.slug.data,
                    name=form.name.data,
                    name_zh=form.name_zh.data,
                    parent=cities.get(form.parent.data),
                )
            else:
                services.create_department(
                    _actor(),
                    city=cities.get(form.city.data),
                    slug=form.slug.data,
                    name=form.name.data,
                    name_zh=form.name_zh.data,
                )
        except Invalid as invalid:
            db.session.rollback()
            _apply_errors(form, invalid)
            status = 400
        else:
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("admin.places"))
    elif form is not None:
        status = 400
    return render_template(
        "admin/places.html",
        refused=submitted if status == 400 else None,
        cities=list(cities.values()),
        city_form=city_form,
        department_form=department_form,
        robot_form=robot_form,
        robots=robots,
    ), status


def _save_robot(form: RobotForm, department: Department | None) -> None:
    if department is None:
        raise Invalid({"department": _("Choose a department.")})
    if form.platform.data == "none":
        channel_services.remove_robot(_actor(), department)
    else:
        channel_services.set_robot(
            _actor(), department, form.platform.data, form.url.data, form.secret.data
        )


@bp.route("/policy", methods=["GET", "POST"])
def policy():
    """The reminder rules: offsets, cadences, escalation, send hour, digest day."""
    form = PolicyForm()
    if not form.is_submitted():
        current = asdict(current_policy())
        form.before_days.data = ", ".join(str(d) for d in current["before_days"])
        form.working_days.data = current["working_days"]
        for name in [*services.POLICY_LIMITS, *services.RANK_LIMITS, *services.CYCLE_LIMITS]:
            form[name].data = current[name]
    status = 200
    if form.validate_on_submit():
        values = {
            name: form[name].data
            for name in [*services.POLICY_LIMITS, *services.RANK_LIMITS, *services.CYCLE_LIMITS]
        }
        values["before_days"] = form.days()
        values["working_days"] = bool(form.working_days.data)
        try:
            services.save_policy(_actor(), values)
        except Invalid as invalid:
            db.session.rollback()
            _apply_errors(form, invalid)
            status = 400
        else:
            db.session.commit()
            flash(_("The reminder rules are saved; they apply from the next run."), "info")
            return redirect(url_for("admin.policy"))
    elif form.is_submitted():
        status = 400
    return render_template("admin/policy.html", form=form), status


# The audit log's actions in groups, by what they act on.
ACTION_GROUPS = {
    "item": TARGET_LABELS["action_items"],
    "directive": TARGET_LABELS["directives"],
    "speech": TARGET_LABELS["speeches"],
    "user": TARGET_LABELS["users"],
    "auth": TARGET_LABELS["user_sessions"],
    "admin": _l("Administration"),
    "department": TARGET_LABELS["departments"],
    "reminder": TARGET_LABELS["reminders"],
    "api_token": TARGET_LABELS["api_tokens"],
}


def _action_choices() -> list[tuple[str, str]]:
    """Every recorded action by its name in the reader's language, after what it acts on
    ("Item · Reported progress"), after a choice of all of them."""
    choices = []
    for action, label in ACTION_LABELS.items():
        group = ACTION_GROUPS.get(action.split(".")[0])
        choices.append((action, f"{group} · {label}" if group else str(label)))
    return [("", _("All"))] + sorted(choices, key=lambda choice: choice[1])


@bp.get("/audit")
def audit_log():
    """Every recorded action, newest first, filtered by action, person, record type, dates."""
    form = AuditFilterForm(request.args)
    form.since.label.text = _("From date")  # "From" is the source column (来源)
    form.action.choices = _action_choices()
    form.target.choices = [("", _("All"))] + sorted(
        ((key, str(label)) for key, label in TARGET_LABELS.items()), key=lambda c: c[1]
    )
    form.validate()
    refuse_unknown_choices(form.action, form.target)
    refuse_reversed(form.since, form.until)
    query = select(AuditEvent).options(joinedload(AuditEvent.actor))
    if form.action.data and not form.action.errors:
        query = query.where(AuditEvent.action == form.action.data)
    if form.actor.data:
        query = query.where(AuditEvent.actor.has(User.email == form.actor.data.strip().lower()))
    if form.target.data and not form.target.errors:
        query = query.where(AuditEvent.target_type == form.target.data)
    zone = office_zone()
    if form.since.data and not form.since.errors:
        query = query.where(AuditEvent.at >= datetime.combine(form.since.data, time(0), zone))
    if form.until.data and not form.until.errors:
        end = datetime.combine(form.until.data + timedelta(days=1), time(0), zone)
        query = query.where(AuditEvent.at < end)
    # Beyond the last page is the last page, as on /items.
    found = one_page(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        request.args.get("page", 1, type=bounded_int),
        AUDIT_PAGE,
    )
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "admin/audit.html",
        form=form,
        events=found.rows,
        details=describe_events(found.rows),
        total=found.total,
        page=found.page,
        pages=found.pages,
        args=args,
    )
