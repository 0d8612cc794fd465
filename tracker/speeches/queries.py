"""Read models for speech pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..access import visible_items, visible_speeches
from ..extensions import db
from ..models import ActionItem, Directive, Speech, User


@dataclass
class Segment:
    text: str
    directive: Directive | None = None


@dataclass
class SpeechPage:
    speech: Speech
    segments: list[Segment]
    items: dict[int, list[ActionItem]]  # by directive id, only those the user may see


def speech_page(speech_id: int, user: User) -> SpeechPage | None:
    speech = db.session.scalar(
        select(Speech)
        .options(joinedload(Speech.city), selectinload(Speech.directives))
        .where(Speech.id == speech_id, visible_speeches(user))
    )
    if speech is None:
        return None
    items: dict[int, list[ActionItem]] = {}
    for item in db.session.scalars(
        select(ActionItem)
        .join(ActionItem.directive)
        .options(joinedload(ActionItem.department))
        .where(Directive.speech_id == speech.id, visible_items(user))
        .order_by(ActionItem.id)
    ):
        items.setdefault(item.directive_id, []).append(item)
    return SpeechPage(speech, segments(speech), items)


def segments(speech: Speech) -> list[Segment]:
    """The speech text cut into plain runs and directive spans, in order."""
    parts, position = [], 0
    for directive in sorted(speech.directives, key=lambda d: d.start_offset):
        if directive.start_offset < position:
            continue  # overlapping spans are shown once
        parts.append(Segment(speech.text[position : directive.start_offset]))
        parts.append(Segment(speech.text[directive.start_offset : directive.end_offset], directive))
        position = directive.end_offset
    parts.append(Segment(speech.text[position:]))
    return [p for p in parts if p.text]
