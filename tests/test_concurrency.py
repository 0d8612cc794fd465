"""Races against a real server: gunicorn with 3 workers on the test database, with CSRF on as
in production and the demo seeded. Web clients sign in, load the form and post it with their
own session cookie and CSRF token; API clients post with their own token; a barrier releases
all the racing requests at the same instant. Each test prints its figures (`pytest -s`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select

from tests.conftest import ACCOUNTS, DEMO_PASSWORD, TODAY
from tracker.api import tokens
from tracker.extensions import db
from tracker.models import ActionItem, AuditEvent, Instruction, StatusUpdate, User, utcnow

GUNICORN = Path(sys.executable).parent / "gunicorn"
PROJECT = Path(__file__).resolve().parents[1]
WORKERS = 3
TIMEOUT = 30  # seconds for any one request
ITEM = "Compile the list of major blockchain projects for the year"  # wang.lei's, at risk
WORKING = ("in_progress", "at_risk", "blocked")


# ---------------------------------------------------------------- the server


class Server:
    """A gunicorn master started by this module, and its stderr log."""

    def __init__(self, process: subprocess.Popen, url: str, log: Path) -> None:
        self.process = process
        self.url = url
        self.log = log

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")

    def workers(self) -> list[int]:
        """The live worker processes (Linux: the master's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            try:
                healthy = requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                healthy = False
            if healthy and len(self.workers()) == WORKERS:
                return
            time.sleep(0.1)
        pytest.fail(f"gunicorn was not ready with {WORKERS} workers in {seconds}s:\n{self.tail()}")

    def stop(self) -> None:
        """Quick shutdown (SIGINT), then SIGKILL to the process group it leads if need be."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def tail(self, lines: int = 200) -> str:
        return "\n".join(self.log_since(0).splitlines()[-lines:])


@pytest.fixture(scope="module")
def gunicorn_server(migrated_url, tmp_path_factory):
    """`gunicorn wsgi:app` as configured by gunicorn.conf.py, with 3 workers, on the test
    database and a loopback socket bound here (passed as fd://, so no port race)."""
    folder = tmp_path_factory.mktemp("gunicorn")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    port = listener.getsockname()[1]
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "MAIL_SERVER", "SECRET_KEY")
        and not name.startswith("TRACKER_")
    }
    env.update(
        DATABASE_URL=migrated_url,
        TRACKER_INSTANCE_PATH=str(folder / "instance"),
        SECRET_KEY=uuid.uuid4().hex,
        TRACKER_TODAY=TODAY.isoformat(),  # the day the tests seed the demo for
    )
    log = folder / "stderr.log"
    command = [
        str(GUNICORN),
        "--config",
        str(PROJECT / "gunicorn.conf.py"),
        "--workers",
        str(WORKERS),
        "--bind",
        f"fd://{listener.fileno()}",
        "wsgi:app",
    ]
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,  # gunicorn's access log; the app logs requests to stderr
            stderr=stderr,
            pass_fds=(listener.fileno(),),
            start_new_session=True,
        )
    listener.close()
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture
def server(gunicorn_server, seeded):
    """The running server over the freshly seeded demo; the server's stderr of this test is
    printed at the end, which pytest shows when the test fails."""
    start = gunicorn_server.log_size()
    yield gunicorn_server
    lines = gunicorn_server.log_since(start).splitlines()
    print(f"--- gunicorn stderr during this test: last 300 of {len(lines)} lines ---")
    print("\n".join(lines[-300:]))
    assert gunicorn_server.process.poll() is None, "gunicorn died during the test"


# ---------------------------------------------------------------- clients


@dataclass
class Form:
    action: str
    values: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values[name][0]


class FormParser(HTMLParser):
    """The forms of a page: inputs, selected and offered options (select options, checkboxes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form":
            self._form = Form(attributes.get("action") or "")
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and name and attributes.get("type") in ("checkbox", "radio"):
            value = attributes.get("value") or ""
            self._form.options.setdefault(name, []).append(value)
            if "checked" in attributes:
                self._form.values.setdefault(name, []).append(value)
        elif tag == "input" and name:
            self._form.values.setdefault(name, []).append(attributes.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self._form.options[name] = []
            self._form.values.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            self._form.options[self._select].append(value)
            if "selected" in attributes:
                self._form.values[self._select].append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


class Browser:
    """One person's browser: its own cookie jar, hence its own session and CSRF token."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def form(self, path: str, action: str, having: str = "csrf_token") -> Form:
        """Load `path` and return its form posting to `action` with a field `having`."""
        response = self.http.get(self.url + path, timeout=TIMEOUT, allow_redirects=False)
        assert response.status_code == 200, f"GET {path}: {response.status_code}"
        parser = FormParser()
        parser.feed(response.text)
        forms = [f for f in parser.forms if f.action == action and having in f.values]
        assert len(forms) == 1, f"GET {path}: {len(forms)} forms posting to {action!r}"
        return forms[0]

    def post(self, path: str, data, **kwargs) -> requests.Response:
        return self.http.post(
            self.url + path, data=data, timeout=TIMEOUT, allow_redirects=False, **kwargs
        )

    def login_form(self) -> Form:
        return self.form("/login", "/login")

    def sign_in(self, email: str, password: str, form: Form | None = None) -> requests.Response:
        form = form or self.login_form()
        data = {"csrf_token": form.value("csrf_token"), "next": "", "email": email}
        return self.post("/login", {**data, "password": password})

    def report_form(self, item_id: int) -> Form:
        return self.form(f"/items/{item_id}", f"/items/{item_id}/report")

    def report(self, item_id: int, csrf_token: str | None, report: dict) -> requests.Response:
        data = {key: str(value) for key, value in report.items()}
        if csrf_token is not None:
            data["csrf_token"] = csrf_token
        # multipart with an empty file part, as a browser sends the form when no file is chosen
        empty_file = {"evidence_file": ("", b"", "application/octet-stream")}
        return self.post(f"/items/{item_id}/report", {**data, "evidence_url": ""}, files=empty_file)

    def close(self) -> None:
        self.http.close()


class ApiClient:
    """A system using the JSON API with its own personal token."""

    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {secret}"

    def item(self, item_id: int) -> dict:
        response = self.http.get(f"{self.url}/api/v1/items/{item_id}", timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return response.json()

    def report(self, item_id: int, report: dict) -> requests.Response:
        return self.http.post(
            f"{self.url}/api/v1/items/{item_id}/updates", json=report, timeout=TIMEOUT
        )

    def close(self) -> None:
        self.http.close()


def parallel(calls: list[Callable]) -> list:
    """Run the calls on their own threads (not synchronised); their results in order."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def race(calls: list[Callable[[], requests.Response]]) -> list[requests.Response | Exception]:
    """Run every call on its own thread, all released at the same instant by a barrier; a
    failed connection is returned as its exception."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=TIMEOUT)
        try:
            return call()
        except requests.RequestException as error:
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def tally(results) -> Counter:
    """Responses by status code; connection failures by exception name."""
    return Counter(
        r.status_code if isinstance(r, requests.Response) else type(r).__name__ for r in results
    )


def server_errors(counts: Counter) -> int:
    return sum(n for code, n in counts.items() if not isinstance(code, int) or code >= 500)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _fresh() -> None:
    """End the test's transaction, so the next query sees what the server committed."""
    db.session.rollback()
    db.session.expire_all()


def _item(title: str = ITEM) -> ActionItem:
    return db.session.scalar(select(ActionItem).where(ActionItem.title == title))


def _updates(item_id: int) -> list[StatusUpdate]:
    return list(
        db.session.scalars(
            select(StatusUpdate).where(StatusUpdate.item_id == item_id).order_by(StatusUpdate.id)
        )
    )


# ---------------------------------------------------------------- 1. reports


ROUNDS = 5
WEB_CLIENTS = 25
API_CLIENTS = 25


def _planned_report(client: int, round_: int, seen: dict) -> dict:
    """Half note-only (the same status and progress as the item: the saves that once went
    through twice), half a change of status and progress; the note is a unique marker."""
    marker = f"race-r{round_}-c{client}-{uuid.uuid4().hex[:10]}"
    if client % 2 == 0:
        return {**seen, "note": marker}
    return {
        "version": seen["version"],
        "status": WORKING[(client + round_) % len(WORKING)],
        "progress": (seen["progress"] + 1 + client % 40) % 101,  # never the seen value
        "note": marker,
    }


def test_fifty_reports_on_one_version_exactly_one_wins_per_round(server, app):
    owner = _user(ACCOUNTS["staff"])
    owner_id, email = owner.id, owner.email  # plain values: the clients' threads have no app
    item = _item()
    assert item.responsible_id == owner_id and str(item.status) in WORKING
    item_id, first_version = item.id, item.version
    history_before = len(_updates(item_id))
    audit_before = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.target_type == "action_items", AuditEvent.target_id == item_id)
    )
    secrets = [tokens.issue(owner, f"race {n}")[1] for n in range(API_CLIENTS)]
    db.session.commit()
    started = time.monotonic()
    browsers = [Browser(server.url) for _ in range(WEB_CLIENTS)]
    apis = [ApiClient(server.url, secret) for secret in secrets]
    try:
        # Many sessions of the owner, signed in at once.
        signed_in = tally(parallel([lambda b=b: b.sign_in(email, DEMO_PASSWORD) for b in browsers]))
        assert signed_in == {302: WEB_CLIENTS}, f"sign-ins: {dict(signed_in)}"
        requests_sent = WEB_CLIENTS * 2

        # CSRF is on in this server: no token, or another session's token, is refused.
        form = browsers[0].report_form(item_id)
        seen = {"version": form.value("version"), "status": form.value("status")}
        seen["progress"] = form.value("progress")
        other_token = browsers[1].report_form(item_id).value("csrf_token")
        without = browsers[0].report(item_id, None, {**seen, "note": "no token"})
        foreign = browsers[0].report(item_id, other_token, {**seen, "note": "foreign token"})
        requests_sent += 4
        assert (without.status_code, foreign.status_code) == (400, 400)

        counts: Counter = Counter()
        winners: list[tuple[str, int, str]] = []  # (web or api, client, marker)
        markers: list[str] = []
        version = first_version
        for round_ in range(ROUNDS):
            # Everyone loads the item: all see the same version.
            loaded = parallel(
                [lambda b=b: b.report_form(item_id) for b in browsers]
                + [lambda a=a: a.item(item_id) for a in apis]
            )
            requests_sent += len(loaded)
            forms, details = loaded[:WEB_CLIENTS], loaded[WEB_CLIENTS:]
            seen_web = {
                (int(f.value("version")), f.value("status"), int(f.value("progress")))
                for f in forms
            }
            seen_api = {(d["version"], d["status"], d["progress"]) for d in details}
            assert seen_web == seen_api and len(seen_web) == 1, (seen_web, seen_api)
            ((seen_version, seen_status, seen_progress),) = seen_web
            assert seen_version == version
            seen = {"version": seen_version, "status": seen_status, "progress": seen_progress}

            plans = [_planned_report(n, round_, seen) for n in range(WEB_CLIENTS + API_CLIENTS)]
            markers += [plan["note"] for plan in plans]
            calls = [
                lambda b=b, f=f, p=p: b.report(item_id, f.value("csrf_token"), p)
                for b, f, p in zip(browsers, forms, plans[:WEB_CLIENTS], strict=True)
            ] + [
                lambda a=a, p=p: a.report(item_id, p)
                for a, p in zip(apis, plans[WEB_CLIENTS:], strict=True)
            ]
            results = race(calls)
            requests_sent += len(results)
            round_counts = tally(results)
            counts += round_counts
            figures = f"round {round_ + 1}/{ROUNDS}: {dict(round_counts)}"
            assert server_errors(round_counts) == 0, figures
            accepted = [
                n
                for n, r in enumerate(results)
                if (n < WEB_CLIENTS and r.status_code == 302) or r.status_code == 201
            ]
            assert len(accepted) == 1, f"{len(accepted)} accepted in {figures}"
            assert round_counts[409] == len(results) - 1, figures
            (winner,) = accepted
            if winner < WEB_CLIENTS:
                location = urlsplit(results[winner].headers["Location"]).path
                assert location == f"/items/{item_id}", location
            channel = "web" if winner < WEB_CLIENTS else "api"
            winners.append((channel, winner, plans[winner]["note"]))
            # The losers are told why, with the current version; a form keeps what was typed.
            for n, response in enumerate(results):
                if n == winner:
                    continue
                if n < WEB_CLIENTS:
                    assert plans[n]["note"] in response.text, f"client {n}: note lost, {figures}"
                else:
                    assert response.json()["version"] == version + 1, response.text

            _fresh()
            new = _updates(item_id)[history_before + round_ :]
            assert [u.note for u in new] == [plans[winner]["note"]], figures
            assert (str(new[0].to_status), new[0].to_progress) == (
                plans[winner]["status"],
                plans[winner]["progress"],
            )
            assert new[0].author_id == owner_id
            version += 1
            assert _item().version == version, figures

        elapsed = time.monotonic() - started
        _fresh()
        item = _item()
        history = _updates(item_id)
        notes = Counter(u.note for u in history)
        winning = [marker for _channel, _client, marker in winners]
        summary = (
            f"{db.engine.dialect.name}: {ROUNDS} rounds x {WEB_CLIENTS} web + {API_CLIENTS} API "
            f"clients; {requests_sent} requests in {elapsed:.1f}s, racing {dict(counts)}, "
            f"5xx {server_errors(counts)}; winners "
            + ", ".join(f"{channel} client {client}" for channel, client, _marker in winners)
        )
        print("\n" + summary)
        assert item.version == first_version + ROUNDS, summary
        assert len(history) == history_before + ROUNDS, summary
        assert all(notes[m] == 1 for m in winning), summary
        assert not any(notes[m] for m in markers if m not in winning), summary
        assert (str(item.status), item.progress) == (
            str(history[-1].to_status),
            history[-1].to_progress,
        ), summary
        audited = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.target_type == "action_items", AuditEvent.target_id == item_id)
        )
        assert audited == audit_before + ROUNDS, summary
    finally:
        for client in [*browsers, *apis]:
            client.close()


# ---------------------------------------------------------------- 2. lockout


@pytest.mark.parametrize("attempts", [4, 5, 10])
def test_concurrent_wrong_passwords_are_all_counted_and_lock_the_account(server, app, attempts):
    email = ACCOUNTS["other_staff"]
    user_id = _user(email).id
    browsers = [Browser(server.url) for _ in range(attempts + 1)]
    try:
        forms = parallel([b.login_form for b in browsers[:attempts]])
        started = time.monotonic()
        results = race(
            [
                lambda b=b, f=f: b.sign_in(email, "not-the-password", f)
                for b, f in zip(browsers[:attempts], forms, strict=True)
            ]
        )
        counts = tally(results)
        pages = [(r.status_code, r.text) for r in results if isinstance(r, requests.Response)]
        wrong = sum(code == 200 and "Email or password is not right" in t for code, t in pages)
        locked = sum(code == 429 and "locked" in t for code, t in pages)
        _fresh()
        counted = db.session.get(User, user_id).failed_logins
        right = browsers[-1].sign_in(email, DEMO_PASSWORD)
        elapsed = time.monotonic() - started
        _fresh()
        user = db.session.get(User, user_id)
        failed_audited = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "auth.login_failed", AuditEvent.target_id == user_id)
        )
        summary = (
            f"{db.engine.dialect.name}: {attempts} simultaneous wrong passwords -> "
            f"{dict(counts)} ({wrong} 'not right', {locked} 'locked'), 5xx "
            f"{server_errors(counts)}; then the right one -> {right.status_code}; "
            f"failed_logins {counted} before it, locked_until={user.locked_until}; "
            f"{elapsed:.1f}s"
        )
        print("\n" + summary)
        assert wrong + locked == attempts, summary  # no 5xx, no CSRF refusal, no sign-in
        assert failed_audited == wrong, summary
        if attempts < 5:
            # Every failure counted (none lost to a concurrent write), and not yet a lock.
            assert wrong == counted == attempts and right.status_code == 302, summary
            assert user.locked_until is None and user.failed_logins == 0, summary
        else:
            assert right.status_code == 429 and "locked" in right.text, summary
            assert user.locked_until is not None and user.locked_until > utcnow(), summary
            # Attempts are counted before the password is checked: however many arrive
            # at once, exactly five passwords are tried before the lock.
            assert wrong == 5, summary
    finally:
        for browser in browsers:
            browser.close()


# ---------------------------------------------------------------- 3. co-owners


ASSIGN_ROUNDS = 6


def test_two_supervisors_assign_co_owners_at_once_exactly_one_wins(server, app):
    email = ACCOUNTS["supervisor"]
    item = _item()
    item_id, version = item.id, item.version
    browsers = [Browser(server.url) for _ in range(2)]
    started = time.monotonic()
    try:
        assert [
            r.status_code
            for r in parallel([lambda b=b: b.sign_in(email, DEMO_PASSWORD) for b in browsers])
        ] == [302, 302]
        counts: Counter = Counter()
        outcomes = []
        for round_ in range(ASSIGN_ROUNDS):
            forms = parallel(
                [lambda b=b: b.form(f"/items/{item_id}/assign", "", "version") for b in browsers]
            )
            assert {f.value("version") for f in forms} == {str(version)}
            form = forms[0]
            responsible = form.value("responsible")
            staff = [o for o in form.options["co_owners"] if o and o != responsible]
            assert len(staff) >= 3, form.options
            choices = [
                {staff[round_ % len(staff)]},
                {staff[(round_ + 1) % len(staff)], staff[(round_ + 2) % len(staff)]},
            ]
            calls = [
                lambda b=b, f=f, c=c: b.post(
                    f"/items/{item_id}/assign",
                    [
                        ("csrf_token", f.value("csrf_token")),
                        ("version", f.value("version")),
                        ("department", f.value("department")),
                        ("responsible", f.value("responsible")),
                        *[("co_owners", o) for o in sorted(c)],
                    ],
                )
                for b, f, c in zip(browsers, forms, choices, strict=True)
            ]
            results = race(calls)
            round_counts = tally(results)
            counts += round_counts
            figures = f"round {round_ + 1}/{ASSIGN_ROUNDS}: {dict(round_counts)}"
            assert round_counts == {302: 1, 409: 1}, figures
            winner = next(n for n, r in enumerate(results) if r.status_code == 302)
            outcomes.append(winner)
            _fresh()
            item = _item()
            version += 1
            assert item.version == version, figures
            assert {str(u.id) for u in item.co_owners} == choices[winner], figures
        elapsed = time.monotonic() - started
        audited = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "item.assigned",
                AuditEvent.target_type == "action_items",
                AuditEvent.target_id == item_id,
            )
        )
        summary = (
            f"{db.engine.dialect.name}: {ASSIGN_ROUNDS} rounds x 2 supervisor sessions; "
            f"{dict(counts)}, 5xx {server_errors(counts)}; winners {outcomes}; {elapsed:.1f}s"
        )
        print("\n" + summary)
        assert audited == ASSIGN_ROUNDS, summary
    finally:
        for browser in browsers:
            browser.close()


# ---------------------------------------------------------------- 4. the 督办 cycle

PENDING = "Propose a blockchain pilot zone to the provincial government"  # a pending extension
FRESH = "Map blockchain firms for the integrated-innovation directory"  # not yet acknowledged


def _api(server, who: str) -> ApiClient:
    _token, secret = tokens.issue(_user(ACCOUNTS[who]), "race")
    db.session.commit()
    return ApiClient(server.url, secret)


def test_the_cycle_s_calls_race_with_one_winner_and_instructions_are_never_lost(server, app):
    """Ten decisions of one extension request, ten acknowledgements of one version, and ten
    instructions raced against ten reports: one decision, one acknowledgement, every
    instruction kept (it bumps the version where it stands; the reports of the older
    version then get 409)."""
    supervisors = [_api(server, "supervisor") for _ in range(10)]
    staff = [_api(server, "staff") for _ in range(10)]
    leaders = [_api(server, "leader") for _ in range(10)]
    try:
        pending = _item(PENDING)
        request_id, due = pending.extension_requests[0].id, pending.due_on
        decisions = race(
            [
                lambda c=c, n=n: c.http.post(
                    f"{c.url}/api/v1/extension-requests/{request_id}/decision",
                    json={"approve": n % 2 == 0, "note": f"decision {n}"},
                    timeout=TIMEOUT,
                )
                for n, c in enumerate(supervisors)
            ]
        )
        counts = tally(decisions)
        assert counts == {200: 1, 409: 9}, counts
        _fresh()
        (request,) = _item(PENDING).extension_requests
        winner = next(r.json() for r in decisions if r.status_code == 200)
        assert request.state == winner["state"] and request.decision_note == winner["note"]
        assert (_item(PENDING).due_on != due) == (winner["state"] == "approved")
        decided = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.in_(["item.extension_approved", "item.extension_refused"]))
        )
        assert decided == 1

        fresh = _item(FRESH)
        acks = race(
            [
                lambda c=c: c.http.post(
                    f"{c.url}/api/v1/items/{fresh.id}/acknowledge",
                    json={"version": fresh.version},
                    timeout=TIMEOUT,
                )
                for c in staff
            ]
        )
        counts = tally(acks)
        assert counts[200] == 1 and counts[200] + counts[409] + counts[422] == 10, counts

        _fresh()
        item = _item(ITEM)
        before = len(item.updates)
        instructed = race(
            [
                lambda c=c, n=n: c.http.post(
                    f"{c.url}/api/v1/items/{item.id}/instructions",
                    json={"text": f"批示 {n}"},
                    timeout=TIMEOUT,
                )
                for n, c in enumerate(leaders)
            ]
            + [
                lambda c=c, n=n: c.report(
                    item.id, {"version": item.version, "status": "in_progress", "progress": n}
                )
                for n, c in enumerate(staff)
            ]
        )
        counts = tally(instructed)
        print(f"\n{db.engine.dialect.name}: instructions raced against reports: {dict(counts)}")
        assert server_errors(counts) == 0, counts
        assert sum(1 for r in instructed[:10] if r.status_code == 201) == 10, counts
        _fresh()
        texts = {i.text for i in db.session.scalars(select(Instruction))}
        assert {f"批示 {n}" for n in range(10)} <= texts
        item = _item(ITEM)
        assert len(item.updates) - before == sum(1 for r in instructed[10:] if r.status_code == 201)
    finally:
        for client in supervisors + staff + leaders:
            client.close()
