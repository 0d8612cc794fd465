"""Sentence spans of a text: exact [start, end) offsets into the original, never a copy."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

# A sentence ends at . ! ? (and any closing quotes) followed by white space, at 。！？；
# (Chinese needs no space after them), or at a line break.
_BOUNDARY = re.compile(r"""[.!?]+["'”’)]*(?=\s|$)|[。！？；]+[”’」』）)]*|\n""")
_GOES_ON = tuple("，、,")
_LEADING_JUNK = " \t\r\n,;:，；：、　"
QUOTES = '"“”'


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of `text`, trimmed of white space and
    of stray leading punctuation left over from a sloppy translation (`. , Improve ...`)."""
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(0) == "\n" and text[start : match.start()].rstrip()[-1:] in _GOES_ON:
            continue  # a line broken after a comma (a hard-wrapped paragraph) goes on
        if text[max(0, match.start() - 4) : match.start() + 1].lower() in (" a.m.", " p.m."):
            continue  # "by 5 p.m. every day" goes on
        spans.append(trim(text, start, match.end()))
        start = match.end()
    spans.append(trim(text, start, len(text)))
    return [(s, e) for s, e in spans if _has_words(text[s:e])]


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow [start, end) past white space and leading separators or an unmatched quote."""
    while True:
        while start < end and text[start] in _LEADING_JUNK:
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end and text[start] in QUOTES and _count_quotes(text[start:end]) % 2:
            start += 1
            continue
        return start, end


def _count_quotes(fragment: str) -> int:
    return sum(fragment.count(q) for q in QUOTES)


def _has_words(fragment: str) -> bool:
    return any(ch.isalnum() for ch in fragment)


@dataclass(frozen=True)
class Clause:
    """A directive found in a sentence: text[start:end] is its span; text[head:start] what
    stands before it in its clause (subject, modal, a time phrase); text[owner[0]:owner[1]]
    the unit the text names as its owner; `subject` whether the clause has a subject of its
    own (else it shares the owner of the task before it in its sentence)."""

    start: int
    end: int
    head: int
    owner: tuple[int, int] | None = None
    subject: bool = False


def shared_owners(found: list[Clause]) -> list[Clause]:
    """市经信局要牵头制定…，一季度末前公布… / "The Bureau should draw up X, and publish Y": a
    task without a subject of its own shares the owner of the task before it in its sentence."""
    result, owner = [], None
    for clause in found:
        if clause.owner is None and not clause.subject and owner:
            clause = replace(clause, owner=owner)
        elif clause.subject or clause.owner:
            owner = clause.owner
        result.append(clause)
    return result
