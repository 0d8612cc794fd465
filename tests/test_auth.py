"""Sign-in, sign-out and passwords: sessions live in the database, so logout, a password
change or deactivation ends them everywhere; failures lock accounts and throttle addresses."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import ACCOUNTS, DEMO_PASSWORD
from tracker.auth.services import (
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_ADDRESS,
    find_user_by_email,
)
from tracker.extensions import db
from tracker.models import AuditEvent, PasswordReset, UserSession, utcnow

STAFF = ACCOUNTS["staff"]


def _login(client, email=STAFF, password=DEMO_PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def _events(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def test_staff_sign_in_lands_on_my_work_and_is_audited(client, seeded):
    response = _login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/my"
    assert "Compile the list of major blockchain projects" in client.get("/my").get_data(True)
    assert _events("auth.login") == 1


def test_admin_lands_on_the_overview(client, seeded):
    assert _login(client, ACCOUNTS["admin"]).headers["Location"] == "/"


@pytest.mark.parametrize("email", [STAFF, "nobody@example.com"])
def test_a_wrong_password_or_unknown_email_gets_the_same_message(client, seeded, email):
    response = _login(client, email, "wrong password!!")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email or password is not right." in html
    assert f'value="{email}"' in html  # what was typed is kept ...
    assert "wrong password!!" not in html  # ... but never the password
    assert _events("auth.login_failed") == 1


def test_an_empty_form_is_a_400_with_messages(client, seeded):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)


def test_repeated_failures_lock_the_account_in_every_process(
    client, seeded, make_app, migrated_url
):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        _login(client, password="not the password")
    # Another worker process, with its own app and connection pool, sees the lock.
    other = make_app(migrated_url)
    other.test_client_class = type(client)
    with other.app_context():
        response = _login(other.test_client())
        assert response.status_code == 429
        assert "locked for 15 minutes" in response.get_data(as_text=True)
        db.engine.dispose()
    user = db.session.scalar(select(UserSession.user_id).limit(1))
    assert user is None  # no session was opened
    assert _events("auth.login_locked") == 1


def test_the_lock_expires(client, seeded):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        _login(client, password="not the password")
    account = find_user_by_email(STAFF)
    account.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _login(client).status_code == 302


def test_many_failures_from_one_address_are_throttled(client, seeded):
    for n in range(MAX_FAILURES_PER_ADDRESS):
        _login(client, f"guess{n}@example.com", "whatever-password")
    response = _login(client)
    assert response.status_code == 429
    assert "Too many failed sign-ins from your network" in response.get_data(as_text=True)


def test_a_copied_cookie_dies_at_logout(client, seeded, app):
    _login(client)
    cookie = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/my").status_code == 200
    client.post("/logout")
    assert thief.get("/my").status_code == 302
    assert _events("auth.logout") == 1


def test_a_password_change_ends_the_other_sessions(client, seeded, app):
    other_device = app.test_client()
    _login(client)
    _login(other_device)
    response = client.post(
        "/account/password",
        data={
            "current": DEMO_PASSWORD,
            "password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert response.status_code == 302
    assert client.get("/my").status_code == 200
    assert other_device.get("/my").status_code == 302
    client.post("/logout")
    assert _login(client, password="a new long password").status_code == 302


def test_a_wrong_current_password_or_short_new_one_is_refused(client, seeded):
    _login(client)
    response = client.post(
        "/account/password",
        data={"current": "not it", "password": "short", "confirm": "short"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Use at least 12 characters." in html


def test_deactivation_ends_sessions(client, seeded):
    _login(client)
    user = find_user_by_email(STAFF)
    user.is_active = False
    db.session.commit()
    assert client.get("/my").status_code == 302
    assert _login(client).status_code == 200  # and no new sign-in


def test_sign_in_starts_a_new_session(client, seeded):
    with client.session_transaction() as session:
        session["sid"] = "planted-by-an-attacker"
        session["other"] = "left over"
    _login(client)
    with client.session_transaction() as session:
        assert session["sid"] != "planted-by-an-attacker"
        assert "other" not in session


def test_an_idle_session_expires(client, seeded, app):
    _login(client)
    row = db.session.scalar(select(UserSession))
    row.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert client.get("/my").status_code == 302


@pytest.mark.parametrize(
    ("target", "followed"),
    [
        ("/items/1?tab=history", True),
        ("https://evil.example.com/", False),
        ("//evil.example.com/", False),
        ("/\\evil.example.com", False),
        ("javascript:alert(1)", False),
        ("/%0d%0aSet-Cookie:x", True),  # still a local path; the header stays intact
    ],
)
def test_next_is_followed_only_within_the_site(client, seeded, target, followed):
    response = _login(client, next=target)
    location = response.headers["Location"]
    assert urlsplit(location).netloc == ""
    assert (location == target) is followed
    if not followed:
        assert location == "/my"


def test_password_reset_by_email_works_once(client, seeded, smtp_sink):
    response = client.post("/password/forgot", data={"email": STAFF.upper()})
    assert response.status_code == 302
    (message,) = smtp_sink.messages
    assert message["To"] == f"Wang Lei <{STAFF}>"
    assert message["Subject"] == "Reset your Policy Tracker password"
    text = message.get_body(("plain",)).get_content()
    link = next(line for line in text.splitlines() if "/password/reset/" in line).strip()
    assert link.startswith("https://tracker.example.gov/password/reset/")
    html = message.get_body(("html",)).get_content()
    assert link in html
    path = urlsplit(link).path
    new = {"password": "correct horse battery", "confirm": "correct horse battery"}
    assert client.post(path, data=new).status_code == 302
    assert client.post(path, data=new).status_code == 410  # single use
    assert _login(client, password="correct horse battery").status_code == 302


def test_an_expired_reset_link_is_refused(client, seeded, smtp_sink):
    client.post("/password/forgot", data={"email": STAFF})
    text = smtp_sink.messages[0].get_body(("plain",)).get_content()
    path = urlsplit(next(w for w in text.split() if "/password/reset/" in w)).path
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 410
    assert "no longer valid" in response.get_data(as_text=True)


def test_a_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client, seeded, smtp_sink):
    response = client.post("/password/forgot", data={"email": "stranger@example.com"})
    assert response.status_code == 302
    assert smtp_sink.messages == []
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "If an account uses that address, a reset link is on its way." in follow


def test_a_reset_request_while_mail_is_down_says_so(client, seeded, app, smtp_sink):
    app.config["MAIL_PORT"] = 1  # nothing listens there
    response = client.post("/password/forgot", data={"email": STAFF})
    assert response.status_code == 503
    assert "could not be sent just now" in response.get_data(as_text=True)


def test_every_account_page_links_the_others(client, login_as):
    """The API token page and the calendar link are found from the account pages."""
    login_as("staff")
    pages = ["/account/password", "/account/reminders", "/account/calendar", "/account/tokens"]
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        assert all(f'href="{other}"' in html for other in pages), page
        assert f'href="{page}" aria-current="page"' in html
