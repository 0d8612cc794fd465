"""Directive extraction: the directives of the seed speeches, the rules behind them, and the
promise that every span indexes the original text exactly."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.extraction import add_months, extract_directives, split_headline
from tracker.extraction.timing import find_time_limit

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

NANJING = [
    "strengthen the top-level design",
    "grasp the law of industrial technology evolution",
    "select key directions",
    "schedule a batch of projects",
    "coordinate the planning of the blockchain and The coordinated development of the "
    'digital economy and artificial intelligence has clearly defined a "roadmap" for '
    "development",
    "build a number of new research and development institutions",
    "build a number of technology research and development platforms",
    "implement a number of scientific and technological research projects",
    "strive to achieve important results in key core technology areas",
    'seize the "commanding heights" of innovation',
    "focus on integrated innovation",
    "carry out application demonstrations",
    "cultivate the introduction of blockchain talents and backbone enterprises",
    "highlight the in-depth integration of blockchain and the real economy",
    "promote the core format, related formats, and derivative formats to become larger and "
    "stronger",
    "build the industry",
    "strengthen the system supply",
    "do a good job of researching and guiding the security risks of the blockchain",
    "promote developers and operators to strengthen industry self-discipline",
    "implement security responsibilities",
    'optimize the development of the "ecological circle"',
    "foster new momentum for economic and social development",
]

JIAXING = [
    "promote the innovation of blockchain technology",
    "rely on the advantages of various scientific research institutes in Jia",
    "strengthen basic research",
    "break through a number of key common technologies in the field of distributed ledger "
    "technology and other fields",
    "strengthen the close integration of production, education and research Cooperation and "
    "strive to occupy the commanding heights of innovation in this emerging field of "
    "blockchain",
    "continue to deepen its strategic cooperation with Zhejiang University",
    "accelerate the industrialization of blockchain and artificial intelligence, big data, "
    "the Internet of Things and other cutting-edge information technologies",
    "build a blockchain industry ecology",
    "promote integrated innovation and fusion applications",
    'make efforts in "blockchain +" finance, manufacturing, people\'s livelihood, trade, '
    "smart cities, government services, etc.",
    "promote new application scenarios",
    "create new application models",
    "further accelerate the conversion of new and old kinetic energy",
    "Improve the well-being of people's livelihood",
    "improve the level of intelligence and refinement of urban management",
    "help modernize the governance of the city",
    "promote the gathering of talents in blockchain technology",
    "base ourselves on the Yangtze River Delta and look around the world",
    "regard blockchain talents as one of the key targets of the New Deal for Talents",
    "vigorously bring in leading blockchain talents and innovative teams",
    "encourage universities and research institutes in Jia to increase the number of blocks",
    "train chain technology talents, multi-pronged to accelerate the creation of a research "
    "and practical blockchain talent team, the introduction of a number of service "
    "enterprises and institutions with blockchain technology as the core application",
]


def _speech(name: str) -> str:
    return split_headline((SEEDS / name).read_text(encoding="utf-8"))[1]


@pytest.mark.parametrize(
    ("file", "expected"),
    [("nanjing-2019-12-21.txt", NANJING), ("jiaxing-2020-01-02.txt", JIAXING)],
)
def test_seed_speeches_give_the_expected_directives(file, expected):
    text = _speech(file)
    directives = extract_directives(text)
    assert [d.text for d in directives] == expected
    for directive in directives:
        assert text[directive.start : directive.end] == directive.text
        assert directive.sentence_start <= directive.start < directive.end
        assert directive.end <= directive.sentence_end


def test_headline_is_split_from_the_body():
    headline, body = split_headline((SEEDS / "nanjing-2019-12-21.txt").read_text("utf-8"))
    assert headline.startswith("Zhang Jinghua, Secretary of the Nanjing")
    assert body.startswith("According to the Nanjing Daily News")
    assert split_headline("One sentence only.\n\nAnother.") == (
        None,
        "One sentence only.\n\nAnother.",
    )


def test_reporting_sentences_are_not_directives():
    text = (
        "According to the Nanjing Daily News, on December 21st, the group held a learning "
        "session to study the speech. The meeting was held in the city hall and attended by "
        "the mayor, who should be thanked."
    )
    assert extract_directives(text) == []


def test_a_report_of_what_the_leader_said_still_gives_directives():
    text = "According to Zhejiang News, Zhang Bing said that we must build a talent fund."
    assert [d.text for d in extract_directives(text)] == ["build a talent fund"]


def test_enumeration_splits_into_one_directive_per_verb_and_keeps_the_heading_out():
    text = (
        "To speed up breakthroughs, build a number of labs, build a number of platforms, "
        "implement a number of projects, and strive to lead the field."
    )
    assert [d.text for d in extract_directives(text)] == [
        "build a number of labs",
        "build a number of platforms",
        "implement a number of projects",
        "strive to lead the field",
    ]


def test_commas_inside_a_clause_do_not_split_it():
    text = 'We must support finance, trade, and "smart, safe" cities, and improve services.'
    assert [d.text for d in extract_directives(text)] == [
        'support finance, trade, and "smart, safe" cities',
        "improve services",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "It is necessary to open a service centre.",
        "We must open a service centre.",
        "The districts should open a service centre.",
        "To promote services, open a service centre.",
        "Strive to open a service centre.",
        "Make efforts to open a service centre.",
        "Encourage firms to open a service centre.",
    ],
)
def test_each_cue_marks_a_directive(sentence):
    (directive,) = extract_directives(sentence)
    assert "open a service centre" in directive.text


def test_a_lead_without_a_list_is_itself_the_directive():
    (directive,) = extract_directives("To promote the application of blockchain technology.")
    assert directive.text == "promote the application of blockchain technology"
    assert directive.title == "Promote the application of blockchain technology"


@pytest.mark.parametrize(
    ("sentence", "phrase", "due_on", "cadence"),
    [
        ("We must finish the plan within one year.", "within one year", date(2021, 1, 15), None),
        ("We must finish it within 6 months.", "within 6 months", date(2020, 7, 15), None),
        ("We must finish it within half a year.", "within half a year", date(2020, 7, 15), None),
        ("We must finish it within two weeks.", "within two weeks", date(2020, 1, 29), None),
        (
            "We must list the projects before the end of the first quarter.",
            "before the end of the first quarter",
            date(2020, 3, 31),
            None,
        ),
        (
            "We must do it by the end of the year.",
            "by the end of the year",
            date(2020, 12, 31),
            None,
        ),
        ("We must do it by the end of 2022.", "by the end of 2022", date(2022, 12, 31), None),
        ("We must report progress every month.", "every month", None, "monthly"),
    ],
)
def test_time_limits_suggest_a_deadline_or_a_cadence(sentence, phrase, due_on, cadence):
    (directive,) = extract_directives(sentence)
    limit = directive.time_limit
    assert limit.phrase == phrase
    assert sentence[limit.start : limit.end] == phrase
    assert limit.due_on(date(2020, 1, 15)) == due_on
    assert limit.cadence == cadence


def test_a_quarter_already_past_means_next_year():
    limit = find_time_limit("before the end of the first quarter")
    assert limit.due_on(date(2019, 12, 21)) == date(2020, 3, 31)
    assert limit.due_on(date(2020, 5, 1)) == date(2021, 3, 31)


def test_a_sentence_time_limit_applies_to_each_of_its_clauses():
    text = "Within one year, we must build a lab, and train a team."
    directives = extract_directives(text)
    assert [d.text for d in directives] == ["build a lab", "train a team"]
    assert {d.time_limit.phrase for d in directives} == {"Within one year"}


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert add_months(date(2019, 12, 21), 12) == date(2020, 12, 21)


# Texts made of the pieces the extractor reacts to, so that cues and splits are exercised.
_SPEECHY = st.lists(
    st.sampled_from(
        list("abcdefgh ,.;!?\"'()\n\t，。") + ["must ", "To promote ", "should ", " and ", "to "]
    ),
    max_size=120,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=300), _SPEECHY))
def test_any_text_gives_exact_ordered_spans(text):
    directives = extract_directives(text)
    previous_end = 0
    for directive in directives:
        assert text[directive.start : directive.end] == directive.text
        assert directive.text == directive.text.strip() and directive.text
        assert 0 <= directive.sentence_start <= directive.start
        assert directive.start < directive.end <= directive.sentence_end <= len(text)
        assert directive.start >= previous_end
        previous_end = directive.end
        if directive.time_limit:
            limit = directive.time_limit
            assert text[limit.start : limit.end] == limit.phrase


def test_a_time_limit_inside_one_clause_stays_with_that_clause():
    text = "It is necessary to open a centre within one year, and train 500 engineers."
    first, second = extract_directives(text)
    assert first.time_limit.phrase == "within one year"
    assert second.time_limit is None
