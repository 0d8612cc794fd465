"""The demo's 督办 cycle around a seeded item: when it was assigned and acknowledged, its
supporting departments and their reports, extension requests, reporting cycle, child items
in a sub-unit and leaders' instructions, placed on the plan's days."""

from __future__ import annotations

from datetime import timedelta

from ..items.stages import roll_up
from ..models import (
    ActionItem,
    ExtensionRequest,
    ExtensionState,
    Instruction,
    ItemSupporter,
    Status,
    StatusUpdate,
)
from .plan import ItemPlan, PlanError


def seed_supporters(item: ActionItem, plan: ItemPlan, context) -> None:
    """The supporting departments (协办), before the history that holds their reports."""
    for email in plan.supporters:
        person = context.user(email)
        item.supporters.append(
            ItemSupporter(department=person.department, responsible=person, progress=0)
        )


def seed_part(item: ActionItem, part, context) -> None:
    """A supporting department's report, in its place in the item's history."""
    person = context.user(part.person)
    supporter = next(s for s in item.supporters if s.responsible is person)
    supporter.progress = part.progress
    item.updates.append(
        StatusUpdate(
            author=person,
            created_at=context.timeline.at(part.day),
            from_status=item.status,
            to_status=item.status,
            from_progress=item.progress,
            to_progress=item.progress,
            note=part.note,
            supporter_department=person.department,
            part_progress=part.progress,
        )
    )


def seed_cycle(item: ActionItem, plan: ItemPlan, context) -> None:
    """`context` gives the seeding's cities, departments, users, supervisor and timeline."""
    timeline = context.timeline
    item.assigned_at = item.created_at
    if plan.acknowledged:
        item.acknowledged_at = item.created_at + timedelta(hours=2)
        item.acknowledged_by = item.responsible
    reports = sorted((u for u in item.updates if u.author is not None), key=lambda u: u.created_at)
    if reports:
        item.first_report_at = reports[0].created_at
    submitted = [u for u in reports if u.to_status == Status.AWAITING_VERIFICATION]
    if submitted:
        item.submitted_at = submitted[-1].created_at
    item.reporting_cycle = plan.cycle
    if plan.cycle:
        item.reporting_since = item.created_at.astimezone(timeline.zone).date()
    for extension in plan.extensions:
        state = ExtensionState(extension.state)
        decided = state != ExtensionState.PENDING
        request = ExtensionRequest(
            requested_by=item.responsible,
            created_at=timeline.at(extension.day),
            current_due_on=item.due_on,
            due_on=timeline.on(extension.due),
            reason=extension.reason,
            state=state,
            decided_by=context.supervisor if decided else None,
            decided_at=timeline.at(extension.day + 1) if decided else None,
            decision_note=extension.note or None,
        )
        item.extension_requests.append(request)
        if state == ExtensionState.APPROVED:
            item.original_due_on = item.original_due_on or item.due_on
            item.due_on = request.due_on
    for entry in plan.instructions:
        item_instruction = Instruction(
            author=context.user(entry.leader), text=entry.text, created_at=timeline.at(entry.day)
        )
        item_instruction.item = item
        context.add(item_instruction)
    if plan.passed_to:
        item.passed_to_city = context.cities[plan.passed_to]
        for child in plan.children:
            _seed_child(item, child, context)
        context.flush()
        last = max(u.created_at for c in item.children for u in c.updates)
        rolled = roll_up(item)  # once, as of its children's last report
        if rolled is not None:
            rolled.created_at = last


def _seed_child(parent: ActionItem, plan, context) -> None:
    timeline = context.timeline
    city = parent.passed_to_city
    department = context.departments.get((city.slug, plan.department))
    if department is None:
        raise PlanError(f"child {plan.title!r}: no department {plan.department!r} in {city.slug}")
    responsible = context.user(plan.responsible)
    first = min([u.day for u in plan.history], default=3)
    child = ActionItem(
        directive=parent.directive,
        city=city,
        department=department,
        responsible=responsible,
        title=plan.title,
        priority=parent.priority,
        status=Status.NOT_STARTED,
        progress=0,
        start_on=parent.start_on,
        due_on=timeline.on(plan.due),
        created_at=timeline.at(min(first, 40)),
    )
    child.parent = parent
    child.assigned_at = child.created_at
    child.acknowledged_at, child.acknowledged_by = (
        child.created_at + timedelta(hours=1),
        responsible,
    )
    for update in plan.history:
        child.updates.append(
            StatusUpdate(
                author=responsible,
                created_at=timeline.at(update.day),
                from_status=child.status,
                to_status=update.status,
                from_progress=child.progress,
                to_progress=update.progress,
                note=update.note,
            )
        )
        child.status, child.progress = update.status, update.progress
        child.first_report_at = child.first_report_at or child.updates[-1].created_at
    child.updated_at = child.updates[-1].created_at if child.updates else child.created_at
    context.add(child)
