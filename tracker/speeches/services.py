"""Importing a speech: validate the file, keep the text verbatim, extract its directives."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..extraction import extract_directives, language_of, split_headline
from ..models import ActionItem, City, Directive, DirectiveState, Speech, User, utcnow
from ..workdays import is_workday
from .owners import suggested_department

MAX_SPEECH_BYTES = 512 * 1024


class SpeechRefused(ValueError):
    """A speech that cannot be imported; the message says why in one line."""


def read_speech_file(path: Path) -> str:
    """The text of a UTF-8 speech file, or SpeechRefused naming what is wrong with it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SpeechRefused(
            _("%(name)s: cannot be read (%(reason)s)", name=path, reason=error.strerror)
        ) from None
    return decode_speech(raw, str(path))


def decode_speech(raw: bytes, name: str) -> str:
    """Check the bytes of an uploaded or read speech and decode them."""
    if len(raw) > MAX_SPEECH_BYTES:
        raise SpeechRefused(
            _(
                "%(name)s: %(size)s bytes is more than the limit of %(limit)s bytes",
                name=name,
                size=f"{len(raw):,}",
                limit=f"{MAX_SPEECH_BYTES:,}",
            )
        )
    if b"\x00" in raw:
        raise SpeechRefused(_("%(name)s: is not a text file (it contains NUL bytes)", name=name))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpeechRefused(
            _(
                "%(name)s: is not UTF-8 text (byte 0x%(byte)s at offset %(offset)d); save it as "
                "UTF-8 and try again",
                name=name,
                byte=f"{raw[error.start]:02x}",
                offset=error.start,
            )
        ) from None
    if not text.strip():
        raise SpeechRefused(_("%(name)s: is empty", name=name))
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        raise SpeechRefused(
            _("%(name)s: is not a text file (it contains control characters)", name=name)
        )
    return text


def import_speech(
    text: str,
    *,
    city: City,
    speaker: str,
    delivered_on: date,
    title: str | None = None,
    title_zh: str | None = None,
    outlet: str | None = None,
    source_name: str | None = None,
    actor: User | None = None,
    source: str | None = None,
    draft: bool = False,
) -> Speech:
    """Add a speech with the directives extracted from it. A `draft` waits for a supervisor
    to review its proposed directives and publish it; otherwise it is published at once with
    its directives accepted. Flushes; the caller commits."""
    speaker = speaker.strip()
    if not speaker:
        raise SpeechRefused(_("the speaker's name is empty"))
    headline, body = split_headline(text)
    if not body.strip():
        raise SpeechRefused(_("the speech has a headline but no text"))
    existing = find_imported(text)
    if existing is not None:
        raise SpeechRefused(
            _(
                "this speech was already imported as speech %(id)d (%(speaker)s, %(date)s)",
                id=existing.id,
                speaker=existing.speaker,
                date=existing.delivered_on.isoformat(),
            )
        )
    speech = Speech(
        city=city,
        speaker=speaker,
        title=(title or headline or f"Speech by {speaker}, {delivered_on.isoformat()}").strip(),
        # Untitled: a name each language reads (沈伟讲话（2026年3月2日）).
        title_zh=title_zh
        or (
            None
            if title or headline
            else f"{speaker}讲话（{delivered_on:%Y}年{delivered_on.month}月{delivered_on.day}日）"
        ),
        delivered_on=delivered_on,
        outlet=outlet,
        language=language_of(body),
        text=body,
        text_sha256=_digest(body),
        source_name=source_name,
        published_at=None if draft else utcnow(),
    )
    for position, proposed in enumerate(extract_directives(body), start=1):
        limit = proposed.time_limit
        speech.directives.append(
            Directive(
                position=position,
                title=proposed.title,
                start_offset=proposed.start,
                end_offset=proposed.end,
                sentence_start=proposed.sentence_start,
                sentence_end=proposed.sentence_end,
                time_limit=limit.phrase[:120] if limit else None,
                suggested_due_on=limit.due_on(delivered_on, is_workday) if limit else None,
                cadence=limit.cadence if limit else None,
                owner_hint=proposed.owner.phrase[:160] if proposed.owner else None,
                suggested_department=suggested_department(
                    city, proposed.owner.phrase if proposed.owner else None
                ),
                state=DirectiveState.PROPOSED if draft else DirectiveState.ACCEPTED,
            )
        )
    db.session.add(speech)
    db.session.flush()
    audit.record(
        "speech.imported",
        speech,
        actor=actor,
        source=source,
        directives=len(speech.directives),
        source_name=source_name,
    )
    return speech


def create_draft_items(speech: Speech, *, actor: User | None = None, source: str | None = None):
    """One unassigned action item per directive, due when the speech said, for a supervisor
    to assign. Flushes; the caller commits."""
    items = [
        ActionItem(
            directive=directive,
            city=speech.city,
            title=directive.title,
            due_on=directive.suggested_due_on,
        )
        for directive in speech.directives
    ]
    db.session.add_all(items)
    db.session.flush()
    for item in items:
        audit.record("item.drafted", item, actor=actor, source=source)
    return items


def find_imported(text: str) -> Speech | None:
    """The speech already imported with the same body text, if any."""
    body = split_headline(text)[1]
    return db.session.scalar(select(Speech).where(Speech.text_sha256 == _digest(body)))


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def find_city(slug: str) -> City:
    city = db.session.scalar(select(City).where(City.slug == slug))
    if city is None:
        known = ", ".join(db.session.scalars(select(City.slug).order_by(City.slug))) or "none yet"
        raise SpeechRefused(
            _("unknown city %(slug)s (known: %(known)s)", slug=repr(slug), known=known)
        )
    return city
