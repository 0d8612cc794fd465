"""Directive extraction: from a speech's text, the instructions it gives, each with its exact
character span. Pure Python with no Flask import, so it can be tested and reused anywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import chinese, english
from .sentences import split_sentences
from .timing import TimeLimit, add_months, find_time_limit, find_time_limits

__all__ = [
    "OwnerHint",
    "ProposedDirective",
    "TimeLimit",
    "add_months",
    "extract_directives",
    "language_of",
    "owner_named_for",
    "split_headline",
    "split_sentences",
    "tidy_span",
]


def tidy_span(text: str, start: int, end: int, language: str = "en") -> tuple[int, int] | None:
    """text[start:end] narrowed past white space and edge punctuation by the rules of the
    speech's `language` ("zh" or "en", as `language_of` tells), or None if no words are left:
    what a directive's span may be."""
    tidy = chinese.tidy if language == "zh" else english._tidy
    return tidy(text, start, end)


TITLE_LENGTH = 300


@dataclass(frozen=True)
class OwnerHint:
    """The words of the text that name the unit owning a directive: text[start:end]."""

    phrase: str
    start: int
    end: int


@dataclass(frozen=True)
class ProposedDirective:
    """One instruction: `text[start:end]` is its wording, inside the sentence
    `text[sentence_start:sentence_end]`; `owner` the unit the text names for it, if any."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int
    text: str
    time_limit: TimeLimit | None
    owner: OwnerHint | None = None

    @property
    def title(self) -> str:
        """A readable title: the wording, capitalised and shortened if it is very long."""
        title = self.text[0].upper() + self.text[1:]
        if len(title) > TITLE_LENGTH:
            title = title[: TITLE_LENGTH - 1].rstrip() + "…"
        return title


def language_of(text: str) -> str:
    """ "zh" when most letters are CJK ideographs, else "en"."""
    sample = text[:4000]  # enough to tell; a long text is not counted letter by letter
    # An ideograph is about a word: a notice with a bracket of English is still Chinese.
    words = len(_LATIN_WORDS.findall(sample))
    cjk = len(_IDEOGRAPHS.findall(sample))
    return "zh" if cjk > words else "en"


_LATIN_WORDS = re.compile(r"[A-Za-z]+")
_IDEOGRAPHS = re.compile("[\u4e00-\u9fff]")


def extract_directives(text: str) -> list[ProposedDirective]:
    """The directives of a speech or notice (English or Chinese), in order of appearance.

    A 责任单位 / "Responsible units:" line names the owner, and a 办理时限 / "Deadline:"
    line the time limit, of the tasks of its item (since the item's number or the last such
    line) that have none of their own."""
    language = language_of(text)
    rules = chinese if language == "zh" else english
    directives: list[ProposedDirective] = []
    unowned: list[int] = []
    untimed: list[int] = []
    paragraph_end = -1
    carried = None
    for sentence_start, sentence_end in split_sentences(text):
        if sentence_start > paragraph_end or rules.starts_item(text, sentence_start, sentence_end):
            unowned.clear()
            untimed.clear()
            paragraph_end = _paragraph_end(text, sentence_start)
        named = rules.owner_line(text, sentence_start, sentence_end)
        if named is not False:
            for index in unowned:
                directives[index] = replace(directives[index], owner=_hint(text, named))
            unowned.clear()
            _give_time(directives, untimed, find_time_limit(text, sentence_start, sentence_end))
            continue
        if rules.time_line(text, sentence_start, sentence_end):
            _give_time(directives, untimed, find_time_limit(text, sentence_start, sentence_end))
            continue
        clauses = [
            (clause, span)
            for clause in rules.sentence_clauses(text, sentence_start, sentence_end)
            if (span := tidy_span(text, clause.start, clause.end, language))
        ]
        limits = find_time_limits(text, sentence_start, sentence_end) if clauses else []
        shared = _shared_time_limit(limits, [s for _c, s in clauses]) or carried
        # A time heading a list cut by semicolons ("By 2027, X will …; Y will ….") governs
        # the list's later parts too.
        ends_list = text[sentence_end - 1 : sentence_end] in ";；"
        carried = shared if ends_list and clauses else None
        for clause, (start, end) in clauses:
            limit = (
                _first_within(limits, start, end)
                or _first_within(limits, clause.head, start)
                or shared
            )
            if clause.owner is None:
                unowned.append(len(directives))
            if limit is None:
                untimed.append(len(directives))
            directives.append(
                ProposedDirective(
                    start,
                    end,
                    sentence_start,
                    sentence_end,
                    text[start:end],
                    limit,
                    _hint(text, clause.owner),
                )
            )
        closing = rules.closing_owner(text, sentence_start, sentence_end)
        if closing:
            # A bracket closing a sentence owns its tasks, back to the previous full stop (a
            # list cut by ；) or, standing alone, the tasks of its item.
            alone = closing[0] - sentence_start <= 1
            full_stop = max(text.rfind(mark, 0, sentence_start) for mark in "。.!?！？\n")
            for index in unowned:
                if alone or directives[index].sentence_start > full_stop:
                    directives[index] = replace(directives[index], owner=_hint(text, closing))
            unowned.clear()
            if alone:  # "(Responsible unit: …; completion time: before 30 November)"
                _give_time(directives, untimed, find_time_limit(text, closing[1], sentence_end))
    return directives


def _give_time(directives: list, untimed: list[int], limit: TimeLimit | None) -> None:
    """A 办理时限 / "Deadline:" line's time for the tasks of its item that have none."""
    if limit is None:
        return
    for index in untimed:
        directives[index] = replace(directives[index], time_limit=limit)
    untimed.clear()


def owner_named_for(text: str, start: int, end: int) -> OwnerHint | None:
    """The owner the text names for the words text[start:end] that the extractor did not
    propose (a sentence a reviewer marks): in the sentence itself (its subject, 由…负责, a
    closing bracket), else on its item's 责任单位 / "Responsible units:" line after it."""
    rules = chinese if language_of(text) == "zh" else english
    for clause in rules.sentence_clauses(text, start, end):
        if clause.owner:
            return _hint(text, clause.owner)
    subject = rules.named_subject(text, start, end)
    if subject:
        return _hint(text, subject)
    by = _BY_ANYWHERE.search(text, start, end)
    if by:
        return OwnerHint(by.group("unit"), by.start("unit"), by.end("unit"))
    closing = rules.closing_owner(text, start, end)
    if closing:
        return _hint(text, closing)
    paragraph_end = _paragraph_end(text, end)
    for sentence_start, sentence_end in split_sentences(text[:paragraph_end]):
        if sentence_start < end:
            continue
        if rules.starts_item(text, sentence_start, sentence_end):
            return None
        named = rules.owner_line(text, sentence_start, sentence_end)
        if named:
            return _hint(text, named)
    return None


# 由市经信局负责 / 由市经信局牵头 anywhere in a sentence.
_BY_ANYWHERE = re.compile(r"由(?!于|此)(?P<unit>[^，。；：、由]{2,24}?)(负责|牵头)")


def _hint(text: str, span: tuple[int, int] | None) -> OwnerHint | None:
    if not span:
        return None
    start, end = span
    return OwnerHint(text[start:end], start, end)


def _paragraph_end(text: str, position: int) -> int:
    """Where the paragraph holding `position` ends (a blank line or a heading starts the next)."""
    blank = text.find("\n\n", position)
    return len(text) if blank < 0 else blank


def _first_within(limits: list[TimeLimit], start: int, end: int) -> TimeLimit | None:
    return next((limit for limit in limits if start <= limit.start and limit.end <= end), None)


def _shared_time_limit(limits: list[TimeLimit], clauses) -> TimeLimit | None:
    """A time limit that stands outside every clause ("Within one year, build X, and train
    Y") applies to all of them; one inside a clause belongs to that clause alone."""
    for limit in limits:
        if not any(start <= limit.start < end for start, end in clauses):
            return limit
    return None


def split_headline(raw: str) -> tuple[str | None, str]:
    """Separate a news headline from the body of a speech file.

    The first line is a headline when it is short, does not end a sentence, and a blank line
    follows it; the body is then everything after the blank lines, else the whole text.
    """
    first, sep, rest = raw.partition("\n")
    headline = first.strip()
    if (
        sep
        and headline
        and len(headline) <= TITLE_LENGTH
        and headline[-1] not in ".!?。！？"
        and rest.lstrip(" \t\r").startswith("\n")
    ):
        return headline, rest.lstrip()
    return None, raw
