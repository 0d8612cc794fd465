"""The 督办 cycle around an item, beside the status changes of services.py: 签收
(acknowledging), 协办 (supporting departments and their reports), 转办 (passing an item down
to a sub-unit and its child items; the roll-up is in services.py), 定期报送 (the reporting
cycle) and 批示 (leaders' instructions); 延期申请 is in extensions.py. Each change is checked,
versioned, audited and told through the outbox, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update

from .. import audit
from ..access import city_scope_ids, instructs, leads, supervises, supports
from ..extensions import db
from ..i18n import local_name
from ..models import (
    ActionItem,
    City,
    Department,
    Directive,
    Instruction,
    ItemSupporter,
    Role,
    Status,
    StatusUpdate,
    User,
    utcnow,
)
from ..validation import Invalid
from .notices import notify, owners_of, supervisors_of
from .rules import OPEN, REPORTING_CYCLES
from .services import begin_change, flush_change
from .stages import roll_up, stamp_assigned

TEXT_LIMIT = 5000


# ---------------------------------------------------------------- 签收


def acknowledge(item: ActionItem, actor: User, seen_version: int | None) -> None:
    """The lead department confirms it has received the item (签收)."""
    begin_change(item, seen_version)
    if not leads(actor, item):
        raise Invalid({"": _("Only the lead department acknowledges an item.")})
    if item.acknowledged_at is not None:
        raise Invalid({"": _("This item was already acknowledged.")})
    if item.assigned_at is None:
        raise Invalid({"": _("This item has not been assigned yet.")})
    item.acknowledged_at, item.acknowledged_by = utcnow(), actor
    flush_change(item)
    audit.record("item.acknowledged", item, actor=actor, version=item.version)


# ---------------------------------------------------------------- 协办


@dataclass
class Support:
    department: Department
    responsible: User | None


def set_supporters(
    item: ActionItem, actor: User, supporters: list[Support], seen_version: int | None
) -> None:
    """The supporting departments (协办), each with its responsible person; a department
    dropped keeps its reports in the history."""
    begin_change(item, seen_version)
    errors = {}
    seen = set()
    for support in supporters:
        department = support.department
        if department.id == item.department_id:
            errors["supporters"] = _("The lead department cannot also support the item.")
        elif department.city_id != item.city_id:
            errors["supporters"] = _("Choose departments of %(city)s.", city=local_name(item.city))
        elif department.id in seen:
            errors["supporters"] = _("Each supporting department once.")
        person = support.responsible
        if person is not None and (person.department_id != department.id or not person.is_active):
            errors["supporters"] = _(
                "Each supporting department's responsible person must work in it."
            )
        seen.add(department.id)
    if errors:
        raise Invalid(errors)
    before = [[s.department_id, s.responsible_id] for s in item.supporters]
    kept = {s.department_id: s for s in item.supporters}
    rows = []
    for support in supporters:
        row = kept.get(support.department.id) or ItemSupporter(department=support.department)
        row.responsible = support.responsible
        rows.append(row)
    item.supporters = rows
    flush_change(item)
    audit.record(
        "item.supporters_set",
        item,
        actor=actor,
        version=item.version,
        before=before,
        after=[[s.department_id, s.responsible_id] for s in item.supporters],
    )


def report_part(
    item: ActionItem, actor: User, progress: int, note: str | None, seen_version: int | None
) -> StatusUpdate:
    """A supporting department reports on its part: in the history, marked as its own; the
    item's status and progress stay the lead's."""
    begin_change(item, seen_version)
    supporter = supports(actor, item)
    errors = {}
    if supporter is None:
        errors[""] = _("Only a supporting department reports on its part.")
    elif Status(item.status) not in OPEN | {Status.AWAITING_VERIFICATION}:
        errors[""] = _("The item is closed.")
    if not 0 <= progress <= 100:
        errors["part_progress"] = _("Give a number from 0 to 100.")
    note = (note or "").strip() or None
    if not note:
        errors["part_note"] = _("Say what your department has done.")
    if errors:
        raise Invalid(errors)
    entry = StatusUpdate(
        item=item,
        author=actor,
        from_status=item.status,
        to_status=item.status,
        from_progress=item.progress,
        to_progress=item.progress,
        note=note,
        supporter_department=supporter.department,
        part_progress=progress,
    )
    supporter.progress = progress
    item.first_report_at = item.first_report_at or utcnow()
    db.session.add(entry)
    flush_change(item)
    audit.record(
        "item.part_reported",
        item,
        actor=actor,
        version=item.version,
        department=supporter.department_id,
        progress=progress,
    )
    return entry


# ---------------------------------------------------------------- 转办


def pass_down(
    item: ActionItem, actor: User, city: City, seen_version: int | None, today: date
) -> None:
    """A city's supervisor passes an item to one of its sub-units, whose supervisors then
    assign child items to their own departments."""
    begin_change(item, seen_version)
    if not supervises(actor):
        raise Invalid({"": _("Only supervisors pass items down.")})
    if city.parent_id != item.city_id:
        raise Invalid({"": _("Choose a sub-unit of %(city)s.", city=local_name(item.city))})
    if item.children:
        raise Invalid({"": _("The item already has child items in its sub-unit.")})
    if item.passed_to_city_id == city.id:
        raise Invalid(
            {"": _("The item was already passed down to %(city)s.", city=local_name(city))}
        )
    if Status(item.status) not in OPEN:
        raise Invalid({"": _("Only an open item can be passed down.")})
    item.passed_to_city = city
    flush_change(item)
    event = audit.record("item.passed_down", item, actor=actor, version=item.version, city=city.id)
    notify(event, supervisors_of(city.id), today)


def add_child(
    parent: ActionItem,
    actor: User,
    department: Department,
    responsible: User,
    title: str | None,
    due_on: date | None,
    seen_version: int | None,
    today: date,
) -> ActionItem:
    """The sub-unit's supervisor assigns part of a passed-down item to one of its
    departments; the parent's progress rolls up from its children."""
    begin_change(parent, seen_version)
    errors = {}
    if parent.passed_to_city_id is None:
        raise Invalid({"": _("Pass the item down to a sub-unit first.")})
    if not supervises(actor) or (
        actor.role != Role.ADMIN and parent.passed_to_city_id not in city_scope_ids(actor)
    ):
        raise Invalid({"": _("Only the sub-unit's supervisors assign its child items.")})
    if department.city_id != parent.passed_to_city_id:
        errors["department"] = _(
            "Choose a department of %(city)s.", city=local_name(parent.passed_to_city)
        )
    if responsible.department_id != department.id or not responsible.is_active:
        errors["responsible"] = _("The responsible person must work in the chosen department.")
    due_on = due_on or parent.due_on
    if due_on and parent.due_on and due_on > parent.due_on:
        errors["child_due_on"] = _("A child item is due no later than the item it belongs to.")
    elif due_on and due_on < today:
        errors["child_due_on"] = _("Choose a due date from today on.")
    if errors:
        raise Invalid(errors)
    child = ActionItem(
        directive=parent.directive,
        city_id=department.city_id,
        department=department,
        responsible=responsible,
        title=(title or "").strip() or parent.title,
        priority=parent.priority,
        status=Status.NOT_STARTED,
        progress=0,
        start_on=today,  # its own span: a new child is not behind its parent's schedule
        due_on=due_on,
        reporting_cycle=parent.reporting_cycle,
        reporting_since=today if parent.reporting_cycle else None,
        parent=parent,
    )
    stamp_assigned(child)
    db.session.add(child)
    db.session.flush()
    roll_up(parent)
    flush_change(parent)
    event = audit.record(
        "item.assigned", child, actor=actor, version=child.version, parent=parent.id
    )
    audit.record("item.child_added", parent, actor=actor, version=parent.version, child=child.id)
    notify(event, [responsible], today)  # 交办: its owner is told at once
    return child


# ---------------------------------------------------------------- 定期报送


def set_reporting_cycle(
    item: ActionItem, actor: User, cycle: str | None, seen_version: int | None, today: date
) -> None:
    """定期报送: monthly, quarterly or none; windows count from today's on."""
    begin_change(item, seen_version)
    if not supervises(actor):
        raise Invalid({"": _("Only supervisors set the reporting cycle.")})
    if cycle is not None and cycle not in REPORTING_CYCLES:
        raise Invalid({"reporting_cycle": _("Choose monthly, quarterly or none.")})
    before = item.reporting_cycle
    if cycle != before:
        item.reporting_cycle, item.reporting_since = cycle, today if cycle else None
    flush_change(item)
    audit.record(
        "item.cycle_set", item, actor=actor, version=item.version, before=before, after=cycle
    )


# ---------------------------------------------------------------- 批示


def instruct(
    actor: User,
    text: str | None,
    today: date,
    *,
    item: ActionItem | None = None,
    directive: Directive | None = None,
) -> Instruction:
    """A leader's instruction (批示) on an item, or on a directive: then one row for each of
    its items the leader sees (marked with the directive), each shown at the top of its item;
    told to the owners and the city's supervisors. Returns the (first) instruction."""
    if not instructs(actor):
        raise Invalid({"": _("Only leaders write instructions.")})
    text = (text or "").strip()
    if not text:
        raise Invalid({"text": _("Write the instruction.")})
    if len(text) > TEXT_LIMIT:
        raise Invalid({"text": _("At most %(num)d characters.", num=TEXT_LIMIT)})
    items = [item] if item is not None else _items_of(directive, actor)
    if not items:
        raise Invalid({"": _("The directive has no items in your city.")})
    rows = [Instruction(author=actor, item=each, directive=directive, text=text) for each in items]
    db.session.add_all(rows)
    db.session.flush()
    # An instruction belongs to the item: a new version. It depends on nothing the item
    # holds, so the version is bumped where it stands (never refused as stale); forms and
    # calls of the older version then get 409 and see the instruction.
    db.session.execute(
        update(ActionItem)
        .where(ActionItem.id.in_([each.id for each in items]))
        .values(version=ActionItem.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    people: list[User] = []
    for each in items:
        db.session.refresh(each, ["version", "updated_at"])
        people += owners_of(each)
    if item is not None:
        event = audit.record(
            "item.instructed", item, actor=actor, version=item.version, instruction=rows[0].id
        )
    else:
        event = audit.record(
            "directive.instructed",
            directive,
            actor=actor,
            instruction=rows[0].id,
            items=[each.id for each in items],
        )
    notify(event, [*people, *supervisors_of(actor.city_id)], today)
    return rows[0]


def _items_of(directive: Directive, leader: User) -> list[ActionItem]:
    """The directive's items of the leader's city and its sub-units: a sub-unit's leader
    instructs its own unit's, not the items of the city above passed down to it."""
    return list(
        db.session.scalars(
            select(ActionItem)
            .where(
                ActionItem.directive_id == directive.id,
                ActionItem.city_id.in_(city_scope_ids(leader)),
            )
            .order_by(ActionItem.id)
        )
    )
