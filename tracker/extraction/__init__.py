"""Directive extraction: from a speech's text, the instructions it gives, each with its exact
character span. Pure Python with no Flask import, so it can be tested and reused anywhere."""

from __future__ import annotations

from dataclasses import dataclass

from . import chinese, english
from .sentences import split_sentences
from .timing import TimeLimit, add_months, find_time_limit

__all__ = [
    "ProposedDirective",
    "TimeLimit",
    "add_months",
    "extract_directives",
    "language_of",
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
class ProposedDirective:
    """One instruction: `text[start:end]` is its wording, inside the sentence
    `text[sentence_start:sentence_end]`."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int
    text: str
    time_limit: TimeLimit | None

    @property
    def title(self) -> str:
        """A readable title: the wording, capitalised and shortened if it is very long."""
        title = self.text[0].upper() + self.text[1:]
        if len(title) > TITLE_LENGTH:
            title = title[: TITLE_LENGTH - 1].rstrip() + "…"
        return title


def language_of(text: str) -> str:
    """ "zh" when most letters are CJK ideographs, else "en"."""
    letters = [ch for ch in text if ch.isalpha()]
    cjk = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff")
    return "zh" if letters and cjk * 2 > len(letters) else "en"


def extract_directives(text: str) -> list[ProposedDirective]:
    """The directives of a speech text (English or Chinese), in order of appearance."""
    rules = chinese if language_of(text) == "zh" else english
    directives = []
    for sentence_start, sentence_end in split_sentences(text):
        begin = rules.action_start(text, sentence_start, sentence_end)
        if begin is None:
            continue
        clauses = rules.split_clauses(text, begin, sentence_end)
        shared = _shared_time_limit(text, sentence_start, sentence_end, clauses)
        for start, end in clauses:
            limit = find_time_limit(text, start, end) or shared
            directives.append(
                ProposedDirective(start, end, sentence_start, sentence_end, text[start:end], limit)
            )
    return directives


def _shared_time_limit(text, sentence_start, sentence_end, clauses) -> TimeLimit | None:
    """A time limit that stands outside every clause ("Within one year, build X, and train
    Y") applies to all of them; one inside a clause belongs to that clause alone."""
    position = sentence_start
    while position < sentence_end:
        limit = find_time_limit(text, position, sentence_end)
        if limit is None:
            return None
        if not any(start <= limit.start < end for start, end in clauses):
            return limit
        position = limit.end
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
