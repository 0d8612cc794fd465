"""Directive extraction from Chinese speeches: sentences on 。！？；, cues such as 要、必须、
加快、推进, enumerations split where each part has its own verb, time limits, exact spans."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.extraction import extract_directives, language_of, split_headline

SAMPLE = Path(__file__).parent / "data" / "jiaxing-digital-economy-zh.txt"

EXPECTED = [
    ("加快区块链技术创新", None),
    ("建设一批新型研发机构", None),
    ("建设一批技术研发平台", None),
    ("实施一批科技攻关项目", None),
    ("力争在核心技术上取得突破", None),
    ("推动区块链与实体经济深度融合", None),
    ("在金融、制造、民生、政务服务等领域推广应用场景", None),
    ("深化与浙江大学的战略合作", None),
    ("年底前建成区块链产业园", "年底前"),
    ("每月报送工作进展", "每月"),
    ("加强人才引进", None),
    ("三年内引进一批区块链领军人才", "三年内"),
    ("积极鼓励高校开设区块链课程", None),
]


def test_the_chinese_sample_speech_gives_the_expected_directives():
    headline, body = split_headline(SAMPLE.read_text(encoding="utf-8"))
    assert headline == "中共嘉兴市委书记：加快推动区块链技术和产业创新发展"
    assert language_of(body) == "zh"
    directives = extract_directives(body)
    assert [(d.text, d.time_limit.phrase if d.time_limit else None) for d in directives] == EXPECTED
    for d in directives:
        assert body[d.start : d.end] == d.text


def test_reporting_sentences_are_not_directives():
    text = "据新华社报道，会议在北京召开。市长出席会议并要求加快进度。会议由市长主持。"
    # The second reports what the leader required: that is a directive.
    assert [d.text for d in extract_directives(text)] == ["加快进度"]


def test_a_modal_needs_a_verb_after_it():
    assert extract_directives("这是一项重要工作。主要内容如下。") == []
    assert [d.text for d in extract_directives("务必抓好安全生产。")] == ["抓好安全生产"]


def test_listed_nouns_are_not_split():
    (directive,) = extract_directives("要在金融、制造、民生等领域推广应用。")
    assert directive.text == "在金融、制造、民生等领域推广应用"


@pytest.mark.parametrize(
    ("sentence", "phrase", "due_on", "cadence"),
    [
        ("要年底前完成规划。", "年底前", date(2026, 12, 31), None),
        ("要一季度末前出台方案。", "一季度末前", date(2026, 3, 31), None),
        ("要三年内建成产业园。", "三年内", date(2029, 3, 3), None),
        ("要六个月内完成评估。", "六个月内", date(2026, 9, 3), None),
        ("要十二个月内完成评估。", "十二个月内", date(2027, 3, 3), None),
        ("要2027年底前实现目标。", "2027年底前", date(2027, 12, 31), None),
        ("各地要每季度报送进展。", "每季度", None, "quarterly"),
    ],
)
def test_chinese_time_limits(sentence, phrase, due_on, cadence):
    (directive,) = extract_directives(sentence)
    limit = directive.time_limit
    assert (limit.phrase, limit.due_on(date(2026, 3, 3)), limit.cadence) == (
        phrase,
        due_on,
        cadence,
    )
    assert sentence[limit.start : limit.end] == phrase


_PIECES = st.lists(
    st.sampled_from(
        list("，。；、！？：“”　建设实施要必须加快推进一批年底前每月三年内的和在 \n")
        + ["要加快", "建设一批"]
    ),
    max_size=120,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_PIECES)
def test_any_chinese_text_gives_exact_ordered_spans(text):
    previous_end = 0
    for directive in extract_directives(text):
        assert text[directive.start : directive.end] == directive.text
        assert directive.text and directive.start >= previous_end
        assert directive.sentence_start <= directive.start < directive.end <= directive.sentence_end
        previous_end = directive.end


def test_a_chinese_speech_imports_with_its_directives(runner, app):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import City, Speech

    db.session.add(City(slug="jiaxing", name="Jiaxing", name_zh="嘉兴市"))
    db.session.commit()
    result = runner.invoke(
        args=[
            "import-speech",
            str(SAMPLE),
            "--city",
            "jiaxing",
            "--speaker",
            "市委书记",
            "--date",
            "2026-03-05",
        ]
    )
    assert result.exit_code == 0, result.output
    speech = db.session.scalar(select(Speech))
    assert speech.language == "zh" and len(speech.directives) == len(EXPECTED)
    assert speech.directives[8].suggested_due_on == date(2026, 12, 31)
