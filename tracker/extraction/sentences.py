"""Sentence spans of a text: exact [start, end) offsets into the original, never a copy."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

# A sentence ends at . ! ? (and any closing quotes) followed by white space, at 。！？；
# (Chinese needs no space after them), or at a line break.
_BOUNDARY = re.compile(r"""[.!?]+["'”’)]*(?=\s|$)|[。！？；]+[”’」』）)]*|\n""")
_GOES_ON = tuple("，、,")
_ITEM_NUMBER = re.compile(r"\s*\(?\d{1,2}[.)]")
_LEADING_JUNK = " \t\r\n,;:，；：、　"
QUOTES = '"“”'


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of `text`, trimmed of white space and
    of stray leading punctuation left over from a sloppy translation (`. , Improve ...`)."""
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(0) == "\n" and _wrapped(text, start, match.start()):
            continue  # a hard-wrapped paragraph goes on over its line break
        if text[max(0, match.start() - 4) : match.start() + 1].lower() in (" a.m.", " p.m."):
            continue  # "by 5 p.m. every day" goes on
        if _ITEM_NUMBER.fullmatch(text, start, match.end()):
            continue  # "2. Build …": the item's number begins its sentence
        if match.group(0)[0] in "；;" and _open_bracket(text, start, match.start()):
            continue  # （牵头单位：市发改委；配合单位：…）: one bracket, not two sentences
        spans.append(trim(text, start, match.end()))
        start = match.end()
    spans.append(trim(text, start, len(text)))
    return [(s, e) for s, e in spans if _has_words(text[s:e])]


def _open_bracket(text: str, start: int, at: int) -> bool:
    return text.count("（", start, at) + text.count("(", start, at) > text.count(
        "）", start, at
    ) + text.count(")", start, at)


def _wrapped(text: str, start: int, at: int) -> bool:
    """Whether the line break at `at` only wraps a paragraph: the line before ends after a
    comma, or is long and unfinished, and the next line starts no item, label or bracket."""
    before = text[start:at].rstrip()
    if not before:
        return False
    if before[-1] in _GOES_ON:
        return True
    line = before[before.rfind("\n") + 1 :]
    chinese = re.search("[\u4e00-\u9fff]", line)
    long_line = len(line) >= (15 if chinese else 40)
    heading = chinese and _NEW_LINE.match(line.lstrip()) and "，" not in line
    if not long_line or before[-1] in _FINISHED or heading:
        return False  # short, finished, or a Chinese heading of its own
    following = text[at + 1 : at + 40]
    if not chinese and not following[:1].islower() and not following[:1].isdigit():
        return False  # an English line goes on in lower case
    return (
        bool(following.strip())
        and not following.startswith(("\n", " ", "\t", "　"))
        and not (_NEW_LINE.match(following))
    )


_FINISHED = tuple("。！？；：.!?;:）)")
# What starts a line of its own: a number, a heading's numeral, a label, a bracket.
_NEW_LINE = re.compile(
    r"[（(\[【]|\d{1,2}[.．、)]|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+"
    r"|[IVX]{1,4}\.|[\u4e00-\u9fff]{2,6}[：:]|[A-Z][a-z]+(?:\s[a-z]+)?\s?:"
)


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
