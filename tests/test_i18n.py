"""Chinese and English throughout: complete catalogs, no unwrapped text in templates, pages
and emails in the reader's language, Chinese place names in the Chinese interface."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
# Text a template may show without translation: names of languages, symbols.
ALLOWED = {"English", "中文"}


def _visible_text(template: str) -> list[str]:
    """The words a template shows outside Jinja expressions, tags and attributes."""
    text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", template, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&\w+;", " ", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'’]+", text) if w not in ALLOWED]


def test_templates_show_no_unwrapped_words():
    found = {}
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            words = _visible_text(path.read_text(encoding="utf-8"))
            if words:
                found[str(path.relative_to(ROOT))] = words[:8]
    assert found == {}


def test_catalogs_translate_every_message_of_the_code(tmp_path):
    """A fresh extraction from the code and templates; each catalog has every message,
    translated and not fuzzy. (make i18n-update merges new ones in.)"""
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    for locale in ("zh_Hans", "en"):
        catalog = read_po(
            (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb")
        )
        have = {m.id: m for m in catalog if m.id}
        missing = sorted(str(m) for m in wanted - set(have))
        assert missing == [], f"{locale}: run `make i18n-update` and translate {missing[:5]}"
        untranslated = [
            str(m.id)
            for m in have.values()
            if m.id in wanted
            and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
        ]
        assert untranslated == [], f"{locale}: untranslated or fuzzy: {untranslated[:5]}"


def test_a_chinese_speaking_supervisor_sees_chinese(client, login_as):
    login_as("other_supervisor")  # Shen Wei prefers zh_Hans
    my = client.get("/my").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in my
    assert "我的工作" in my and "推进中" in my and "红灯" in my and "人才工作领导小组办公室" in my
    boards = client.get("/boards").get_data(as_text=True)
    assert "各城市督办进度" in boards and "嘉兴市" in boards and "海宁市" in boards
    assert "Progress across cities" not in boards


def test_the_browser_language_applies_until_someone_chooses(client, seeded):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "登录" in page.get_data(as_text=True)
    client.post("/locale/en", data={"next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "Sign in" in page.get_data(as_text=True) and "登录" not in page.get_data(as_text=True)


def test_the_switch_remembers_a_signed_in_users_choice(client, login_as):
    from tracker.extensions import db
    from tracker.models import User

    user = login_as("staff")
    assert user.locale == "en"
    response = client.post("/locale/zh_Hans", data={"next": "/my"})
    assert response.status_code == 302 and response.headers["Location"] == "/my"
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "zh_Hans"
    assert "我的工作" in client.get("/my").get_data(as_text=True)
    assert client.post("/locale/xx", data={}).status_code == 302  # unknown: ignored


def test_a_chinese_recipient_gets_a_chinese_email_that_a_mail_parser_decodes(
    app, seeded, smtp_sink
):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from tests.conftest import TODAY
    from tracker.extensions import db
    from tracker.reminders.planning import plan_due
    from tracker.reminders.sending import send_due

    now = datetime.combine(TODAY, time(23), ZoneInfo("Asia/Shanghai"))
    plan_due(now)
    db.session.commit()
    send_due(now, "test")
    mail = next(
        m
        for m in smtp_sink.messages
        if m["To"].addresses[0].addr_spec.endswith("jiaxing.example.com")
        and "需要办理" in m["Subject"]
    )
    assert mail["Subject"].startswith("督查督办系统：您有")
    assert mail["From"].addresses[0].display_name == "督查督办系统"  # the sender too
    assert mail["To"].addresses[0].display_name  # a Chinese name survives the header encoding
    body = mail.get_body(("plain",)).get_content()
    assert "您好" in body and "报送" in body
    assert mail.get_body(("html",)).get_content_charset() == "utf-8"
    english = next(
        m
        for m in smtp_sink.messages
        if m["To"].addresses[0].addr_spec.endswith("nanjing.example.com") and "need" in m["Subject"]
    )
    assert english["Subject"].startswith("Policy Tracker:")
    assert english["From"].addresses[0].display_name == "Policy Tracker"


def test_commands_speak_the_operators_language(runner, seeded, monkeypatch):
    from flask_babel import refresh

    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    refresh()  # a real command starts with a fresh app context; the test's is shared
    result = runner.invoke(args=["seed"])
    assert "初始数据已存在，未作更改。" in result.output
    refused = runner.invoke(
        args=[
            "import-speech",
            "/nowhere.txt",
            "--city",
            "nanjing",
            "--speaker",
            "X",
            "--date",
            "2026-01-01",
        ]
    )
    assert refused.exit_code == 1 and "无法读取" in refused.output
    monkeypatch.setenv("LANG", "C.UTF-8")
    refresh()
    assert "Seed data already present" in runner.invoke(args=["seed"]).output


def test_a_request_keeps_its_language_and_an_email_inside_it_gets_its_own(app):
    """Translations are looked up once per request and language: an email composed for a
    Chinese reader inside an English request is Chinese, in Python and in templates, and the
    request is English again after it (and the other way round)."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext, refresh

    template = "{{ _('Overdue') }}|{{ ngettext('%(num)d item', '%(num)d items', 2) }}"
    for outer, inner in (("en", "zh_Hans"), ("zh_Hans", "en")):
        with app.test_request_context("/", headers={"Accept-Language": outer.replace("_", "-")}):
            refresh()
            before = (gettext("Overdue"), render_template_string(template))
            with force_locale(inner):
                during = (gettext("Overdue"), render_template_string(template))
            after = (gettext("Overdue"), render_template_string(template))
        english, chinese = (before, during) if outer == "en" else (during, before)
        assert english == ("Overdue", "Overdue|2 items")
        assert chinese == ("已逾期", "已逾期|2项任务")
        assert after == before
