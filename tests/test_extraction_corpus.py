"""The extractor against the hand-annotated corpus (tests/corpus): every annotation is well
formed, the totals meet the goals, and the scorer itself counts misses, wrong proposals and
wrong time limits as it says (speed is measured by `make extraction-score`, not here)."""

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))

import score  # noqa: E402 - the scorer lives beside its corpus

from tracker.extraction import extract_directives  # noqa: E402


@pytest.fixture(scope="module")
def texts():
    return score.corpus()


def test_the_corpus_holds_ten_texts_in_each_language_annotated_by_the_rules(texts):
    for language in ("zh", "en"):
        assert sum(t.language == language for t in texts) >= 10
    assert sum(len(t.directives) for t in texts) >= 400


@pytest.mark.parametrize("figure", sorted(score.GOALS))
def test_the_extractor_meets_each_goal_on_the_whole_corpus(texts, figure):
    _per_text, total = score.run(texts)
    assert total.figures()[figure] >= score.GOALS[figure], total.misses


def _text(body: str, spans: list[tuple[str, dict]], optional=()) -> score.Text:
    golds = []
    for words, extra in spans:
        start = body.index(words)
        golds.append(score.Gold(start, start + len(words), **extra))
    optional = [(body.index(w), body.index(w) + len(w)) for w in optional]
    return score.Text("sample", "zh", body, golds, optional)


def test_the_scorer_counts_misses_wrong_proposals_and_optional_ones_apart():
    body = "要加快建设5G基站，年底前建成产业园。要提高政治站位。会议由市长主持。"
    text = _text(
        body, [("加快建设5G基站", {}), ("年底前建成产业园", {"time": "年底前"})], ["提高政治站位"]
    )
    proposals = extract_directives(body)
    result = score.score(text, proposals)
    assert (result.matched, result.exact, result.neutral) == (2, 2, 1)
    assert result.figures() == {
        "recall": 1.0,
        "precision": 1.0,
        "exact": 1.0,
        "time": 1.0,
        "owner": 1.0,
    }
    # Without proposals nothing is found; a proposal that covers only part of an annotated
    # span matches it but is not exact; one elsewhere is wrong.
    assert score.score(text, []).figures()["recall"] == 0.0
    at = body.index("5G基站")
    meeting = body.index("会议由市长主持")
    judged = score.score(text, [_proposal(at, at + 4), _proposal(meeting, meeting + 7)])
    assert (judged.matched, judged.exact, judged.proposals - judged.neutral) == (1, 0, 2)
    assert judged.figures()["precision"] == 0.5 and judged.figures()["recall"] == 0.5


def _proposal(start, end):
    return SimpleNamespace(start=start, end=end, time_limit=None, owner=None)


def test_the_scorer_checks_time_and_owner_words():
    body = "市经信局要每月报送进展。"
    (proposal,) = extract_directives(body)
    right = score.score(
        _text(body, [("每月报送进展", {"time": "每月", "owner": "市经信局"})]), [proposal]
    )
    assert right.time_right == right.timed == 1 and right.owner_right == right.owned == 1
    wrong = score.score(
        _text(body, [("每月报送进展", {"time": "年底前", "owner": "市发改委"})]), [proposal]
    )
    assert wrong.time_right == 0 and wrong.owner_right == 0 and wrong.timed == wrong.owned == 1


def test_a_malformed_annotation_is_named(tmp_path):
    (tmp_path / "zh-99-bad.toml").write_text(
        'title = "t"\nlanguage = "zh"\nkind = "speech"\nsources = []\nconstructions = []\n'
        'text = "要加快建设。"\n[[directive]]\nspan = "加快建设。"\n',
        encoding="utf-8",
    )
    with pytest.raises(score.AnnotationError, match="closing punctuation"):
        score.corpus(tmp_path)
