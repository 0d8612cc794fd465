"""A bounded fuzzer over every route of the app, as every role: hostile path ids, query
parameters, form fields, uploads and JSON bodies. No answer may be a 5xx, a refused change
may write nothing, and afterwards the database still holds together: each item's latest
history entry agrees with the item, no row points at a missing row, no stray evidence.

The routes come from `app.url_map`; the fields of each route from the forms and links of the
pages that lead to it (crawled as each role) and from the query names the code reads. It is
deterministic (`FUZZ_SEED`); `FUZZ_EXAMPLES` requests go to each route, method and role
(the default keeps `make test` near a minute on SQLite; `make fuzz` runs a long one).
"""

from __future__ import annotations

import functools
import io
import logging
import os
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from tests.conftest import ACCOUNTS, DEMO_PASSWORD, FreshContextClient
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    City,
    Department,
    Directive,
    EvidenceFile,
    Reminder,
    Speech,
    StatusUpdate,
    User,
    UserSession,
)
from tracker.speeches.services import MAX_SPEECH_BYTES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "20261122"))
ROLES = ("anonymous", "admin", "supervisor", "staff")
# The fuzzer's requests come from another address than the harness's sign-ins, so that the
# sign-in throttle it provokes never locks the harness out.
FUZZ_ENVIRON = {"REMOTE_ADDR": "203.0.113.9"}
SOURCE = Path(__file__).resolve().parent.parent / "tracker"

INTEGERS = [0, 1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 10**30]
TEXTS = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1" + "0" * 40,
    "1e309",
    "NaN",
    "-0",
    "3.5",
    "0x10",
    "abc",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "10000-01-01",
    "-0001-01-01",
    "2026-13-01",
    "1970-01-01T00:00:00",
    "a\x00b",
    "\x00",
    "x" * 10_000,
    "长" * 3_000,
    "../../etc/passwd",
    "..\\..\\boot.ini",
    "%00",
    "%ff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://evil.example","x")',
    "\r\n",
    "\t",
    "😀\u202e",
    "https://evil.example/",
    "javascript:alert(1)",
    "//evil.example",
    "/\\evil.example",
]
# Raw query or form bytes that are not UTF-8.
INVALID_UTF8 = ["%ff%fe", "%c3%28", "%ed%a0%80", "%80"]
JSON_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    101,
    2**31,
    2**63,
    10**40,
    "",
    "x" * 6_000,
    "a\x00b",
    "\ud800",
    [],
    {},
    {"a": [1, {"b": None}]},
    "in_progress",
    "https://example.org/x",
]
UPLOADS = [
    ("evidence.pdf", b"%PDF-1.4\n%%EOF\n"),
    ("../../../etc/passwd.pdf", b"%PDF-1.4\n"),
    ("..\\..\\evil.txt", b"text"),
    ("nul\x00name.pdf", b"%PDF-1.4\n"),
    ("", b"no name"),
    ("empty.txt", b""),
    ("binary.png", bytes(range(256)) * 16),
    ("x" * 400 + ".pdf", b"%PDF"),
    ("program.exe", b"MZ\x90\x00"),
    ("speech.txt", b"We must act within one year."),
    ("latin1.txt", "caf\xe9".encode("latin-1")),
    ("oversized.pdf", "evidence"),  # one byte beyond the limit named (sizes below)
    ("oversized-speech.txt", "speech"),
    ("oversized-request.pdf", "request"),
]
# The evidence and request limits are lowered for the run, so that "oversized" stays cheap.
EVIDENCE_LIMIT = 64 * 1024
REQUEST_LIMIT = 1024 * 1024

# What a person would type into an empty field of each type, so that whole forms can be
# valid and the fuzzer gets past the first "this field is required" into deeper states.
# "{n}" becomes a number of each request's own, so that a second speech or account is not
# refused as a copy of the first.
PLAUSIBLE = {
    "text": "Fuzz {n}",
    "email": "fuzz{n}@example.org",
    "date": "2026-04-30",
    "number": "1",
    "url": "https://example.org/evidence/{n}",
    "textarea": "We must build registry {n} within one year. 要在年底前建成一批示范项目。",
}
LIMITS = {"evidence": EVIDENCE_LIMIT, "speech": MAX_SPEECH_BYTES, "request": REQUEST_LIMIT}
# Where the real ids of each path argument come from.
ID_SOURCES = {
    "item_id": ActionItem,
    "update_id": StatusUpdate,
    "department_id": Department,
    "speech_id": Speech,
    "directive_id": Directive,
    "user_id": User,
    "reminder_id": Reminder,
}


# ------------------------------------------------------------------ what the pages offer


@dataclass
class FormSpec:
    """A form as a page offers it: where it goes, and the valid values of each field."""

    path: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    multipart: bool = False


class PageParser(HTMLParser):
    """The forms (with every field's offered values) and the links of a page."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[FormSpec] = []
        self.links: list[str] = []
        self._form: FormSpec | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._alternatives: list[FormSpec] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = FormSpec(
                path=a.get("action") or self.page_path,
                method=(a.get("method") or "get").upper(),
                multipart="multipart" in a.get("enctype", ""),
            )
            self._alternatives = []
        elif self._form is None:
            return
        elif tag == "input":
            name, kind = a.get("name"), a.get("type", "text")
            if not name:
                return
            if kind == "file":
                self._form.files.append(name)
                return
            values = self._form.fields.setdefault(name, [])
            values.append(a.get("value", ""))
            if not values[-1] and kind in PLAUSIBLE:
                values.append(PLAUSIBLE[kind])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.fields.setdefault(self._select, [])
        elif tag == "option" and self._select:
            values = self._form.fields[self._select]
            value = a.get("value", "")
            (values.insert(0, value) if "selected" in a else values.append(value))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields.setdefault(self._textarea, [""])
        elif tag == "button":
            if a.get("formaction"):
                self._alternatives.append(FormSpec(path=a["formaction"], method="POST"))
            if a.get("name"):
                self._form.fields.setdefault(a["name"], []).append(a.get("value", ""))

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            empty = ["", PLAUSIBLE["textarea"]]
            self._form.fields[self._textarea] = [data] if data.strip() else empty

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            for other in self._alternatives:
                self.forms.append(
                    FormSpec(other.path, other.method, dict(self._form.fields), self._form.files)
                )
            self._form = None


@dataclass
class Knowledge:
    """What the crawl found: forms per endpoint, valid addresses, query names per endpoint."""

    forms: dict[str, list[FormSpec]] = field(default_factory=lambda: defaultdict(list))
    paths: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    queries: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )


def _names_read_in_code() -> set[str]:
    """Query and form names the views read directly (`request.args.get("page", ...)`)."""
    names = set()
    for source in SOURCE.rglob("*.py"):
        names |= set(
            re.findall(r"(?:args|form)\.get(?:list)?\(\s*\"([A-Za-z_]+)\"", source.read_text())
        )
    return names


# ------------------------------------------------------------------ the harness


class Harness:
    def __init__(self, app, rng: random.Random) -> None:
        self.app = app
        self.rng = rng
        self.adapter = app.url_map.bind("localhost")
        self.knowledge = Knowledge()
        self.code_names = _names_read_in_code()
        self.clients = {}
        self.tokens: dict[str, str] = {}
        self.originals: dict[str, dict] = {}
        self.requests = 0
        self.statuses: dict[int, int] = defaultdict(int)
        self.covered: set[tuple[str, str]] = set()
        self.reached: set[tuple[str, str]] = set()
        self.failures: dict[str, list] = {}
        self.errors = _ErrorLog()
        app.logger.addHandler(self.errors)
        self.view_called = False
        for endpoint, view in list(app.view_functions.items()):
            app.view_functions[endpoint] = self._noting_calls(view)
        for role in ROLES:
            app.test_client_class = FreshContextClient
            self.clients[role] = app.test_client()
            if role != "anonymous":
                user = _user(role)
                self.originals[role] = _account_state(user)
        self.ids = {
            name: db.session.scalars(select(model.id).order_by(model.id)).all()
            for name, model in ID_SOURCES.items()
        }
        self.strings = {
            "slug": db.session.scalars(select(City.slug).order_by(City.slug)).all(),
            "code": ["en", "zh_Hans"],
            "filename": ["tracker.css"],
        }

    def _noting_calls(self, view):
        @functools.wraps(view)
        def noted(*args, **kwargs):
            self.view_called = True
            return view(*args, **kwargs)

        return noted

    # -- accounts

    def ensure_signed_in(self, role: str) -> None:
        """Undo what the fuzzer did to the harness's own accounts (deactivated, demoted,
        renamed, signed out, token revoked), so that each role keeps its part."""
        if role == "anonymous":
            return
        user = _user_by_id(self.originals[role]["id"])
        if _account_state(user) != self.originals[role]:
            for name, value in self.originals[role].items():
                setattr(user, name, value)
            db.session.commit()
        client = self.clients[role]
        if not _session_is_live(self.app, client):
            client.post("/logout")
            response = client.post("/login", data={"email": user.email, "password": DEMO_PASSWORD})
            assert response.status_code == 302, (role, response.status_code)
        if not _token_is_live(self.tokens.get(role)):
            from tracker.api.tokens import issue

            _token, secret = issue(user, "fuzz")
            db.session.commit()
            self.tokens[role] = secret

    # -- crawling

    def crawl(self) -> None:
        """Every GET route as every role, with real ids and by the links the pages offer:
        collect forms, links and query names; no page may fail."""
        for role in ROLES:
            self.ensure_signed_in(role)
            seen = set()
            queue = []
            for rule in self.get_rules():
                queue += self.real_paths(rule, 2) + sorted(self.knowledge.paths[rule.endpoint])
            while queue:
                path = queue.pop(0)
                if path in seen or len(seen) > 500:
                    continue
                seen.add(path)
                self.errors.records.clear()
                response = self.clients[role].get(
                    path, headers=self.auth(role, path), environ_base=FUZZ_ENVIRON
                )
                self.requests += 1
                self.statuses[response.status_code] += 1
                if response.status_code >= 500:
                    trace = self.errors.text()
                    self.fail(("crawl", _last_line(trace)), f"500 {role} GET {path}\n{trace}")
                if response.mimetype != "text/html":
                    continue
                parser = PageParser(urlsplit(path).path)
                parser.feed(response.get_data(as_text=True))
                for form in parser.forms:
                    endpoint = self.endpoint(form.path, form.method)
                    if endpoint:
                        self.knowledge.forms[endpoint].append(form)
                        if form.method == "GET":
                            for name, values in form.fields.items():
                                self.knowledge.queries[endpoint][name].update(values)
                for link in parser.links:
                    parts = urlsplit(link)
                    if parts.netloc or not parts.path.startswith("/"):
                        continue
                    endpoint = self.endpoint(parts.path, "GET")
                    if not endpoint:
                        continue
                    self.knowledge.paths[endpoint].add(parts.path)
                    for name, value in parse_qsl(parts.query, keep_blank_values=True):
                        self.knowledge.queries[endpoint][name].add(value)
                    if parts.query == "" and parts.path not in seen:
                        queue.append(parts.path)

    def read_back(self) -> None:
        """After the writes, every page again as every role (calendar feeds with fresh
        links): whatever the fuzzer managed to store must show."""
        from tracker.calendars.services import issue_token

        for role in ROLES[1:]:
            self.ensure_signed_in(role)
            self.strings["token"].append(issue_token(_user_by_id(self.originals[role]["id"])))
        db.session.commit()
        self.crawl()

    def endpoint(self, path: str, method: str) -> str | None:
        """The endpoint a link or form goes to (remembering the address as a real one)."""
        try:
            endpoint, _args = self.adapter.match(urlsplit(path).path, method=method)
        except HTTPException:  # not found, another method, or a redirect
            return None
        self.knowledge.paths[endpoint].add(urlsplit(path).path)
        return endpoint

    def get_rules(self):
        return [r for r in self.app.url_map.iter_rules() if "GET" in r.methods]

    # -- building requests

    def real_paths(self, rule, count: int) -> list[str]:
        return [self.path(rule, extreme=False) for _ in range(count)]

    def path(self, rule, *, extreme: bool) -> str:
        def value(match):
            name = match.group(2)
            converter = rule._converters[name]
            if isinstance(converter, IntegerConverter):
                real = self.ids.get(name) or [1]
                if extreme:
                    return str(self.rng.choice([*INTEGERS, *real]))
                return str(self.rng.choice(real))
            real = self.strings.get(name) or ["x"]
            if extreme:
                return quote(self.rng.choice([*TEXTS, *real]), safe="")
            return quote(self.rng.choice(real), safe="")

        return re.sub(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>", value, rule.rule) or "/"

    def auth(self, role: str, path: str) -> dict:
        if path.startswith("/api/") and role in self.tokens:
            return {"Authorization": f"Bearer {self.tokens[role]}"}
        return {}

    def hostile_text(self) -> str:
        return self.rng.choice(TEXTS)

    def fuzz_pairs(self, base: dict[str, list[str]], names: set[str]) -> list[tuple[str, str]]:
        """Valid values for most fields; some replaced, dropped, repeated or added."""
        rng = self.rng
        pairs = [
            (name, rng.choice(values).replace("{n}", str(rng.randrange(10**6))) if values else "")
            for name, values in base.items()
        ]
        # Now and then what the page offers, untouched: valid requests reach deeper states.
        for _ in range(0 if rng.random() < 0.15 else rng.randint(1, 3)):
            move = rng.random()
            candidates = sorted(names | set(base))
            if move < 0.55 and candidates:
                name = rng.choice(candidates)
                pairs = [(n, v) for n, v in pairs if n != name] + [(name, self.hostile_text())]
            elif move < 0.7 and pairs:
                pairs.pop(rng.randrange(len(pairs)))
            elif move < 0.85 and candidates:
                pairs.append((rng.choice(candidates), self.hostile_text()))
            else:
                pairs.append((self.hostile_text()[:50] or "x", self.hostile_text()))
        return pairs

    def request(self, role: str, rule, method: str) -> dict:
        rng = self.rng
        endpoint = rule.endpoint
        forms = [f for f in self.knowledge.forms.get(endpoint, []) if f.method == method]
        form = rng.choice(forms) if forms else None
        known_paths = sorted(self.knowledge.paths.get(endpoint, ()))
        roll = rng.random()
        if form is not None and roll < 0.5:
            path = urlsplit(form.path).path
        elif known_paths and roll < 0.6:
            path = rng.choice(known_paths)
        else:
            path = self.path(rule, extreme=roll > 0.8)
        headers = self.auth(role, path)
        if path.startswith("/api/") and rng.random() < 0.1:
            headers = {"Authorization": rng.choice(["Bearer ", "Bearer x", "Basic a", "Bearer ~"])}
        if rng.random() < 0.05:
            headers["Accept-Language"] = rng.choice(["zh-CN,zh;q=0.9", "*;q=x", "x" * 500])
        query_base = {n: sorted(v) for n, v in self.knowledge.queries.get(endpoint, {}).items()}
        query = ""
        if method == "GET" or rng.random() < 0.2:
            names = set(query_base) | self.code_names
            query = urlencode(self.fuzz_pairs(query_base, names))
            if rng.random() < 0.15:
                name = rng.choice(sorted(names) or ["q"])
                query += f"&{name}={rng.choice(INVALID_UTF8)}"
        kwargs: dict = {"query_string": query, "headers": headers}
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            kwargs.update(self.body(path, form))
        return {"method": method, "path": path, **kwargs}

    def body(self, path: str, form: FormSpec | None) -> dict:
        rng = self.rng
        if path.startswith("/api/"):
            return self.json_body(path)
        base = dict(form.fields) if form else {}
        pairs = self.fuzz_pairs(base, set(base) | self.code_names)
        roll = rng.random()
        if roll < 0.08:
            return {"data": b"", "content_type": "application/x-www-form-urlencoded"}
        if roll < 0.16:
            raw = urlencode(pairs).encode() + b"&" + (rng.choice(list(base) or ["x"])).encode()
            raw += b"=" + rng.choice(INVALID_UTF8).encode()
            return {"data": raw, "content_type": "application/x-www-form-urlencoded"}
        if roll < 0.2:
            return {"json": dict(pairs)}
        data = MultiDict(pairs)
        files = list(form.files) if form else []
        if form is not None and (form.multipart or files) or rng.random() < 0.1:
            for name in files or ["file"]:
                if rng.random() < 0.7:
                    filename, content = rng.choice(UPLOADS)
                    if isinstance(content, str):
                        content = b"0" * (LIMITS[content] + 1)
                    data.add(name, (io.BytesIO(content), filename))
            return {"data": data, "content_type": "multipart/form-data"}
        return {"data": data}

    def json_body(self, path: str) -> dict:
        from tracker.api.openapi import REPORT, STATUSES

        rng = self.rng
        roll = rng.random()
        if roll < 0.1:
            return {
                "data": rng.choice([b"", b"{", b"[" * 100_000, b"\xff\xfe", b"null"]),
                "content_type": "application/json",
            }
        if roll < 0.15:
            return {"json": rng.choice(JSON_VALUES)}
        match = re.search(r"/items/(\d{1,9})\b", path)
        item = db.session.get(ActionItem, int(match.group(1))) if match else None
        body = {
            "version": item.version if item else 1,
            "status": rng.choice(STATUSES),
            "progress": rng.randint(0, 100),
            "note": "Fuzzed.",
        }
        for _ in range(rng.randint(0, 3)):
            name = rng.choice([*REPORT["properties"], "unknown"])
            body[name] = rng.choice(JSON_VALUES)
        return {"json": body}

    # -- sending

    def fail(self, kind: tuple, description: str) -> None:
        """Keep the first example of each kind of failure, and how often it happened."""
        kind = repr(kind)
        if kind not in self.failures:
            self.failures[kind] = [description, 0]
        self.failures[kind][1] += 1

    def send(self, role: str, rule, request: dict, *, csrf: bool = False) -> None:
        client = self.clients[role]
        method = request.pop("method")
        guarded = method != "GET" and rule.endpoint not in WRITES_WHEN_REFUSED
        before = _fingerprint() if guarded else None
        self.errors.records.clear()
        self.view_called = False
        start = time.monotonic()
        response = client.open(
            request.pop("path"), method=method, environ_base=FUZZ_ENVIRON, **request
        )
        self.requests += 1
        self.statuses[response.status_code] += 1
        self.covered.add((rule.rule, method))
        signed_out = role == "anonymous" and "/login" in response.headers.get("Location", "")
        if self.view_called and response.status_code not in (401, 403) and not signed_out:
            self.reached.add((rule.rule, method))  # its view answered, not a gate before it
        elapsed = time.monotonic() - start
        described = _describe(role, method, rule, response, request)
        if response.status_code >= 500:
            trace = self.errors.text()
            self.fail((rule.rule, method, _last_line(trace)), f"{described}\n{trace}")
        elif guarded and 400 <= response.status_code < 500 and _fingerprint() != before:
            self.fail((rule.rule, method, "written"), f"refused but written: {described}")
        # Without a token only the router may answer first: 308 to the address with merged
        # slashes, or 404/405.
        refused = 400 <= response.status_code < 500 or response.status_code == 308
        if csrf and not rule.rule.startswith("/api/") and not refused:
            self.fail((rule.rule, method, "csrf"), f"handled without a CSRF token: {described}")
        location = urlsplit(response.headers.get("Location", ""))
        if location.netloc not in ("", "localhost") or location.path.startswith(("//", "/\\")):
            self.fail((rule.rule, method, "redirect"), f"redirect off the site: {described}")
        if response.status_code == 405 and "Allow" not in response.headers:
            self.fail((rule.rule, method, "no Allow"), f"405 without Allow: {described}")
        private = role != "anonymous" and rule.endpoint not in CACHEABLE
        if private and response.headers.get("Cache-Control") != "no-store":
            self.fail((rule.rule, method, "cached"), f"cacheable: {described}")
        if elapsed > 10:
            self.fail((rule.rule, method, "slow"), f"slow ({elapsed:.1f} s): {described}")
        response.close()


# What a signed-in person may get from a cache: style sheets, and the calendar feed (its
# link is the secret; calendar apps poll it).
CACHEABLE = {"static", "calendars.feed"}
# Endpoints whose refusals rightly write: a failed sign-in counts towards the lockout and is
# audited; a reset request is audited whether or not the address is known.
WRITES_WHEN_REFUSED = {"auth.login", "auth.forgot_password", "auth.reset_password"}


class _ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def text(self) -> str:
        """The app's own frames of each logged exception, and the exception itself."""
        lines = []
        for record in self.records:
            if not record.exc_info:
                lines.append(record.getMessage())
                continue
            trace = logging.Formatter().formatException(record.exc_info).splitlines()
            frames = [n for n, line in enumerate(trace) if line.lstrip().startswith("File")]
            own = [n for n in frames if "/tracker/" in trace[n]] or frames[-3:]
            for number in own:
                lines += trace[number : number + 2]
            error = record.exc_info[1]
            lines.append(f"{type(error).__name__}: {str(error).splitlines()[0][:300]}")
        return "\n".join(lines)


def _last_line(trace: str) -> str:
    """The exception of a trace."""
    return trace.splitlines()[-1] if trace else ""


def _describe(role, method, rule, response, request) -> str:
    query = request.get("query_string") or ""
    body = request.get("json", request.get("data"))
    if isinstance(body, MultiDict):
        body = list(body.items(multi=True))
    return (
        f"{response.status_code} {role} {method} {response.request.path}"
        f"{'?' + query[:300] if query else ''} body={str(body)[:500]}"
    )


def _user(role: str) -> User:
    return db.session.scalar(select(User).where(User.email == ACCOUNTS[role]))


def _user_by_id(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


ACCOUNT_FIELDS = ("id", "email", "role", "city_id", "department_id", "is_active", "locale")


def _account_state(user: User) -> dict:
    return {name: getattr(user, name) for name in ACCOUNT_FIELDS}


def _session_is_live(app, client) -> bool:
    from tracker.auth.sessions import SESSION_KEY
    from tracker.models import token_digest

    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return False
    serializer = app.session_interface.get_signing_serializer(app)
    token = serializer.loads(cookie.value).get(SESSION_KEY)
    if not token:
        return False
    row = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == token_digest(token))
    )
    return row is not None and row.revoked_at is None


def _token_is_live(secret: str | None) -> bool:
    from tracker.api.tokens import user_for_bearer

    return secret is not None and user_for_bearer(f"Bearer {secret}") is not None


def _fingerprint() -> tuple:
    """Row counts of every table, and the sum of item versions (every item change bumps it)."""
    db.session.rollback()
    counts = [
        select(func.count()).select_from(table).scalar_subquery()
        for table in db.metadata.sorted_tables
    ]
    versions = select(func.coalesce(func.sum(ActionItem.version), 0)).scalar_subquery()
    return tuple(db.session.execute(select(*counts, versions)).one())


# ------------------------------------------------------------------ invariants


def broken_invariants(app) -> list[str]:
    """What a sound database never shows, whatever requests came before."""
    db.session.rollback()
    problems = []
    latest = (
        select(StatusUpdate.item_id, func.max(StatusUpdate.id).label("id"))
        .group_by(StatusUpdate.item_id)
        .subquery()
    )
    disagreeing = db.session.execute(
        select(
            ActionItem.id,
            ActionItem.status,
            ActionItem.progress,
            StatusUpdate.to_status,
            StatusUpdate.to_progress,
        )
        .join(latest, latest.c.item_id == ActionItem.id)
        .join(StatusUpdate, StatusUpdate.id == latest.c.id)
        .where(
            (StatusUpdate.to_status != ActionItem.status)
            | (StatusUpdate.to_progress != ActionItem.progress)
        )
    ).all()
    problems += [
        f"item {row[0]} is {row[1]}/{row[2]} but its history ends {row[3]}/{row[4]}"
        for row in disagreeing
    ]
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            referenced = key.column.table.alias("referenced")
            column, target = key.parent, referenced.c[key.column.name]
            orphans = db.session.scalar(
                select(func.count())
                .select_from(table.outerjoin(referenced, column == target))
                .where(column.is_not(None), target.is_(None))
            )
            if orphans:
                problems.append(f"{orphans} rows of {table.name}.{column.name} point nowhere")
    # Evidence lives in the database: nothing on disk, and no file without its report.
    folder = Path(app.instance_path) / "evidence"
    if folder.is_dir():
        problems += [f"evidence file {p} left on disk" for p in folder.rglob("*") if p.is_file()]
    used = select(StatusUpdate.evidence_file_id).where(StatusUpdate.evidence_file_id.is_not(None))
    unused = db.session.scalar(
        select(func.count()).select_from(EvidenceFile).where(EvidenceFile.id.not_in(used))
    )
    if unused:
        problems.append(f"{unused} evidence files belong to no report")
    return problems


# ------------------------------------------------------------------ the test


@pytest.fixture
def fuzz_material(app, seeded):
    """The demo, plus a draft speech to review, a failed message to retry, a calendar link
    and a password reset link, so that every route has something real behind it."""
    from tracker.auth.services import request_password_reset
    from tracker.calendars.services import issue_token
    from tracker.models import ReminderKind, ReminderState
    from tracker.speeches.services import import_speech

    app.config.update(EVIDENCE_MAX_BYTES=EVIDENCE_LIMIT, MAX_CONTENT_LENGTH=REQUEST_LIMIT)
    supervisor = _user("supervisor")
    import_speech(
        "We must build a registry within one year. We should train staff every month.",
        city=supervisor.city,
        speaker="Fuzz",
        delivered_on=date(2026, 3, 1),
        actor=supervisor,
        draft=True,
    )
    db.session.add(
        Reminder(
            key="fuzz-failed",
            kind=ReminderKind.DAILY,
            recipient=_user("staff"),
            period_on=date(2026, 3, 16),
            state=ReminderState.FAILED,
            last_error="550 mailbox unavailable",
        )
    )
    calendar = issue_token(_user("staff"))
    _user_obj, reset = request_password_reset(ACCOUNTS["other_staff"])
    db.session.commit()
    return {"token": [calendar, reset]}


@pytest.fixture
def harness(app, fuzz_material):
    harness = Harness(app, random.Random(SEED))
    harness.strings.update(fuzz_material)
    # One log line per request would drown the failures (and slow the run); errors stay.
    requests_log = logging.getLogger("tracker.requests")
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    try:
        yield harness
    finally:
        requests_log.setLevel(level)
        app.logger.removeHandler(harness.errors)


def test_fuzz_every_route_as_every_role(app, harness):
    """Crawl, fuzz every route, method and role, again with CSRF protection on, and read
    every page back; then check the database."""
    assert broken_invariants(app) == []
    started = time.monotonic()
    harness.crawl()
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    for rule in rules:
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for role in ROLES:
            harness.ensure_signed_in(role)
            for method in methods:
                for _ in range(EXAMPLES):
                    harness.send(role, rule, harness.request(role, rule, method))
            # Methods the route does not take: OPTIONS answers, the other a 405 with Allow.
            for method in ("OPTIONS", harness.rng.choice(["PUT", "DELETE", "PATCH"])):
                harness.send(role, rule, harness.request(role, rule, method))
    # As in production: without a CSRF token no page's POST reaches its handler.
    for role in ROLES:
        harness.ensure_signed_in(role)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for rule in rules:
            for role in ROLES:
                for _ in range(max(1, EXAMPLES // 4) if "POST" in rule.methods else 0):
                    harness.send(role, rule, harness.request(role, rule, "POST"), csrf=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    harness.read_back()
    elapsed = time.monotonic() - started
    problems = [f"({count}x) {example}" for example, count in harness.failures.values()]
    problems += broken_invariants(app)
    declared = {(r.rule, m) for r in rules for m in r.methods - {"HEAD", "OPTIONS"}}
    report = (
        f"fuzz: {harness.requests} requests in {elapsed:.0f} s; of {len(declared)} route "
        f"methods {len(declared & harness.covered)} fuzzed, {len(declared & harness.reached)} "
        f"answered by their view; statuses {dict(sorted(harness.statuses.items()))}"
    )
    print(report, "\nnever answered by the view:", sorted(declared - harness.reached))
    assert not problems, report + "\n\n" + "\n\n".join(problems[:30])
