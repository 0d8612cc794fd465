"""Issue 12, "Chinese first": every demo account crawls the app in Chinese and in English.

From /my and / the crawler follows every same-site link (GET only, exports included), bounded:
at most MAX_PAGES pages per account and language, and each path pattern (digits normalised,
with the names of its query parameters) at most PER_PATTERN times. No page may fail with a
5xx; in Chinese, the visible text (text nodes only: no tags, scripts, styles or attribute
values) must show no raw codes (roles, statuses, audit actions), no `\\u` escapes and no English
name of a city or department that has a Chinese name.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import ACCOUNTS
from tracker import audit
from tracker.extensions import db
from tracker.models import City, Department, Role, Status

MAX_PAGES = 120
PER_PATTERN = 3
START = ("/my", "/")
SKIP_PREFIXES = ("/logout", "/static", "/locale/")
# Links that look destructive or change state, even if GET only shows a confirmation.
DESTRUCTIVE = re.compile(r"delete|discard|remove|revoke|cancel|reset|deactivate|logout", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

SEPARATORS = re.compile(r"[·()（）,，:：|\n]")
DOUBLED = re.compile(r"(\S+) · \1(?!\S)")  # "海宁市 · 海宁市"

EMAILS = sorted(set(ACCOUNTS.values()) | {"admin@example.com"})


class _Page(HTMLParser):
    """Collects the hrefs of links and the visible text nodes of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data)


def _crawlable(href: str) -> str | None:
    """The path and query to visit for a link, or None to leave it."""
    if not href.startswith("/") or href.startswith("//"):
        return None
    parts = urlsplit(href)
    path = parts.path
    if path.startswith(SKIP_PREFIXES) or DESTRUCTIVE.search(path):
        return None
    if path.startswith("/calendar/") and path.endswith(".ics"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _pattern(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _raw_codes() -> re.Pattern:
    """Role and status values, dotted audit action codes ("auth.login") and `\\u` escapes."""
    codes = [str(r) for r in Role] + [str(s) for s in Status if "_" in str(s)]
    words = "|".join(re.escape(c) for c in codes)
    prefixes = "auth|item|admin|user|speech|directive|reminder|api_token"
    return re.compile(rf"\b(?:{words})\b|\b(?:{prefixes})\.[a-z_]+\b|\\u[0-9a-fA-F]{{4}}")


def _english_names() -> list[str]:
    rows = list(db.session.scalars(select(City))) + list(db.session.scalars(select(Department)))
    return sorted({r.name for r in rows if r.name_zh}, key=len, reverse=True)


def _crawl(client, problems: list[str], check_text, language: str) -> int:
    queue = deque(START)
    seen: set[str] = set(START)
    patterns: Counter = Counter()
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        pattern = _pattern(url)
        if patterns[pattern] >= PER_PATTERN:
            continue
        patterns[pattern] += 1
        visited += 1
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{language} {url}: {response.status_code}")
            continue
        if response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        if check_text:
            check_text(url, page.text)
        for href in page.links:
            target = _crawlable(href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return visited


@pytest.mark.parametrize("email", EMAILS)
def test_crawl_every_page_in_both_languages(client, login_as, email):
    user = login_as(email)
    # An audit event with Chinese in its details, for the audit log to show (not as \\uXXXX).
    audit.record("item.scheduled", target_type="action_items", actor=user, title="南京市区块链")
    db.session.commit()
    codes = _raw_codes()
    names = set(_english_names())
    problems: list[str] = []

    def check_chinese(url: str, nodes: list[str]) -> None:
        text = EMAIL.sub("", " | ".join(nodes))
        for match in sorted({m.group(0) for m in codes.finditer(text)}):
            problems.append(f"zh {url}: raw code {match!r}")
        # A name is a text node, or a part of one between separators ("南京市 · 发改委 (…)");
        # names inside titles and speech text are the speaker's words, not labels.
        parts = {p.strip() for node in nodes for p in SEPARATORS.split(node)}
        for name in sorted(parts & names):
            problems.append(f"zh {url}: English name {name!r}")
        for node in nodes:
            for match in DOUBLED.finditer(node):
                problems.append(f"zh {url}: name twice {match.group(0)!r}")

    counts = {}
    for language, check in (("zh_Hans", check_chinese), ("en", None)):
        assert client.post(f"/locale/{language}").status_code == 302
        counts[language] = _crawl(client, problems, check, language)
    assert counts["zh_Hans"] > 5 and counts["en"] > 5, counts
    assert not problems, "\n".join(problems)


def test_audit_date_filter_is_not_labelled_as_a_sender(client, login_as):
    """ "From" (来源, where an event came from) is not the first day of the date filter."""
    login_as("admin")
    client.post("/locale/zh_Hans")
    page = client.get("/admin/audit").get_data(as_text=True)
    label = re.search(r'<label for="since">([^<]*)</label>', page)
    assert label and label.group(1) != "来源", label
