"""State changes of items. Each validates, changes, appends history, audits and flushes; the
request commits. A change based on an outdated version raises Conflict instead of saving."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager
from werkzeug.datastructures import FileStorage

from .. import audit
from ..access import leads
from ..extensions import db
from ..i18n import local_name
from ..labels import STATUS_LABELS
from ..models import (
    ActionItem,
    AuditEvent,
    Department,
    ItemSupporter,
    Milestone,
    ReminderKind,
    Role,
    Status,
    StatusUpdate,
    User,
    utcnow,
)
from ..reminders.outbox import outbox_entry, plan_messages
from ..validation import Invalid
from .evidence import check_evidence_file, evidence_row
from .rules import OPEN, transition
from .stages import roll_up, stamp_assigned, stamp_report

__all__ = ["Conflict", "Invalid", "Report"]


class Conflict(Exception):
    """Someone saved the item after the form was loaded; `changes` says who and what."""

    def __init__(self, item: ActionItem, changes: list[AuditEvent]) -> None:
        super().__init__(item.id)
        self.item = item
        self.changes = changes


@dataclass
class Report:
    status: Status
    progress: int
    note: str | None = None
    evidence_url: str | None = None
    evidence_file: FileStorage | None = None
    milestone_id: int | None = None
    extra: dict = field(default_factory=dict)


def begin_change(item: ActionItem, seen_version: int | None) -> None:
    """Every change to an item or to what belongs to it (owners, milestones, history,
    evidence) starts here, with the version its form or call has seen, and ends with
    `flush_change`."""
    if seen_version is None or item.version != seen_version:
        raise Conflict(item, changes_since(item, seen_version or 0))


def flush_change(item: ActionItem) -> None:
    """Write the change under a new version. The item row is marked changed, so the flush
    writes `UPDATE ... WHERE version = seen` even when only a related row changed (a note,
    co-owners, milestones); a concurrent save that got there first makes it match no row
    (StaleDataError), which callers answer like a Conflict."""
    item.updated_at = utcnow()
    if item.parent is not None:
        roll_up(item.parent)
    db.session.flush()


def changes_since(item: ActionItem, version: int) -> list[AuditEvent]:
    """The audited changes of `item` that produced versions after `version`."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_type == "action_items", AuditEvent.target_id == item.id)
        .order_by(AuditEvent.id)
    )
    return [e for e in events if (e.details or {}).get("version", 0) > version]


def report_status(
    item: ActionItem, actor: User, report: Report, seen_version: int | None, today: date
) -> StatusUpdate:
    """Record a progress report or a status change allowed by the transition table."""
    begin_change(item, seen_version)
    source = Status(item.status)
    rule = transition(actor.role, source, report.status)
    errors: dict[str, str] = {}
    if actor.role == Role.STAFF and not leads(actor, item):
        raise Invalid(
            {"": _("Only the lead department reports on the item; report your department's part.")}
        )
    if rule is None:
        errors["status"] = _(
            "You cannot move an item from “%(source)s” to “%(target)s”.",
            source=_status_name(source),
            target=_status_name(report.status),
        )
    note = (report.note or "").strip() or None
    has_evidence = bool(report.evidence_url or report.evidence_file)
    if report.status == Status.DONE:
        # Verifying: the submission's own note or evidence counts.
        has_evidence = has_evidence or any(
            u.note or u.evidence_url or u.evidence_file_id
            for u in item.updates
            if u.to_status == Status.AWAITING_VERIFICATION
        )
    if rule and rule.needs_note and not note:
        errors["note"] = _("Write the reason in the note.")
    if rule and rule.needs_evidence_or_note and not (note or has_evidence):
        errors["note"] = _("Add a note or evidence to close or submit the item.")
    if report.status in (Status.AWAITING_VERIFICATION, Status.DONE) and report.progress != 100:
        errors["progress"] = _("Set progress to 100% to submit the item as finished.")
    if item.children and report.progress != item.progress:
        errors["progress"] = _(
            "The progress of an item passed down is that of its child items (%(num)d%%); "
            "it reaches 100%% when they are all done.",
            num=item.progress,
        )
    milestone = _open_milestone(item, report.milestone_id, errors)
    if report.evidence_file is not None:
        check_evidence_file(report.evidence_file, errors)
    if errors:
        raise Invalid(errors)

    update = StatusUpdate(
        item=item,
        author=actor,
        from_status=source,
        to_status=report.status,
        from_progress=item.progress,
        to_progress=report.progress,
        note=note,
        evidence_url=report.evidence_url or None,
        milestone=milestone,
    )
    if report.evidence_file is not None:
        update.evidence_file, update.evidence_name = evidence_row(report.evidence_file)
    stamp_report(item, actor, source, report.status)
    item.status = report.status
    item.progress = report.progress
    if milestone is not None:
        milestone.done_on = today
    if report.status == Status.AWAITING_VERIFICATION and source != report.status:
        item.completed_on = today
    if report.status == Status.DONE:
        item.verified_on = today
        item.verified_by = actor
    if source == Status.AWAITING_VERIFICATION and report.status == Status.IN_PROGRESS:
        item.completed_on = None
    db.session.add(update)
    flush_change(item)
    audit.record(
        _action(source, report.status, actor),
        item,
        actor=actor,
        version=item.version,
        status=[str(source), str(report.status)],
        progress=[update.from_progress, update.to_progress],
    )
    return update


def verify(item: ActionItem, actor: User, note: str | None, seen_version, today: date):
    """A supervisor checks the finished work and closes the item."""
    return report_status(item, actor, Report(Status.DONE, 100, note), seen_version, today)


def send_back(item: ActionItem, actor: User, reason: str | None, seen_version, today: date):
    """Return a submitted item to work, with the reason; its owners are told through the
    outbox, in the same transaction (a mail server that is down loses nothing)."""
    report = Report(Status.IN_PROGRESS, item.progress, reason)
    entry = report_status(item, actor, report, seen_version, today)
    owners = [u for u in [item.responsible, *item.co_owners] if u is not None and u.is_active]
    kind, now = ReminderKind.RETURNED, utcnow()
    plan_messages(
        [
            outbox_entry(kind, f"{entry.id}:{u.id}", u.id, today, now, update_id=entry.id)
            for u in owners
        ]
    )
    return entry


def assign(
    item: ActionItem,
    actor: User,
    department: Department,
    responsible: User,
    co_owners: list[User],
    seen_version: int | None,
) -> None:
    """Give the item to a department and a responsible person, with co-owners."""
    begin_change(item, seen_version)
    errors = {}
    if department.city_id != item.city_id:
        errors["department"] = _("Choose a department of %(city)s.", city=item.city.name)
    if responsible.department_id != department.id or not responsible.is_active:
        errors["responsible"] = _("The responsible person must work in the chosen department.")
    if any(not u.is_active or u.role != Role.STAFF for u in co_owners):
        errors["co_owners"] = _("Co-owners must be active staff members.")
    if any(s.department_id == department.id for s in item.supporters):
        errors["department"] = _(
            "%(department)s supports this item; take it off the supporting departments first.",
            department=local_name(department),
        )
    if errors:
        raise Invalid(errors)
    before = {
        "department": item.department_id,
        "responsible": item.responsible_id,
        "co_owners": sorted(u.id for u in item.co_owners),
    }
    if item.department_id != department.id or item.assigned_at is None:
        stamp_assigned(item)  # 交办 anew: to be acknowledged again
    item.department = department
    item.responsible = responsible
    item.co_owners = [u for u in co_owners if u.id != responsible.id]
    flush_change(item)
    audit.record(
        "item.assigned",
        item,
        actor=actor,
        version=item.version,
        before=before,
        after={
            "department": department.id,
            "responsible": responsible.id,
            "co_owners": sorted(u.id for u in item.co_owners),
        },
    )


@dataclass
class MilestoneChange:
    """One row of the milestone form: an existing milestone (id) or a new one; a row with
    neither id nor title is blank and ignored."""

    id: int | None
    title: str
    due_on: date | None
    weight: int = 1
    remove: bool = False

    @property
    def blank(self) -> bool:
        return self.id is None and not self.title


def schedule(
    item: ActionItem,
    actor: User,
    title: str,
    start_on: date | None,
    due_on: date | None,
    milestones: list[MilestoneChange],
    seen_version: int | None,
) -> None:
    """Set the title, dates and milestones; milestones fall within the item's span."""
    begin_change(item, seen_version)
    errors = {}
    if start_on and due_on and due_on < start_on:
        errors["due_on"] = _("The due date cannot be before the start date.")
    done = {m.id for m in item.milestones if m.done_on is not None}
    for index, change in enumerate(milestones):
        if change.blank:
            continue
        if not change.remove and not change.title:
            errors[f"milestones-{index}-title"] = _("Give the milestone a title.")
        if change.remove and change.id in done:
            errors[f"milestones-{index}-remove"] = _(
                "A milestone that was reached stays in the item's history; it cannot be removed."
            )
        if change.remove or not change.due_on:
            continue
        if (start_on and change.due_on < start_on) or (due_on and change.due_on > due_on):
            errors[f"milestones-{index}-due_on"] = _(
                "A milestone must fall between the item's start and due dates."
            )
    if errors:
        raise Invalid(errors)
    before = {"title": item.title, "start_on": _iso(item.start_on), "due_on": _iso(item.due_on)}
    item.title, item.start_on, item.due_on = title.strip(), start_on, due_on
    _apply_milestone_changes(item, milestones)
    flush_change(item)
    audit.record(
        "item.scheduled",
        item,
        actor=actor,
        version=item.version,
        before=before,
        after={"title": item.title, "start_on": _iso(start_on), "due_on": _iso(due_on)},
        milestones=len(item.milestones),
    )


def _apply_milestone_changes(item: ActionItem, changes: list[MilestoneChange]) -> None:
    """Update, remove or add milestones as the changes say; milestones they do not mention
    stay as they are."""
    by_id = {m.id: m for m in item.milestones}
    removed = {c.id for c in changes if c.remove and c.id in by_id}
    kept = [m for m in item.milestones if m.id not in removed]
    for change in changes:
        if change.remove or change.blank:
            continue
        milestone = by_id.get(change.id) if change.id else None
        if milestone is None:
            milestone = Milestone()
            kept.append(milestone)
        milestone.title = change.title
        milestone.due_on = change.due_on
        milestone.weight = change.weight
    for position, milestone in enumerate(kept, start=1):
        milestone.position = position
    item.milestones = kept


def reassign_department(department: Department, actor: User, old: User, new: User) -> int:
    """Move every open item of `department` from `old` to `new`, and the department's
    supporting parts (协办) `old` runs; returns how many."""
    if new.department_id != department.id or not new.is_active:
        raise Invalid({"new": _("The new person must be active staff of this department.")})
    if new.id == old.id:
        raise Invalid({"new": _("Choose someone else: the items are theirs already.")})
    items_held, parts_held = _held(department.id, old.id)
    items = db.session.scalars(items_held).all()
    for item in items:
        item.responsible = new
        item.co_owners = [u for u in item.co_owners if u.id != new.id]
    parts = db.session.scalars(parts_held).all()
    for part in parts:
        part.responsible = new
        part.item.updated_at = utcnow()  # a new version of the item, as for any change
    db.session.flush()
    for item in items:
        audit.record(
            "item.assigned",
            item,
            actor=actor,
            version=item.version,
            bulk=True,
            before={"responsible": old.id},
            after={"responsible": new.id},
        )
    for part in parts:
        audit.record(
            "item.supporters_set",
            part.item,
            actor=actor,
            version=part.item.version,
            bulk=True,
            before=[[department.id, old.id]],
            after=[[department.id, new.id]],
        )
    return len(items) + len(parts)


def open_holdings(department_id: int, person_id: int) -> int:
    """How many open things a person holds for a department: items they are responsible
    for, and supporting parts (协办) they run. They leave it only once that is none."""
    return sum(
        db.session.scalar(select(func.count()).select_from(held.subquery()))
        for held in _held(department_id, person_id)
    )


def _held(department_id: int, person_id: int) -> tuple[Select, Select]:
    """The open items a person is responsible for in a department, and the department's
    supporting parts (协办) they run, with their items."""
    still_open = ActionItem.status.in_([*OPEN, Status.AWAITING_VERIFICATION])
    items = select(ActionItem).where(
        ActionItem.department_id == department_id,
        ActionItem.responsible_id == person_id,
        still_open,
    )
    parts = (
        select(ItemSupporter)
        .join(ItemSupporter.item)
        .options(contains_eager(ItemSupporter.item))
        .where(
            ItemSupporter.department_id == department_id,
            ItemSupporter.responsible_id == person_id,
            still_open,
        )
    )
    return items, parts


def _open_milestone(item, milestone_id, errors) -> Milestone | None:
    if not milestone_id:
        return None
    milestone = next((m for m in item.milestones if m.id == milestone_id), None)
    if milestone is None or milestone.done_on is not None:
        errors["milestone"] = _("Choose an open milestone of this item.")
        return None
    return milestone


def _action(source: Status, target: Status, actor: User) -> str:
    if target == Status.DONE:
        return "item.verified"
    if source == Status.AWAITING_VERIFICATION and target == Status.IN_PROGRESS:
        return "item.returned" if actor.role != Role.STAFF else "item.withdrawn"
    if target == Status.CANCELLED:
        return "item.cancelled"
    if target == Status.AWAITING_VERIFICATION and source != target:
        return "item.submitted"
    return "item.reported"


def _status_name(status: Status) -> str:
    return str(STATUS_LABELS[status])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
