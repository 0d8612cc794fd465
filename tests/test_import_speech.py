"""`tracker import-speech`: a good file becomes a speech with directives and draft items; a bad
one gets a one-line error, a non-zero exit, and writes nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, AuditEvent, City, Directive, Speech

SPEECH = """Mayor Li: Build the digital economy

According to City News, on March 3rd, the city government held a meeting on the digital economy. \
Mayor Li said that it is necessary to open a blockchain service centre within one year, \
publish a list of pilot projects before the end of the first quarter, and report progress \
to the city every month. We must train 500 engineers by the end of 2027.
"""


@pytest.fixture
def city(app):
    city = City(slug="suzhou", name="Suzhou", name_zh="苏州市")
    db.session.add(city)
    db.session.commit()
    return city


def _invoke(runner, path, *extra, city="suzhou", day="2026-03-03"):
    args = ["import-speech", str(path), "--city", city, "--speaker", "Li Ming", "--date", day]
    return runner.invoke(args=[*args, *extra])


def _counts():
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Speech, Directive, ActionItem, AuditEvent)
    ]


def test_import_creates_the_speech_its_directives_and_draft_items(runner, city, tmp_path):
    path = tmp_path / "li.txt"
    path.write_text(SPEECH, encoding="utf-8")
    result = _invoke(runner, path, "--outlet", "City News")
    assert result.exit_code == 0, result.output
    assert "4 directives, 4 draft action items to assign" in result.output

    speech = db.session.scalar(select(Speech))
    assert speech.title == "Mayor Li: Build the digital economy"
    assert speech.text.startswith("According to City News")
    assert (speech.outlet, speech.source_name, speech.language) == ("City News", "li.txt", "en")
    assert [
        (d.source_text, d.time_limit, d.suggested_due_on, d.cadence) for d in speech.directives
    ] == [
        (
            "open a blockchain service centre within one year",
            "within one year",
            date(2027, 3, 3),
            None,
        ),
        (
            "publish a list of pilot projects before the end of the first quarter",
            "before the end of the first quarter",
            date(2026, 3, 31),
            None,
        ),
        ("report progress to the city every month", "every month", None, "monthly"),
        ("train 500 engineers by the end of 2027", "by the end of 2027", date(2027, 12, 31), None),
    ]
    items = db.session.scalars(select(ActionItem).order_by(ActionItem.id)).all()
    assert [i.due_on for i in items] == [d.suggested_due_on for d in speech.directives]
    assert all(i.responsible is None and i.department is None for i in items)
    assert all(i.city == city and i.status == "not_started" for i in items)
    assert items[0].title == "Open a blockchain service centre within one year"


def test_a_title_given_on_the_command_line_wins(runner, city, tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("We must open a centre.", encoding="utf-8")
    result = _invoke(runner, path, "--title", "城市数字经济讲话")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Speech.title)) == "城市数字经济讲话"


BAD_FILES = {
    "empty": (b"", "is empty"),
    "blank": (b"  \n\n \t\n", "is empty"),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "is not a text file (it contains NUL bytes)",
    ),
    "latin-1": (
        "Café society must grow.".encode("latin-1"),
        "is not UTF-8 text (byte 0xe9 at offset 3)",
    ),
    "headline only": (b"Only a headline\n\n", "has a headline but no text"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_in_one_line_and_writes_nothing(runner, city, tmp_path, case):
    content, message = BAD_FILES[case]
    path = tmp_path / "speech.txt"
    path.write_bytes(content)
    before = _counts()
    result = _invoke(runner, path)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _counts() == before


def test_an_unknown_city_is_refused_naming_the_known_ones(runner, city, tmp_path):
    path = tmp_path / "speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    result = _invoke(runner, path, city="atlantis")
    assert result.exit_code == 1
    assert "unknown city 'atlantis' (known: suzhou)" in result.output
    assert _counts() == [0, 0, 0, 0]


def test_a_speech_already_imported_is_refused(runner, city, tmp_path):
    path = tmp_path / "speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    assert _invoke(runner, path).exit_code == 0
    before = _counts()
    copy = tmp_path / "copy.txt"
    copy.write_text(SPEECH, encoding="utf-8")
    result = _invoke(runner, copy, day="2026-04-01")
    assert result.exit_code == 1
    assert "this speech was already imported as speech" in result.output
    assert "(Li Ming, 2026-03-03)" in result.output
    assert _counts() == before


def test_a_missing_file_and_a_bad_date_are_refused(runner, city, tmp_path):
    result = _invoke(runner, tmp_path / "nowhere.txt")
    assert result.exit_code == 1
    assert "nowhere.txt: cannot be read (No such file or directory)" in result.output
    path = tmp_path / "speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    result = _invoke(runner, path, day="2026-13-01")
    assert result.exit_code == 2
    assert "'2026-13-01' does not match the format '%Y-%m-%d'" in result.output
    assert _counts() == [0, 0, 0, 0]
