"""Directive cues of English speech texts (often translated from Chinese) and the splitting
of enumerations such as "build a number of X, build a number of Y, and strive to Z"."""

from __future__ import annotations

import re

from .sentences import QUOTES, trim

# Verbs that open an instruction. A comma followed by one of them starts a new directive;
# nouns that double as verbs in these texts ("research", "trade", "service") are left out.
VERBS = frozenset(
    """accelerate achieve adhere adopt advance apply attract base break bring build carry
    compile complete consolidate continue coordinate create cultivate deepen deploy develop do
    draft drive encourage enhance ensure establish expand explore finish focus formulate foster
    gather grasp guide help highlight implement improve increase innovate introduce issue launch
    make open optimize organize promote protect publish push put raise reduce reform regard rely
    report revise schedule seize select set speed step strengthen strive submit support take
    train upgrade""".split()
)
ADVERBS = frozenset(
    """further vigorously actively continuously constantly also firmly earnestly effectively
    steadily comprehensively resolutely fully""".split()
)

# Words after which the directive starts ("it is necessary to | strengthen ...").
_MODAL = re.compile(
    r"\b(?:it\s+is\s+(?:necessary|essential|imperative|important|urgent)\s+to|must|should|shall"
    r"|needs?\s+to)\b\s*",
    re.I,
)
# Words that start the directive and belong to it ("strive to achieve ...").
_VERB_CUE = re.compile(r"\b(?:strive\s+to|make\s+efforts|efforts\s+to|encourages?)\b", re.I)
# A leading purpose that heads a list: "To speed up technological breakthroughs, build ...".
_LEAD = re.compile(rf"to\s+(?:(?:{'|'.join(ADVERBS)})\s+)?(?:{'|'.join(VERBS)})\b[^,;]*", re.I)
# News-report sentences: the meeting, not the instruction.
_REPORTING = re.compile(
    r"^according\s+to\b|\b(?:was|were)\s+held\b|\bheld\s+(?:a|an|the)\b|\bpresided\s+over\b"
    r"|\battended\b",
    re.I,
)
_SPEECH_VERB = re.compile(
    r"\b(?:said|pointed\s+out|stressed|emphasi[sz]ed|noted|called\s+for|required|demanded)\b", re.I
)
_WORD = re.compile(r"[A-Za-z]+")
_ABBREVIATIONS = (" etc.", " Co.", " Ltd.", " Inc.")


def is_reporting(sentence: str) -> bool:
    """True for a sentence that reports the occasion rather than conveying an instruction."""
    return bool(_REPORTING.search(sentence)) and not _SPEECH_VERB.search(sentence)


def action_start(text: str, start: int, end: int) -> int | None:
    """Where the instruction of the sentence text[start:end] begins, or None if it has none."""
    if is_reporting(text[start:end]):
        return None
    lead = _LEAD.match(text, start, end)
    if lead:
        after = lead.end()
        if after < end and text[after] == ",":
            # The lead is a heading; its list follows, perhaps behind "we must".
            return _skip_short_modal(text, after + 1, end)
        return start + 3 + _leading_space(text[start + 3 : end])
    modal = _MODAL.search(text, start, end)
    verb = _VERB_CUE.search(text, start, end)
    if verb and (not modal or verb.start() < modal.start()):
        return verb.start()
    if modal:
        return modal.end()
    return None


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] into verb-led clauses at top-level commas and semicolons."""
    clauses = []
    clause_start = start
    depth = 0
    in_quote = False
    for pos in range(start, end):
        char = text[pos]
        if char in QUOTES:
            in_quote = not in_quote
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char in ",;" and not in_quote and depth == 0:
            next_start = _next_clause_start(text, pos + 1, end, char == ";")
            if next_start is not None:
                clauses.append((clause_start, pos))
                clause_start = next_start
    clauses.append((clause_start, end))
    return [span for span in (_tidy(text, s, e) for s, e in clauses) if span]


def _next_clause_start(text: str, pos: int, end: int, always: bool) -> int | None:
    """If a new clause starts after the separator at pos-1, where its first word is."""
    words = [(m.start(), m.group(0).lower()) for m in _WORD.finditer(text, pos, min(end, pos + 80))]
    index = 0
    if index < len(words) and words[index][1] == "and":
        index += 1
    if index < len(words) and words[index][1] == "to":
        index += 1
    first = index
    while index < len(words) and words[index][1] in ADVERBS:
        index += 1
    if index < len(words) and words[index][1] in VERBS:
        return words[first][0]
    if always and words:
        return words[0][0]
    return None


def _skip_short_modal(text: str, start: int, end: int) -> int:
    """Past "we must" / "it is necessary to" when it opens the list after a heading."""
    modal = _MODAL.search(text, start, min(end, start + 40))
    if modal and len(text[start : modal.start()].split()) <= 2:
        return modal.end()
    return start


def _leading_space(fragment: str) -> int:
    return len(fragment) - len(fragment.lstrip())


def _tidy(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a clause of white space, trailing punctuation and a dangling quote."""
    start, end = trim(text, start, end)
    while end > start and (
        text[end - 1] in ".,;:!?" or text[end - 1].isspace() or _dangling_quote(text, start, end)
    ):
        if text[end - 1] == "." and text[start:end].endswith(_ABBREVIATIONS):
            break
        end -= 1
    return (start, end) if any(ch.isalnum() for ch in text[start:end]) else None


def _dangling_quote(text: str, start: int, end: int) -> bool:
    fragment = text[start:end]
    return fragment[-1] in QUOTES and sum(fragment.count(q) for q in QUOTES) % 2 == 1
