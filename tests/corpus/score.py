"""Score the directive extractor on the hand-annotated corpus beside this file.

    python tests/corpus/score.py            # per-text and total figures; exit 1 below a goal
    python tests/corpus/score.py --check    # only check the annotations (no extractor run)
    python tests/corpus/score.py --json out.json

A proposal matches an annotated directive when each covers at least half of the other (one
to one, largest overlap first). Recall: matched directives / directives. Precision: matched
proposals / proposals, leaving out proposals that fall on an optional span. Exact: matched
proposals whose span is the annotated one to the character. Time and owner: matched pairs
where the annotation or the proposal has one, and both say the same words.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).parent
GOALS = {"recall": 0.90, "precision": 0.90, "exact": 0.95, "time": 0.90, "owner": 0.90}
SPEED_SENTENCES = 1000
SPEED_GOAL_MS = 100.0
CADENCES = {"daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly"}
KINDS = {"speech", "work-report", "action-plan", "opinion", "notice"}


class AnnotationError(ValueError):
    pass


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    time: str | None = None
    cadence: str | None = None
    owner: str | None = None


@dataclass
class Text:
    name: str
    language: str
    text: str
    directives: list[Gold]
    optional: list[tuple[int, int]]


@dataclass
class Score:
    directives: int = 0
    proposals: int = 0
    neutral: int = 0
    matched: int = 0
    exact: int = 0
    timed: int = 0
    time_right: int = 0
    owned: int = 0
    owner_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "directives",
            "proposals",
            "neutral",
            "matched",
            "exact",
            "timed",
            "time_right",
            "owned",
            "owner_right",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, float]:
        judged = self.proposals - self.neutral
        return {
            "recall": _ratio(self.matched, self.directives),
            "precision": _ratio(self.matched, judged),
            "exact": _ratio(self.exact, self.matched),
            "time": _ratio(self.time_right, self.timed),
            "owner": _ratio(self.owner_right, self.owned),
        }


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def load(path: Path) -> Text:
    """One corpus file, its spans located in its text; AnnotationError names what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise AnnotationError(f"{path.name}: {error}") from None
    for key in ("title", "language", "kind", "sources", "constructions", "text"):
        if key not in data:
            raise AnnotationError(f"{path.name}: missing {key}")
    if data["language"] not in ("zh", "en"):
        raise AnnotationError(f"{path.name}: language must be zh or en")
    if data["kind"] not in KINDS:
        raise AnnotationError(f"{path.name}: kind must be one of {sorted(KINDS)}")
    text = data["text"]
    directives = [
        _gold(path, text, entry, number)
        for number, entry in enumerate(data.get("directive", []), start=1)
    ]
    optional = [
        _locate(path, text, entry, f"optional {number}")
        for number, entry in enumerate(data.get("optional", []), start=1)
    ]
    spans = sorted([(d.start, d.end) for d in directives] + optional)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
        if s2 < e1:
            raise AnnotationError(f"{path.name}: spans overlap: {text[s1:e1]!r} / {text[s2:e2]!r}")
    return Text(path.stem, data["language"], text, directives, optional)


def _gold(path: Path, text: str, entry: dict, number: int) -> Gold:
    where = f"directive {number}"
    start, end = _locate(path, text, entry, where)
    for key in ("time", "owner"):
        if key in entry and entry[key] not in text:
            raise AnnotationError(f"{path.name}: {where}: {key} {entry[key]!r} not in the text")
    cadence = entry.get("cadence")
    if cadence is not None and cadence not in CADENCES:
        raise AnnotationError(f"{path.name}: {where}: cadence must be one of {sorted(CADENCES)}")
    if cadence and not entry.get("time"):
        raise AnnotationError(f"{path.name}: {where}: a cadence needs its words in time")
    unknown = set(entry) - {"span", "time", "cadence", "owner", "occurrence", "note"}
    if unknown:
        raise AnnotationError(f"{path.name}: {where}: unknown keys {sorted(unknown)}")
    return Gold(start, end, entry.get("time"), cadence, entry.get("owner"))


def _locate(path: Path, text: str, entry: dict, where: str) -> tuple[int, int]:
    span = entry.get("span")
    if not span or span != span.strip() or span[-1] in "，。；,.;、：:！!？?":
        raise AnnotationError(
            f"{path.name}: {where}: a span must be words without closing punctuation: {span!r}"
        )
    positions = []
    at = text.find(span)
    while at >= 0:
        positions.append(at)
        at = text.find(span, at + 1)
    if not positions:
        raise AnnotationError(f"{path.name}: {where}: span not in the text: {span!r}")
    occurrence = entry.get("occurrence")
    if occurrence is None:
        if len(positions) > 1:
            raise AnnotationError(
                f"{path.name}: {where}: span occurs {len(positions)} times; give occurrence"
            )
        occurrence = 1
    if not 1 <= occurrence <= len(positions):
        raise AnnotationError(f"{path.name}: {where}: no occurrence {occurrence} of {span!r}")
    start = positions[occurrence - 1]
    return start, start + len(span)


def corpus(directory: Path = CORPUS, names: list[str] | None = None) -> list[Text]:
    """The corpus texts, or only those whose file names start with one of `names`."""
    paths = sorted(directory.glob("*.toml"))
    if names:
        paths = [p for p in paths if p.name.startswith(tuple(names))]
    return [load(path) for path in paths]


def score(text: Text, proposals) -> Score:
    """Compare the extractor's proposals for one text with its annotations."""
    result = Score(directives=len(text.directives), proposals=len(proposals))
    pairs = []
    for g, gold in enumerate(text.directives):
        for p, proposal in enumerate(proposals):
            overlap = min(gold.end, proposal.end) - max(gold.start, proposal.start)
            if (
                overlap * 2 >= gold.end - gold.start
                and overlap * 2 >= proposal.end - proposal.start
            ):
                pairs.append((overlap, g, p))
    matched_gold, matched_proposals = {}, {}
    for _overlap, g, p in sorted(pairs, reverse=True):
        if g not in matched_gold and p not in matched_proposals:
            matched_gold[g] = p
            matched_proposals[p] = g
    words = text.text
    for g, gold in enumerate(text.directives):
        if g not in matched_gold:
            result.misses.append(f"missed: {words[gold.start : gold.end]}")
            continue
        proposal = proposals[matched_gold[g]]
        result.matched += 1
        if (proposal.start, proposal.end) == (gold.start, gold.end):
            result.exact += 1
        else:
            result.misses.append(
                f"span: {words[proposal.start : proposal.end]}  ≠  {words[gold.start : gold.end]}"
            )
        _judge_time(result, gold, proposal, words)
        _judge_owner(result, gold, proposal, words)
    for p, proposal in enumerate(proposals):
        if p in matched_proposals:
            continue
        if any(
            (min(end, proposal.end) - max(start, proposal.start)) * 2
            >= proposal.end - proposal.start
            for start, end in text.optional
        ):
            result.neutral += 1
        else:
            result.misses.append(f"wrong: {words[proposal.start : proposal.end]}")
    return result


def _judge_time(result: Score, gold: Gold, proposal, words: str) -> None:
    limit = proposal.time_limit
    if gold.time is None and limit is None:
        return
    result.timed += 1
    said = limit.phrase if limit else None
    if said == gold.time and (gold.cadence is None or limit.cadence == gold.cadence):
        result.time_right += 1
    else:
        cadence = f" ({limit.cadence})" if limit and limit.cadence else ""
        result.misses.append(
            f"time: {said}{cadence}  ≠  {gold.time} ({gold.cadence})  in  "
            f"{words[gold.start : gold.end]}"
        )


def _judge_owner(result: Score, gold: Gold, proposal, words: str) -> None:
    said = proposal.owner.phrase if proposal.owner else None
    if gold.owner is None and said is None:
        return
    result.owned += 1
    if said == gold.owner:
        result.owner_right += 1
    else:
        result.misses.append(f"owner: {said}  ≠  {gold.owner}  in  {words[gold.start : gold.end]}")


def speed_ms(texts: list[Text]) -> tuple[float, float, float]:
    """Milliseconds per 1,000 sentences, extracting from the corpus texts whole (the best of
    nine runs), scaled to the machine's usual speed; with the time as measured and the
    reference's. The runs are timed beside a fixed reference workload of the extractor's kind
    (`_reference_ms`, its best of nine); when that ran slower than on a quiet machine of this
    kind (`QUIET_REFERENCE_MS`), as it does for minutes at a time here, the time is scaled
    down by as much (never up)."""
    from tracker.extraction import extract_directives, split_sentences

    sentences = sum(len(split_sentences(t.text)) for t in texts)
    best, reference = float("inf"), float("inf")
    for _ in range(9):
        began = time.perf_counter()
        for text in texts:
            extract_directives(text.text)
        best = min(best, (time.perf_counter() - began) * 1000)
        reference = min(reference, _reference_ms())
    measured = best * SPEED_SENTENCES / max(1, sentences)
    return measured / max(1.0, reference / QUIET_REFERENCE_MS), measured, reference


# The reference workload's time on a quiet machine of this kind. The measure before this one,
# a `sum(range())` loop, took 125 ms there; in five processes the reference took 19.5 to 20.2
# ms beside that loop's 132 to 150 ms (0.13 to 0.15 of it, the loop being the noisier): 18 ms
# at the loop's quiet speed. The extractor's time varied as little as the reference's.
QUIET_REFERENCE_MS = 18.0
_REFERENCE_WORDS = frozenset(f"w{i}" for i in range(5000))
_REFERENCE_PATTERN = re.compile(r"(?:ab|cd|ef)\d+|x[yz]{2,}")
_REFERENCE_TEXT = "ab12 cd w42 xyzz w7 ef9 " * 40


def _reference_ms() -> float:
    """A fixed workload of what the extractor spends its time on: slices, set lookups, small
    regular expressions and function calls, scanning a text position by position."""
    began = time.perf_counter()
    for _ in range(60):
        for pos in range(len(_REFERENCE_TEXT)):
            _reference_step(_REFERENCE_TEXT, pos)
    return (time.perf_counter() - began) * 1000


def _reference_step(text: str, pos: int) -> int:
    if text[pos : pos + 2] in _REFERENCE_WORDS or text[pos : pos + 3] in _REFERENCE_WORDS:
        return 1
    match = _REFERENCE_PATTERN.match(text, pos, pos + 12)
    return match.end() - pos if match else 0


def _speed_elsewhere() -> tuple[float, float, float]:
    """The speed measured again in a new process: on these machines one process can run the
    same Python code slower than the next, whatever the code; the best of three processes is
    what the code can do."""
    output = subprocess.run(
        [sys.executable, __file__, "--speed-only"],
        capture_output=True,
        text=True,
        check=True,
        cwd=CORPUS.parent.parent,
    ).stdout
    speed, measured, reference = (float(word) for word in output.split())
    return speed, measured, reference


def run(texts: list[Text]) -> tuple[dict[str, Score], Score]:
    from tracker.extraction import extract_directives

    per_text, total = {}, Score()
    for text in texts:
        per_text[text.name] = score(text, extract_directives(text.text))
        total.add(per_text[text.name])
    return per_text, total


def table(texts: list[Text], per_text: dict[str, Score], total: Score) -> str:
    lines = [
        "| text | directives | recall | precision | exact spans | time | owner |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name: str, s: Score) -> str:
        f = s.figures()
        return (
            f"| {name} | {s.directives} | {f['recall']:.0%} | {f['precision']:.0%} | "
            f"{f['exact']:.0%} | {f['time']:.0%} ({s.timed}) | {f['owner']:.0%} ({s.owned}) |"
        )

    for text in texts:
        lines.append(row(text.name, per_text[text.name]))
    for language in ("zh", "en"):
        part = Score()
        for text in texts:
            if text.language == language:
                part.add(per_text[text.name])
        lines.append(row(f"**all {language}**", part))
    lines.append(row("**all**", total))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the annotations")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    parser.add_argument("names", nargs="*", help="only the texts whose names start so")
    parser.add_argument("--speed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.speed_only:
        print(*speed_ms(corpus()))
        return 0
    try:
        texts = corpus(names=args.names)
    except AnnotationError as error:
        print(f"annotation error: {error}", file=sys.stderr)
        return 2
    if args.check:
        count = sum(len(t.directives) for t in texts)
        print(f"{len(texts)} texts, {count} directives: annotations well formed")
        return 0
    per_text, total = run(texts)
    print(table(texts, per_text, total))
    if args.verbose:
        for text in texts:
            for miss in per_text[text.name].misses:
                print(f"{text.name}: {miss}")
    timed = speed_ms(texts)
    for _ in range(2):
        if timed[0] <= SPEED_GOAL_MS:
            break
        timed = min(timed, _speed_elsewhere())
    speed, measured, reference = timed
    print(
        f"\n{SPEED_SENTENCES} sentences in {speed:.0f} ms (goal ≤ {SPEED_GOAL_MS:.0f} ms; "
        f"measured {measured:.0f} ms beside a reference workload of {reference:.1f} ms, "
        f"{QUIET_REFERENCE_MS:.0f} ms on a quiet machine)"
    )
    figures = total.figures()
    failed = [
        f"{k} {figures[k]:.1%} < {goal:.0%}" for k, goal in GOALS.items() if figures[k] < goal
    ]
    if speed > SPEED_GOAL_MS:
        failed.append(f"speed {speed:.0f} ms > {SPEED_GOAL_MS:.0f} ms")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "texts": {
                        name: s.figures() | {"directives": s.directives}
                        for name, s in per_text.items()
                    },
                    "total": figures | {"directives": total.directives},
                    "speed_ms": speed,
                },
                indent=2,
            )
        )
    if failed:
        print("below the goals: " + "; ".join(failed), file=sys.stderr)
        return 1
    print("all goals met")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(CORPUS.parent.parent))
    sys.exit(main())
