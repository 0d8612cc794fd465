"""An audit event's details in words, for the audit log: each recorded field named in the
reader's language, people, departments and cities by name, codes by their labels, dates as
dates, and a change as "before → after". A page's names are read in three queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .admin.forms import PolicyForm
from .documents.notices import LEVELS
from .extensions import db
from .formatting import aside, format_date
from .i18n import local_name
from .labels import CYCLE_LABELS, PLATFORM_LABELS, STATUS_LABELS, role_label
from .models import AuditEvent, City, Department, Platform, Role, Status, User

KEY_LABELS = {
    "role": _l("Role"),
    "email": _l("Email"),
    "name": _l("Name"),
    "city": _l("City"),
    "slug": _l("Short name"),
    "department": _l("Department"),
    "responsible": _l("Responsible person"),
    "co_owners": _l("Co-owners"),
    "supporters": _l("Supporting departments"),
    "status": _l("Status"),
    "progress": _l("Progress"),
    "title": _l("Title"),
    "start_on": _l("Start date"),
    "due_on": _l("Due date"),
    "milestones": _l("Milestones"),
    "reporting_cycle": _l("Reporting cycle"),
    "version": _l("Version"),
    "parent": _l("Parent item"),
    "child": _l("Child item"),
    "request": _l("Extension request"),
    "instruction": _l("Instruction"),
    "items": _l("Items"),
    "directive": _l("Directive"),
    "directives": _l("Directives"),
    "new": _l("New directive"),
    "merged": _l("Merged directive"),
    "speech": _l("Speech"),
    "source_name": _l("File"),
    "platform": _l("Group robot"),
    "url": _l("Webhook address"),
    "signed": _l("Signing secret"),
    "level": _l("Notice"),
    "on": _l("Date"),
    "paused_until": _l("Paused until"),
    "delegate": _l("Delegate"),
    "sms": _l("SMS"),
    "bulk": _l("Changed in bulk"),
    "items_count": _l("Number of items"),
    "directives_count": _l("Number of directives"),
    "milestones_count": _l("Number of milestones"),
}

# What a bare before/after is a value of, by action.
SUBJECTS = {
    "item.cycle_set": "reporting_cycle",
    "item.supporters_set": "supporters",
    "speech.city_changed": "city",
}
HIDDEN = {"before", "after", "version"}  # a change is shown as one; versions are internal
COUNTED = {"items", "directives", "milestones"}  # a number of them, or the list of them
PEOPLE = {"responsible", "delegate", "co_owners"}
DATES = {"start_on", "due_on", "on", "paused_until"}
RECORDS = {"parent", "child", "request", "instruction", "new", "merged", "speech", "directive"}
SHOWN_ITEMS = 10  # ids of a list of items shown at most


def describe_events(events: Iterable[AuditEvent]) -> dict[int, list[tuple[str, str]]]:
    """Each event's details as (label, text) pairs, by event id."""
    fields = {event.id: list(_fields(event.action, event.details or {})) for event in events}
    names = _Names(pair for pairs in fields.values() for pair in pairs)
    return {
        event_id: [(key_label(key), names.text(key, value)) for key, value in pairs]
        for event_id, pairs in fields.items()
    }


def key_label(key: str) -> str:
    label = KEY_LABELS.get(key)
    if label is None:
        field = getattr(PolicyForm, key, None)  # the policy is recorded field by field
        label = field.args[0] if field is not None and field.args else key
    return str(label)


class _Change(tuple):
    """A value before and after (old, new)."""


def _fields(action: str, details: dict) -> Iterator[tuple[str, object]]:
    before, after = details.get("before"), details.get("after")
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        changed = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        for key in changed or list(after):
            yield key, _Change((before.get(key), after.get(key)))
    elif "before" in details or "after" in details:
        yield SUBJECTS.get(action, "after"), _Change((before, after))
    for key, value in details.items():
        if key in HIDDEN:
            continue
        if key in COUNTED and isinstance(value, int) and not isinstance(value, bool):
            key = f"{key}_count"
        if isinstance(value, list) and len(value) == 2 and key in {"status", "progress", *DATES}:
            value = _Change(value)
        yield key, value


class _Names:
    """The names of the people, departments and cities that the given fields mention."""

    def __init__(self, fields: Iterable[tuple[str, object]]) -> None:
        wanted: dict[str, set] = {"user": set(), "department": set(), "city": set()}
        for key, value in fields:
            if key == "supporters":
                for side in value if isinstance(value, _Change) else [value]:
                    for department, person in _pairs(side):
                        wanted["department"].update(_flat(department))
                        wanted["user"].update(_flat(person))
            elif key in PEOPLE:
                wanted["user"].update(_flat(value))
            elif key in ("department", "city"):
                wanted[key].update(_flat(value))
        self.users = _by_id(User, wanted["user"])
        self.departments = _by_id(Department, wanted["department"])
        self.cities = _by_id(City, wanted["city"])
        slugs = {v for v in wanted["city"] if isinstance(v, str)}
        if slugs:
            for city in db.session.scalars(select(City).where(City.slug.in_(slugs))):
                self.cities[city.slug] = city

    def text(self, key: str, value) -> str:
        if isinstance(value, _Change):
            old, new = value
            return _("%(old)s → %(new)s", old=self.text(key, old), new=self.text(key, new))
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, list):
            if key == "items" and len(value) > SHOWN_ITEMS:
                shown = [f"#{v}" for v in value[:SHOWN_ITEMS]]
                more = _("%(count)d more", count=len(value) - SHOWN_ITEMS)
                return _join([*shown, more])
            if key == "supporters":
                return _join([self._supporter(d, p) for d, p in _pairs(value)])
            if key == "items":
                return _join([f"#{v}" for v in value])
            return _join([self.text(key, v) for v in value])
        return self._one(key, value)

    def _one(self, key: str, value) -> str:
        if not isinstance(value, int | str):  # recorded otherwise by an older version
            return _code(value)
        if key in PEOPLE:
            user = self.users.get(value)
            return user.name if user else _("person #%(id)s", id=value)
        if key == "department":
            department = self.departments.get(value)
            return local_name(department) if department else _("department #%(id)s", id=value)
        if key == "city":
            city = self.cities.get(value)
            return local_name(city) if city else str(value)
        if key in DATES and isinstance(value, str):
            try:
                return format_date(date.fromisoformat(value))
            except ValueError:
                return value
        if key == "progress" and isinstance(value, int):
            return f"{value}%"
        if key in RECORDS:
            return f"#{value}"
        if key == "level" and isinstance(value, int) and 1 <= value <= len(LEVELS):
            return _("%(title)s, level %(rank)d", title=LEVELS[value - 1].title, rank=value)
        return _code(value)

    def _supporter(self, department, person) -> str:
        name = self._one("department", department)
        if person is None:
            return name
        person = self._one("responsible", person)
        return name + aside(person)


def _code(value) -> str:
    """A role, status, platform or reporting cycle by its label; anything else as it is."""
    text = str(value)
    if text in {str(r) for r in Role}:
        return role_label(text)
    if text in {str(s) for s in Status}:
        return str(STATUS_LABELS[Status(text)])
    if text in {str(p) for p in Platform}:
        return str(PLATFORM_LABELS[Platform(text)])
    if text in CYCLE_LABELS:
        return str(CYCLE_LABELS[text])
    return text


def _flat(value) -> Iterator:
    """The scalars inside a value, a list or a change."""
    if isinstance(value, list | tuple):
        for one in value:
            yield from _flat(one)
    elif isinstance(value, int | str):
        yield value


def _pairs(value) -> list[tuple]:
    """Supporting departments as recorded: [[department, person], ...]."""
    pairs = []
    for one in value if isinstance(value, list) else []:
        one = list(one) if isinstance(one, list) else [one]
        pairs.append(tuple((one + [None, None])[:2]))
    return pairs


def _by_id(model, ids: set) -> dict:
    ids = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _join(texts: list[str]) -> str:
    return format_list(texts, locale=get_locale() or "en") if texts else "—"
