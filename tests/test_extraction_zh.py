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
        ("要在明年底前培育10家企业。", "明年底前", date(2027, 12, 31), None),
        ("今年上半年完成规划编制。", "今年上半年", date(2026, 6, 30), None),
        ("要一季度内完成摸排。", "一季度内", date(2026, 3, 31), None),
        ("各区下月底前报送方案。", "下月底前", date(2026, 4, 30), None),
        ("要2026年10月前建成试点。", "2026年10月前", date(2026, 9, 30), None),
        ("要6月底前完成普查。", "6月底前", date(2026, 6, 30), None),
        ("请于11月30日前报送总结。", "11月30日前", date(2026, 11, 30), None),
        # Working days by the calendar given (here Monday to Friday): 3 March 2026 is a Tuesday.
        ("要在10个工作日内办结。", "10个工作日内", date(2026, 3, 17), None),
        ("要在每年一季度末前拨付资金。", "每年一季度末前", None, "yearly"),
        ("每日9时前报送雨情。", "每日9时前", None, "daily"),
        ("每半年通报一次进展。", "每半年", None, "half-yearly"),
        ("汛前组织一次演练。", "汛前", None, None),
        ("要在明年6月底前出台办法。", "明年6月底前", date(2027, 6, 30), None),
        ("力争今年9月底前建成。", "今年9月底前", date(2026, 9, 30), None),
        ("本月底前报送清单。", "本月底前", date(2026, 3, 31), None),
        ("要在999年内完成。", "999年内", None, None),  # no deadline anyone sets
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


def test_working_days_follow_the_calendar_given():
    (directive,) = extract_directives("要在3个工作日内办结。")
    holidays = {date(2026, 3, 4)}  # a made-up day off
    due = directive.time_limit.due_on(
        date(2026, 3, 3), lambda d: d.weekday() < 5 and d not in holidays
    )
    assert due == date(2026, 3, 9)  # Thu 5, Fri 6, Mon 9


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("加快建设5G基站（市财政局配合，市发改委牵头）。", ["市发改委"]),
        ("实施一批项目。\n责任单位：市财政局、市发改委（牵头）\n配合单位：市网信办", ["市发改委"]),
        ("建设数据平台。\n责任单位：市工信局　市财政局", ["市工信局"]),
        ("建设区块链人才公寓，市人才办牵头负责。", ["市人才办"]),
        ("年底前每个区要建成1个示范点。", [None]),
        ("市经信局要牵头制定计划，一季度末前公布名单。", ["市经信局", "市经信局"]),
        ("建设平台。\n责任单位：" + "　".join(["市某某委员会办公室"] * 23), ["市某某委员会办公室"]),
        ("建设平台。\n责任单位：" + "某" * 50 + "中心", [None]),  # too long for one name
    ],
)
def test_owners_are_the_lead_units_the_text_names(text, owners):
    assert [d.owner.phrase if d.owner else None for d in extract_directives(text)] == owners


def test_a_hard_wrapped_paragraph_is_read_whole():
    text = "各区要制定本区实施方案，于2026年10月31日前\n建成试点。\n责任单位：市发改委"
    first, second = extract_directives(text)
    assert (first.text, second.text) == ("制定本区实施方案", "于2026年10月31日前\n建成试点")
    assert second.time_limit.phrase == "2026年10月31日前" and second.owner.phrase == "市发改委"
