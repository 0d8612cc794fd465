"""CSRF protection on every state-changing route, found from the route table."""

import re

import pytest

from tests.conftest import ACCOUNTS, DEMO_PASSWORD


def _post_rules(app):
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if {"POST", "PUT", "PATCH", "DELETE"} & set(rule.methods or ())
    )


def test_every_state_changing_route_refuses_a_request_without_a_csrf_token(app, client, seeded):
    app.config["WTF_CSRF_ENABLED"] = True
    rules = _post_rules(app)
    assert "/items/<int:item_id>/report" in rules and "/login" in rules
    for rule in rules:
        path = re.sub(r"<[^>]+>", "1", rule)
        response = client.post(path, data={"email": ACCOUNTS["staff"], "password": DEMO_PASSWORD})
        if rule.startswith("/api/"):
            # The API takes no cookies, only bearer tokens: without one it is refused.
            assert response.status_code == 401, rule
            continue
        assert response.status_code == 400, rule
        assert "CSRF" in response.get_data(as_text=True), rule


@pytest.mark.parametrize("page", ["/login", "/password/forgot"])
def test_forms_carry_a_csrf_token(app, client, page):
    app.config["WTF_CSRF_ENABLED"] = True
    assert 'name="csrf_token"' in client.get(page).get_data(as_text=True)


def test_html_responses_carry_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if "script-src" in part)
    assert "'unsafe-inline'" not in script_src and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here
    secure = client.get("/login", base_url="https://tracker.example.gov")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_templates_have_no_inline_scripts_or_event_handlers():
    from pathlib import Path

    for template in (Path(__file__).resolve().parent.parent / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son[a-z]+=", text), template


def test_session_cookie_is_httponly_lax_and_secure_behind_tls(make_app, migrated_url, seeded):
    from tests.conftest import FreshContextClient

    for https, secure in ((False, False), (True, True)):
        app = make_app(migrated_url, TRACKER_HTTPS=https, SESSION_COOKIE_SECURE=https)
        app.test_client_class = FreshContextClient
        with app.app_context():
            response = app.test_client().post(
                "/login",
                data={"email": ACCOUNTS["staff"], "password": DEMO_PASSWORD},
                base_url="https://localhost" if https else "http://localhost",
            )
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_only_trusted_hosts_are_answered(make_app, migrated_url):
    app = make_app(migrated_url, TRUSTED_HOSTS=["tracker.example.gov"])
    with app.app_context():
        client = app.test_client()
        assert client.get("/login", base_url="http://tracker.example.gov").status_code == 200
        assert client.get("/login", base_url="http://evil.example.com").status_code == 400


def test_an_oversized_request_gets_413_not_a_crash(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Use at least 12 characters."),
        ("password1234", "among the most common"),
        ("aaaaaaaaaaaaaaaa", "among the most common"),
        ("Wang.Lei@Nanjing.example.com", "Do not use your email address"),
    ],
)
def test_weak_new_passwords_are_refused(client, login_as, password, message):
    login_as("staff")
    response = client.post(
        "/account/password",
        data={"current": DEMO_PASSWORD, "password": password, "confirm": password},
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_healthz_reports_database_scheduler_and_outbox(client, make_app):
    body = client.get("/healthz").get_json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "scheduler_leader": False,
        "last_tick_age_seconds": None,
        "outbox_pending": 0,
        "outbox_failed": 0,
    }
    broken = make_app("sqlite:////nonexistent-folder/tracker.db")
    with broken.app_context():
        response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"


def test_requests_are_logged_with_their_request_id(make_app, migrated_url, capfd):
    import json

    app = make_app(migrated_url, TRACKER_LOG_JSON=True)
    with app.app_context():
        response = app.test_client().get("/login", headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    lines = [json.loads(x) for x in capfd.readouterr().err.splitlines() if x.startswith("{")]
    entry = next(x for x in lines if x.get("path") == "/login")
    assert entry["request_id"] == "req-42" and entry["status"] == 200 and entry["method"] == "GET"


def test_each_request_says_its_statements_and_their_time(make_app, migrated_url, capfd):
    """The request log line, and with TRACKER_SERVER_TIMING the Server-Timing header, count
    the request's SQL statements: as many as the engine ran for it."""
    import json

    from sqlalchemy import event

    from tracker.extensions import db

    app = make_app(migrated_url, TRACKER_LOG_JSON=True, SERVER_TIMING=True)
    ran = []
    with app.app_context():
        listener = lambda *args: ran.append(args[2])  # noqa: E731
        event.listen(db.engine, "after_cursor_execute", listener)
        try:
            response = app.test_client().get("/healthz")
        finally:
            event.remove(db.engine, "after_cursor_execute", listener)
    timing = re.fullmatch(
        r'db;dur=([\d.]+);desc="(\d+) statements"', response.headers["Server-Timing"]
    )
    assert timing and int(timing.group(2)) == len(ran) > 0
    lines = [json.loads(x) for x in capfd.readouterr().err.splitlines() if x.startswith("{")]
    entry = next(x for x in lines if x.get("path") == "/healthz")
    assert entry["statements"] == len(ran) and entry["db_ms"] == float(timing.group(1))
    plain = make_app(migrated_url)
    with plain.app_context():
        assert "Server-Timing" not in plain.test_client().get("/healthz").headers


def test_a_request_cannot_forge_a_log_line(make_app, migrated_url, capfd):
    """A line break in the path is logged as an escape; an X-Request-ID that does not look
    like one is replaced."""
    app = make_app(migrated_url)
    with app.app_context():
        response = app.test_client().get(
            "/nothing%0aFORGED%20LINE", headers={"X-Request-ID": "[fake] x"}
        )
    assert response.headers["X-Request-ID"] != "[fake] x"
    log = capfd.readouterr().err
    assert "GET /nothing\\nFORGED LINE 404" in log
    assert not any(line.startswith("FORGED") for line in log.splitlines())


def test_nul_characters_get_a_400_not_a_500(client, login_as):
    """PostgreSQL cannot store NUL; SQLite can. Both databases refuse it the same way."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import ActionItem

    login_as("staff")
    response = client.get("/items?q=a%00b")
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    item = db.session.scalar(select(ActionItem).where(ActionItem.title.startswith("Compile")))
    response = client.post(
        f"/items/{item.id}/report",
        data={"version": item.version, "status": "in_progress", "progress": 5, "note": "a\x00b"},
    )
    assert response.status_code == 400
    assert db.session.get(ActionItem, item.id).version == item.version


def test_signed_in_pages_and_secrets_are_never_cached(client, login_as):
    """Every answer but the style sheets and the calendar feed says no-store: signed-in
    pages, the pages that show a new API token or calendar link once, the API."""
    login_as("staff")
    answers = [client.get(path) for path in ("/my", "/items", "/items.csv", "/account/tokens")]
    answers.append(client.post("/account/tokens", data={"name": "OA"}))
    calendar = client.post("/account/calendar", data={"action": "create"})
    answers.append(calendar)
    secret = re.search(r'<code class="secret">([^<]+)</code>', answers[4].get_data(as_text=True))
    answers.append(client.get("/api/v1/items", headers={"Authorization": f"Bearer {secret[1]}"}))
    answers.append(client.get("/items/2147483648"))  # a 404 of a signed-in page too
    for response in answers:
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    assert "no-store" not in client.get("/static/tracker.css").headers.get("Cache-Control", "")
    feed = re.search(r"/calendar/[^\"<\s]+\.ics", calendar.get_data(as_text=True))[0]
    assert client.get(feed).headers["Cache-Control"] == "private, max-age=300"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("PUT", "/login", {"GET", "POST"}), ("DELETE", "/api/v1/items", {"GET"})],
)
def test_a_405_says_which_methods_are_allowed(client, method, path, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert allowed <= set(response.headers["Allow"].replace(" ", "").split(","))
    assert response.is_json == path.startswith("/api/")


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, login_as):
    import csv
    import io

    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import ActionItem

    login_as("admin")
    items = db.session.scalars(select(ActionItem).order_by(ActionItem.id).limit(6)).all()
    for item, title in zip(items, FORMULAS, strict=True):
        item.title = title
    db.session.commit()
    text = client.get("/items.csv").get_data().decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    assert header[1] == "Title"
    titles = {row[1] for row in rows}
    assert {"'" + title for title in FORMULAS} <= titles
    assert not titles & set(FORMULAS)


def test_safe_cell_leaves_numbers_and_plain_text_alone():
    from tracker.spreadsheets import safe_cell

    assert [safe_cell(v) for v in (-5, 3.5, None, "Plan - draft", "建设", "")] == [
        -5,
        3.5,
        None,
        "Plan - draft",
        "建设",
        "",
    ]
    assert safe_cell("-5") == "'-5" and safe_cell("@x") == "'@x"


def test_every_spreadsheet_export_goes_through_safe_cell():
    """Only tracker/spreadsheets.py writes CSV (or any spreadsheet format), so that every
    export, a future Excel one too, neutralises formulas the same way."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "tracker"
    spreadsheet_import = re.compile(r"^\s*(import|from)\s+(csv|openpyxl|xlsxwriter|xlwt)\b", re.M)
    writers = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if spreadsheet_import.search(path.read_text())
    }
    assert writers == {"spreadsheets.py"}
