"""Read models for speech pages."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..access import visible_items, visible_speeches
from ..extensions import db
from ..models import ActionItem, Directive, Speech, Status, User
from ..paging import Page, one_page


@dataclass
class Segment:
    text: str
    directive: Directive | None = None


@dataclass
class SpeechPage:
    speech: Speech
    segments: list[Segment]
    items: dict[int, list[ActionItem]]  # by directive id: the first few the user may see
    counts: dict[int, int]  # by directive id: how many the user may see


# Items shown under each directive of a speech: a speech given to every city of a province
# has hundreds under one directive; the item list filtered by the directive has them all.
ITEMS_SHOWN = 10


def speech_page(speech_id: int, user: User) -> SpeechPage | None:
    speech = db.session.scalar(
        select(Speech)
        .options(joinedload(Speech.city), selectinload(Speech.directives))
        .where(Speech.id == speech_id, visible_speeches(user))
    )
    if speech is None:
        return None
    of_speech = and_(
        ActionItem.directive_id.in_(select(Directive.id).where(Directive.speech_id == speech.id)),
        visible_items(user),
    )
    counts = dict(
        db.session.execute(
            select(ActionItem.directive_id, func.count())
            .where(of_speech)
            .group_by(ActionItem.directive_id)
        ).all()
    )
    rank = (
        func.row_number()
        .over(partition_by=ActionItem.directive_id, order_by=ActionItem.id)
        .label("rank")
    )
    first = select(ActionItem.id, rank).where(of_speech).subquery()
    items: dict[int, list[ActionItem]] = {}
    for item in db.session.scalars(
        select(ActionItem)
        .join(first, first.c.id == ActionItem.id)
        .options(joinedload(ActionItem.department), joinedload(ActionItem.city))
        .where(first.c.rank <= ITEMS_SHOWN)
        .order_by(ActionItem.id)
    ):
        items.setdefault(item.directive_id, []).append(item)
    return SpeechPage(speech, segments(speech), items, counts)


def speech_items(speech: Speech) -> list[ActionItem]:
    """The items of a speech's directives (for its supervisors), in the order of the text."""
    return db.session.scalars(
        select(ActionItem)
        .join(ActionItem.directive)
        .options(joinedload(ActionItem.department), joinedload(ActionItem.responsible))
        .where(Directive.speech_id == speech.id)
        .order_by(Directive.position, ActionItem.id)
    ).all()


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


@dataclass
class SpeechRow:
    speech: Speech
    directives: int
    items: int
    done: int


SPEECHES_PAGE = 50


def speech_list(user: User, page: int) -> Page:
    """One page of the speeches I may see, newest first, with counts of directives and
    items (rows of SpeechRow)."""
    found = one_page(
        select(Speech)
        .where(visible_speeches(user))
        .order_by(Speech.delivered_on.desc(), Speech.id.desc()),
        page,
        SPEECHES_PAGE,
        options=(joinedload(Speech.city),),
    )
    speeches = found.rows
    ids = [s.id for s in speeches]
    directives = dict(
        db.session.execute(
            select(Directive.speech_id, func.count())
            .where(Directive.speech_id.in_(ids))
            .group_by(Directive.speech_id)
        ).all()
    )
    items = {
        speech_id: (total, done)
        for speech_id, total, done in db.session.execute(
            select(
                Directive.speech_id,
                func.count(ActionItem.id),
                func.sum(case((ActionItem.status == Status.DONE, 1), else_=0)),
            )
            .join(ActionItem.directive)
            .where(Directive.speech_id.in_(ids), visible_items(user))
            .group_by(Directive.speech_id)
        ).all()
    }
    rows = [SpeechRow(s, directives.get(s.id, 0), *(items.get(s.id) or (0, 0))) for s in speeches]
    return replace(found, rows=rows)
