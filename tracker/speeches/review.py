"""Reviewing a new speech (立项交办): accept, reject, retitle, split and merge the proposed
directives, add a sentence the extractor missed, assign items, publish; while it is a draft,
move it to another city or discard it. Every change keeps each directive's span exact, is
audited, and flushes; the request commits."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from .. import audit
from ..access import within
from ..clock import office_today
from ..extensions import db
from ..extraction import extract_directives, owner_named_for, split_sentences, tidy_span
from ..extraction.timing import find_time_limit
from ..i18n import local_name
from ..items.rules import REPORTING_CYCLES
from ..models import (
    ActionItem,
    City,
    Department,
    Directive,
    DirectiveState,
    Priority,
    ReminderKind,
    ReminderLine,
    Role,
    Speech,
    Status,
    StatusUpdate,
    User,
    utcnow,
)
from ..reminders.outbox import outbox_entry, plan_messages
from ..validation import Invalid
from ..workdays import is_workday
from .owners import suggested_department

TITLE_LENGTH = 300


def _title(text: str) -> str:
    title = text[0].upper() + text[1:]
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…"


def _renumber(speech: Speech) -> None:
    """Positions follow the text again (two steps: the positions are unique per speech)."""
    directives = sorted(speech.directives, key=lambda d: d.start_offset)
    for n, directive in enumerate(directives, start=1):
        directive.position = -n
    db.session.flush()
    for directive in directives:
        directive.position = -directive.position
    db.session.flush()


def accept(directive: Directive, actor: User, title: str, due_on: date | None) -> None:
    title = (title or "").strip()
    if not title:
        raise Invalid({"title": _("Give the directive a title.")})
    directive.title, directive.suggested_due_on = title[:TITLE_LENGTH], due_on
    directive.state = DirectiveState.ACCEPTED
    audit.record("directive.accepted", directive, actor=actor, title=directive.title)


def accept_all(speech: Speech, actor: User) -> list[Directive]:
    """Accept every directive still proposed, with its proposed title and due date."""
    proposed = [d for d in speech.directives if d.state == DirectiveState.PROPOSED]
    for directive in proposed:
        accept(directive, actor, directive.title, directive.suggested_due_on)
    return proposed


def reject(directive: Directive, actor: User) -> None:
    if db.session.scalar(select(ActionItem.id).where(ActionItem.directive_id == directive.id)):
        raise Invalid({"": _("This directive has items already; it cannot be rejected.")})
    directive.state = DirectiveState.REJECTED
    audit.record("directive.rejected", directive, actor=actor)


# Chinese puts no space between words: a Chinese directive may be split after these.
CHINESE_SEPARATORS = "，、；："


def split_points(directive: Directive) -> list[int]:
    """Offsets where the directive may be split: the word boundaries inside it."""
    text = directive.speech.text
    return [
        i
        for i in range(directive.start_offset + 1, directive.end_offset)
        if (text[i - 1].isspace() or text[i - 1] in CHINESE_SEPARATORS) and not text[i].isspace()
    ]


def split(directive: Directive, actor: User, at: int) -> Directive:
    """Two directives from one, cut at the word boundary `at`; both spans stay exact."""
    if db.session.scalar(select(ActionItem.id).where(ActionItem.directive_id == directive.id)):
        raise Invalid({"split_at": _("This directive has items already; it cannot be split.")})
    speech = directive.speech
    text = speech.text
    language = speech.language
    first = (
        tidy_span(text, directive.start_offset, at, language)
        if at in split_points(directive)
        else None
    )
    second = tidy_span(text, at, directive.end_offset, language) if first else None
    if not (first and second):
        raise Invalid({"split_at": _("Choose a place between two words inside the directive.")})
    directive.start_offset, directive.end_offset = first
    directive.title = _title(text[first[0] : first[1]])
    new = Directive(
        speech=speech,
        position=len(speech.directives) + 1,
        title=_title(text[second[0] : second[1]]),
        start_offset=second[0],
        end_offset=second[1],
        sentence_start=directive.sentence_start,
        sentence_end=directive.sentence_end,
        state=DirectiveState.PROPOSED,
    )
    db.session.add(new)
    _suggest_from_text(speech, directive, new)  # each part's own words say when and who
    db.session.flush()
    _renumber(speech)
    audit.record("directive.split", directive, actor=actor, new=new.id)
    return new


def merge_with_next(directive: Directive, actor: User) -> None:
    """Join the directive with the next one of the speech; the span covers both."""
    speech = directive.speech
    later = sorted(
        (d for d in speech.directives if d.start_offset > directive.start_offset),
        key=lambda d: d.start_offset,
    )
    if not later:
        raise Invalid({"": _("There is no directive after this one to merge with.")})
    following = later[0]
    if db.session.scalar(select(ActionItem.id).where(ActionItem.directive_id == directive.id)):
        raise Invalid({"": _("This directive has items already; it cannot be merged.")})
    if db.session.scalar(select(ActionItem.id).where(ActionItem.directive_id == following.id)):
        raise Invalid({"": _("The next directive has items already; it cannot be merged.")})
    directive.end_offset = following.end_offset
    directive.sentence_start = min(directive.sentence_start, following.sentence_start)
    directive.sentence_end = max(directive.sentence_end, following.sentence_end)
    directive.title = _title(speech.text[directive.start_offset : directive.end_offset])
    if directive.time_limit is None:
        directive.time_limit, directive.cadence = following.time_limit, following.cadence
        directive.suggested_due_on = following.suggested_due_on
    if directive.owner_hint is None:
        directive.owner_hint = following.owner_hint
        directive.suggested_department = following.suggested_department
    speech.directives.remove(following)
    db.session.delete(following)
    db.session.flush()
    _renumber(speech)
    audit.record("directive.merged", directive, actor=actor, merged=following.id)


def missed_sentences(speech: Speech) -> list[tuple[int, int]]:
    """Sentences of the speech that hold no directive (not a bare item number, bracket or
    责任单位 / 办理时限 line: those name no work)."""
    spans = [(d.start_offset, d.end_offset) for d in speech.directives]
    text = speech.text
    return [
        (start, end)
        for start, end in split_sentences(text)
        if not any(s < end and start < e for s, e in spans)  # a merged one may cover two
        and not _NOT_A_SENTENCE.fullmatch(text, start, end)
    ]


_NOT_A_SENTENCE = re.compile(
    r"\s*(?:[(（\[].*[)）\]]|\(?\d{1,2}[.)．、]?|[一二三四五六七八九十]+、?"
    r"|(?:牵头单位|责任单位|配合单位|承办单位|办理时限|完成时限|Lead units?|Responsible units?"
    r"|Deadline)\s*[：:].*)[。.]?\s*",
    re.S,
)


def add_sentence(speech: Speech, actor: User, sentence_start: int) -> Directive:
    """Mark a sentence the extractor missed as an (accepted) directive."""
    sentence = next((s for s in missed_sentences(speech) if s[0] == sentence_start), None)
    span = tidy_span(speech.text, *sentence, speech.language) if sentence else None
    if span is None:
        raise Invalid({"": _("Choose a sentence of the speech that holds no directive yet.")})
    enumerator = _ITEM_NUMBER.match(speech.text, span[0], span[1])  # 四、… : not the title
    if enumerator and enumerator.end() < span[1]:
        span = (enumerator.end(), span[1])
    directive = Directive(
        speech=speech,
        position=len(speech.directives) + 1,
        title=_title(speech.text[span[0] : span[1]]),
        start_offset=span[0],
        end_offset=span[1],
        sentence_start=sentence[0],
        sentence_end=sentence[1],
        state=DirectiveState.ACCEPTED,
    )
    db.session.add(directive)
    _suggest_from_text(speech, directive)
    db.session.flush()
    _renumber(speech)
    audit.record("directive.added", directive, actor=actor)
    return directive


_ITEM_NUMBER = re.compile(
    r"(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d{1,2}[.．、])\s*"
)


def _suggest_from_text(speech: Speech, *directives: Directive) -> None:
    """What the text says of when and who for each directive's words, as the extractor reads
    them in the whole text (an owner line or a 办理时限 line of its item counts)."""
    proposals = extract_directives(speech.text)
    for directive in directives:
        start, end = directive.start_offset, directive.end_offset
        overlapping = [p for p in proposals if min(end, p.end) - max(start, p.start) > 0]
        limit = find_time_limit(speech.text, start, end) or next(
            (p.time_limit for p in overlapping if p.time_limit), None
        )
        owner = next((p.owner.phrase for p in overlapping if p.owner), None)
        if owner is None and not overlapping:  # a sentence the extractor missed
            named = owner_named_for(speech.text, directive.sentence_start, directive.sentence_end)
            owner = named.phrase if named else None
        directive.time_limit = limit.phrase[:120] if limit else None
        directive.suggested_due_on = (
            limit.due_on(speech.delivered_on, is_workday) if limit else None
        )
        directive.cadence = limit.cadence if limit else None
        directive.owner_hint = owner[:160] if owner else None
        directive.suggested_department = suggested_department(speech.city, owner)


def assign(
    speech: Speech,
    actor: User,
    directives: list[Directive],
    department: Department,
    responsible: User,
    co_owners: list[User],
    start_on: date | None,
    due_on: date | None,
) -> list[ActionItem]:
    """交办: one new item per chosen accepted directive, for one department and person."""
    errors = {}
    if not directives:
        errors["directives"] = _("Choose at least one accepted directive.")
    if any(d.state != DirectiveState.ACCEPTED or d.speech_id != speech.id for d in directives):
        errors["directives"] = _("Only accepted directives of this speech can be assigned.")
    if department.city_id not in within(speech.city):
        errors["department"] = _("Choose a department of %(city)s.", city=local_name(speech.city))
    if responsible.department_id != department.id or not responsible.is_active:
        errors["responsible"] = _("The responsible person must work in the chosen department.")
    if any(u.role != Role.STAFF or not u.is_active for u in co_owners):
        errors["co_owners"] = _("Co-owners must be active staff members.")
    if start_on and due_on and due_on < start_on:
        errors["due_on"] = _("The due date cannot be before the start date.")
    if errors:
        raise Invalid(errors)
    # Two items of one directive for one department would reach it twice (and be listed
    # twice in its assignment email); another department may well share the work.
    repeats = db.session.scalars(
        select(Directive.title)
        .join(ActionItem, ActionItem.directive_id == Directive.id)
        .where(
            ActionItem.directive_id.in_([d.id for d in directives]),
            ActionItem.department_id == department.id,
        )
        .distinct()
        .order_by(Directive.title)
    ).all()
    if repeats:
        raise Invalid(
            {
                "directives": _(
                    "Already assigned to %(department)s: %(directives)s. Leave them out or "
                    "choose another department.",
                    department=local_name(department),
                    directives=", ".join(f"“{title}”" for title in repeats),
                )
            }
        )
    items = []
    for directive in directives:
        item = ActionItem(
            directive=directive,
            city_id=department.city_id,
            department=department,
            responsible=responsible,
            co_owners=[u for u in co_owners if u.id != responsible.id],
            title=directive.title,
            priority=Priority.NORMAL,
            status=Status.NOT_STARTED,
            progress=0,
            start_on=start_on,
            due_on=due_on or directive.suggested_due_on,
            # 定期报送: a monthly or quarterly duty the speech names ("report every month").
            reporting_cycle=directive.cadence if directive.cadence in REPORTING_CYCLES else None,
            # 交办 when its owners can see it: now, or when the speech is published.
            assigned_at=utcnow() if speech.published_at else None,
        )
        if item.reporting_cycle and speech.published_at:
            item.reporting_since = office_today()
        db.session.add(item)
        items.append(item)
    db.session.flush()
    for item in items:
        audit.record("item.assigned", item, actor=actor, version=item.version, speech=speech.id)
    return items


def publish(speech: Speech, actor: User) -> int:
    """Make the speech and its items visible to their owners, and plan one assignment notice
    (交办通知) per responsible person. Publishing twice plans nothing new."""
    items = db.session.scalars(
        select(ActionItem).join(ActionItem.directive).where(Directive.speech_id == speech.id)
    ).all()
    if not items:
        raise Invalid({"": _("Assign at least one item before publishing.")})
    if speech.published_at is None:
        speech.published_at = utcnow()
        audit.record("speech.published", speech, actor=actor, items=len(items))
    for item in items:  # 交办: from now on they wait to be acknowledged (签收)
        if item.assigned_at is None:
            item.assigned_at = speech.published_at
        if item.reporting_cycle and item.reporting_since is None:
            item.reporting_since = office_today()
    recipients = {item.responsible_id for item in items if item.responsible_id}
    today = speech.published_at.date()
    plan_messages(
        [
            outbox_entry(
                ReminderKind.ASSIGNMENT,
                f"{speech.id}:{person}",
                person,
                today,
                utcnow(),
                speech_id=speech.id,
            )
            for person in sorted(recipients)
        ]
    )
    db.session.flush()
    return len(recipients)


def change_city(speech: Speech, actor: User, city: City) -> None:
    """Move a draft to another city (the wrong one was chosen when it was read in). Items
    already assigned must belong to that city or its sub-units."""
    if speech.published_at is not None:
        raise Invalid({"city": _("A published speech stays with its city.")})
    if city.id == speech.city_id:
        return
    inside = within(city)
    outside = db.session.scalar(
        select(func.count(ActionItem.id))
        .join(ActionItem.directive)
        .where(Directive.speech_id == speech.id, ActionItem.city_id.not_in(inside))
    )
    if outside:
        raise Invalid(
            {
                "city": _(
                    "%(count)d items of this speech are assigned to departments outside "
                    "%(city)s. Discard the draft and import the speech again.",
                    count=outside,
                    city=local_name(city),
                )
            }
        )
    before = speech.city.slug
    speech.city = city
    for directive in speech.directives:  # the suggestions name the new city's departments
        directive.suggested_department = suggested_department(city, directive.owner_hint)
    db.session.flush()
    audit.record("speech.city_changed", speech, actor=actor, before=before, after=city.slug)


def discard_refusal(speech: Speech) -> str | None:
    """Why the speech cannot be discarded, if it cannot: it is published, or work was
    reported on its items (history is never deleted)."""
    if speech.published_at is not None:
        return _("A published speech cannot be discarded; cancel its items instead.")
    item_ids = (
        select(ActionItem.id).join(ActionItem.directive).where(Directive.speech_id == speech.id)
    )
    if db.session.scalar(select(StatusUpdate.id).where(StatusUpdate.item_id.in_(item_ids))):
        return _("Progress was reported on items of this draft; cancel them instead.")
    sent = select(ReminderLine.id).where(
        ReminderLine.item_id.in_(item_ids), ReminderLine.reminder_id.is_not(None)
    )
    if db.session.scalar(sent):
        return _("Reminders about items of this draft were sent; cancel them instead.")
    return None


def discard(speech: Speech, actor: User) -> None:
    """Delete a draft speech with its directives and their items, which nobody but its
    supervisors has seen."""
    refusal = discard_refusal(speech)
    if refusal:
        raise Invalid({"": refusal})
    items = db.session.scalars(
        select(ActionItem).join(ActionItem.directive).where(Directive.speech_id == speech.id)
    ).all()
    audit.record(
        "speech.discarded",
        speech,
        actor=actor,
        title=speech.title,
        city=speech.city.slug,
        directives=len(speech.directives),
        items=[item.id for item in items],
    )
    if items:
        # Planned reminders not yet in an email (discard_refusal checked that none is).
        db.session.execute(
            delete(ReminderLine).where(ReminderLine.item_id.in_([item.id for item in items]))
        )
    for item in items:
        db.session.delete(item)
    db.session.delete(speech)
    db.session.flush()
