"""Admin changes, each validated and audited; the request or command commits. The pages and
`tracker users ...` call the same functions."""

from __future__ import annotations

import re
from dataclasses import fields
from zoneinfo import available_timezones

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from .. import audit
from ..auth.sessions import end_all_sessions
from ..extensions import db
from ..i18n import local_name
from ..items.services import open_holdings
from ..labels import role_label
from ..models import City, Department, Role, Setting, User
from ..reminders.policy import POLICY_KEY, ReminderPolicy, current_policy
from ..validation import Invalid

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
LOCALES = ("en", "zh_Hans")
HAND_OVER = "hand_over"  # in an Invalid: the page where a person's open items change hands


def _check_user(email, name, role, city, department, locale, timezone, existing=None) -> None:
    errors = {}
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        errors["email"] = _("Give a valid email address.")
    else:
        other = db.session.scalar(select(User).where(User.email == email))
        if other is not None and other is not existing:
            errors["email"] = _("%(email)s already has an account.", email=email)
    if not (name or "").strip():
        errors["name"] = _("Give the person's name.")
    if role != Role.ADMIN and city is None:
        errors["city"] = _("Staff, supervisors and leaders belong to a city.")
    if role == Role.ADMIN and city is not None:
        errors["city"] = _("Administrators see every city: leave the city empty.")
    if role == Role.STAFF and department is None:
        errors["department"] = _("Staff belong to a department.")
    if role != Role.STAFF and department is not None:  # never dropped without a word
        errors["department"] = _(
            "Only staff belong to a department: leave it empty for the role “%(role)s”.",
            role=role_label(role),
        )
    if department is not None and city is not None and department.city_id != city.id:
        errors["department"] = _(
            "%(department)s of %(other)s is not a department of %(city)s.",
            department=local_name(department),
            other=local_name(department.city),
            city=local_name(city),
        )
    if locale not in LOCALES:
        errors["locale"] = _("Choose a language.")
    if timezone and timezone not in available_timezones():
        errors["timezone"] = _("Not a known time zone.")
    if errors:
        raise Invalid(errors)


def create_user(
    actor, *, email, name, role, city=None, department=None, locale="en", timezone=None
) -> User:
    """A new account without a password: the person sets one through a reset email."""
    role = Role(role)
    _check_user(email, name, role, city, department, locale, timezone)
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        city=city,
        department=department,
        locale=locale,
        timezone=timezone or None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("admin.user_created", user, actor=actor, role=str(role), email=user.email)
    return user


def update_user(actor, user: User, *, email, name, role, city, department, locale, timezone):
    role = Role(role)
    _check_user(email, name, role, city, department, locale, timezone, existing=user)
    if user.department is not None and (role != Role.STAFF or department is not user.department):
        _check_nothing_left(user)
    before = {"role": str(user.role), "city": user.city_id, "department": user.department_id}
    user.email, user.name, user.role = email.strip().lower(), name.strip(), role
    user.city, user.department = city, department
    user.locale, user.timezone = locale, timezone or None
    db.session.flush()
    audit.record(
        "admin.user_updated",
        user,
        actor=actor,
        before=before,
        after={"role": str(role), "city": user.city_id, "department": user.department_id},
    )


def _check_nothing_left(user: User) -> None:
    """A person leaves their department only once its open items they are responsible for
    have a new owner: moved with them, the items would belong to nobody in the department
    (and to someone outside its city)."""
    owned = open_holdings(user.department_id, user.id)
    if owned:
        raise Invalid(
            {
                "department": ngettext(
                    "%(name)s is responsible for %(num)d open item of %(department)s: give it "
                    "to a colleague first, then change the department.",
                    "%(name)s is responsible for %(num)d open items of %(department)s: give "
                    "them to a colleague first, then change the department.",
                    owned,
                    name=user.name,
                    department=local_name(user.department),
                ),
                HAND_OVER: url_for(
                    "items.reassign_department", department_id=user.department_id, old=user.id
                ),
            }
        )


def set_active(actor, user: User, active: bool) -> None:
    """Deactivating ends every session of the user at once."""
    if user.id == getattr(actor, "id", None) and not active:
        raise Invalid({"": _("You cannot deactivate your own account.")})
    user.is_active = active
    if not active:
        end_all_sessions(user)
    audit.record("admin.user_activated" if active else "admin.user_deactivated", user, actor=actor)


def create_city(actor, *, slug, name, name_zh=None, parent=None) -> City:
    errors = {}
    if not SLUG.match(slug or ""):
        errors["slug"] = _("Use lower-case letters, digits and hyphens.")
    elif db.session.scalar(select(City).where(City.slug == slug)):
        errors["slug"] = _("A city with this short name exists.")
    if not (name or "").strip():
        errors["name"] = _("Give the city's name.")
    if parent is not None and parent.parent_id is not None:
        errors["parent"] = _("A sub-unit cannot have sub-units of its own.")
    if errors:
        raise Invalid(errors)
    city = City(
        slug=slug, name=name.strip(), name_zh=(name_zh or "").strip() or None, parent=parent
    )
    db.session.add(city)
    db.session.flush()
    audit.record("admin.city_created", city, actor=actor, slug=slug)
    return city


def create_department(actor, *, city, slug, name, name_zh=None) -> Department:
    errors = {}
    if city is None:
        errors["city"] = _("Choose a city.")
    if not SLUG.match(slug or ""):
        errors["slug"] = _("Use lower-case letters, digits and hyphens.")
    if not (name or "").strip():
        errors["name"] = _("Give the department's name.")
    if city is not None and not errors:
        same = select(Department).where(Department.city_id == city.id)
        if db.session.scalar(
            same.where((Department.slug == slug) | (Department.name == name.strip()))
        ):
            errors["name"] = _("%(city)s has this department already.", city=city.name)
    if errors:
        raise Invalid(errors)
    department = Department(
        city=city, slug=slug, name=name.strip(), name_zh=(name_zh or "").strip() or None
    )
    db.session.add(department)
    db.session.flush()
    audit.record("admin.department_created", department, actor=actor, city=city.slug)
    return department


POLICY_LIMITS = {
    "overdue_every": (1, 30),
    "escalate_after": (0, 60),
    "escalate_every": (1, 30),
    "stale_after": (1, 90),
    "stale_every": (1, 30),
    "send_hour": (0, 23),
    "digest_weekday": (0, 6),
}


RANK_LIMITS = {"rank_on_time": (0, 100), "rank_reports": (0, 100), "rank_overdue_day": (0, 20)}
# The 督办 cycle's numbers (tracker/reminders/policy.py): optional like the ranking's.
CYCLE_LIMITS = {
    "acknowledge_within": (1, 10),
    "max_extensions": (0, 10),
    "report_by_day": (1, 28),
    "report_warn_days": (0, 10),
}


def save_policy(actor, values: dict) -> dict:
    """Check and store the reminder policy; it applies from the next scheduler tick."""
    errors = {}
    policy = {}
    days = values.get("before_days")
    if not isinstance(days, list) or not days or any(not 1 <= d <= 60 for d in days):
        errors["before_days"] = _("Give whole numbers of days from 1 to 60, separated by commas.")
    else:
        policy["before_days"] = sorted(set(days), reverse=True)
    for name, (low, high) in POLICY_LIMITS.items():
        value = values.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            errors[name] = _("A whole number from %(low)d to %(high)d.", low=low, high=high)
        else:
            policy[name] = value
    policy["working_days"] = bool(values.get("working_days"))
    current = current_policy()
    for name, (low, high) in {**RANK_LIMITS, **CYCLE_LIMITS}.items():
        value = values.get(name)
        if value is None:  # left out: the weight stays as it is
            policy[name] = getattr(current, name)
        elif not isinstance(value, int) or not low <= value <= high:
            errors[name] = _("A whole number from %(low)d to %(high)d.", low=low, high=high)
        else:
            policy[name] = value
    if errors:
        raise Invalid(errors)
    assert set(policy) <= {f.name for f in fields(ReminderPolicy)}
    setting = db.session.get(Setting, POLICY_KEY) or Setting(key=POLICY_KEY)
    setting.value = policy
    db.session.add(setting)
    db.session.flush()
    audit.record("admin.policy_saved", target_type="settings", actor=actor, **policy)
    return policy
