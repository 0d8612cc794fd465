"""The JSON shapes of the API, as described in openapi.py."""

from __future__ import annotations

from datetime import date, datetime

from ..items.rules import Light
from ..mail import external_url
from ..models import ActionItem, ExtensionRequest, Instruction, StatusUpdate, User


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def person(user: User | None) -> dict | None:
    return {"id": user.id, "name": user.name, "email": user.email} if user else None


def item_summary(item: ActionItem, light: Light) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "city": item.city.slug,
        "department": item.department.name if item.department else None,
        "responsible": person(item.responsible),
        "priority": str(item.priority),
        "status": str(item.status),
        "progress": item.progress,
        "light": {"colour": light.colour, "reason": light.reason},
        "start_on": _day(item.start_on),
        "due_on": _day(item.due_on),
        "completed_on": _day(item.completed_on),
        "verified_on": _day(item.verified_on),
        "version": item.version,
        "url": external_url("items.detail", item_id=item.id),
    }


def update(entry: StatusUpdate) -> dict:
    return {
        "id": entry.id,
        "at": _moment(entry.created_at),
        "author": person(entry.author),
        "from_status": str(entry.from_status) if entry.from_status else None,
        "to_status": str(entry.to_status),
        "from_progress": entry.from_progress,
        "to_progress": entry.to_progress,
        "note": entry.note,
        "evidence_url": entry.evidence_url,
        "milestone_id": entry.milestone_id,
    }


def item_detail(
    item: ActionItem,
    light: Light,
    updates: list[StatusUpdate],
    instructions: list[Instruction] | None = None,
) -> dict:
    directive = item.directive
    return {
        **item_summary(item, light),
        "co_owners": [person(u) for u in item.co_owners],
        "directive": {
            "id": directive.id,
            "title": directive.title,
            "source_text": directive.source_text,
            "sentence": directive.source_sentence,
            "speech_id": directive.speech_id,
            "speech_title": directive.speech.title,
        },
        "milestones": [
            {
                "id": m.id,
                "title": m.title,
                "due_on": _day(m.due_on),
                "done_on": _day(m.done_on),
                "weight": m.weight,
            }
            for m in item.milestones
        ],
        "history": [update(u) for u in updates],
        **cycle_fields(item, instructions or []),
    }


def extension_request(request: ExtensionRequest) -> dict:
    return {
        "id": request.id,
        "item_id": request.item_id,
        "state": str(request.state),
        "requested_by": person(request.requested_by),
        "requested_at": _moment(request.created_at),
        "current_due_on": _day(request.current_due_on),
        "due_on": _day(request.due_on),
        "reason": request.reason,
        "decided_by": person(request.decided_by),
        "decided_at": _moment(request.decided_at),
        "note": request.decision_note,
    }


def instruction(entry: Instruction) -> dict:
    return {
        "id": entry.id,
        "author": person(entry.author),
        "at": _moment(entry.created_at),
        "on": "item" if entry.item_id else "directive",
        "text": entry.text,
    }


def cycle_fields(item: ActionItem, instructions: list[Instruction]) -> dict:
    """The 督办 cycle of an item: stages, lead and supporting departments, extensions,
    parent and children, reporting cycle and instructions."""
    department = item.department
    return {
        "assigned_at": _moment(item.assigned_at),
        "acknowledged_at": _moment(item.acknowledged_at),
        "first_report_at": _moment(item.first_report_at),
        "submitted_at": _moment(item.submitted_at),
        "lead_department": {
            "id": department.id,
            "name": department.name,
            "name_zh": department.name_zh,
            "responsible": person(item.responsible),
        }
        if department
        else None,
        "supporting_departments": [
            {
                "id": s.department_id,
                "name": s.department.name,
                "name_zh": s.department.name_zh,
                "responsible": person(s.responsible),
                "progress": s.progress,
            }
            for s in item.supporters
        ],
        "original_due_on": _day(item.original_due_on),
        "extension_requests": [extension_request(r) for r in item.extension_requests],
        "parent_id": item.parent_id,
        "passed_to": item.passed_to_city.slug if item.passed_to_city else None,
        "children": [
            {
                "id": c.id,
                "title": c.title,
                "city": c.city.slug,
                "status": str(c.status),
                "progress": c.progress,
            }
            for c in item.children
        ],
        "reporting_cycle": item.reporting_cycle,
        "instructions": [instruction(i) for i in instructions],
    }
