"""The JSON shapes of the API, as described in openapi.py."""

from __future__ import annotations

from datetime import date, datetime

from ..items.rules import Light
from ..mail import external_url
from ..models import ActionItem, StatusUpdate, User


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


def item_detail(item: ActionItem, light: Light, updates: list[StatusUpdate]) -> dict:
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
    }
