"""Fixtures: a migrated database per run (SQLite, or PostgreSQL when TEST_DATABASE_URL names a
server), an app per test on it, the CLI runner, data factories and a SQL statement counter."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import flask_migrate
import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.config import database_url
from tracker.extensions import db

TODAY = date(2026, 3, 16)  # a Monday: the fixed "today" of the tests


@pytest.fixture(scope="session")
def server_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return database_url(url) if url else None


@pytest.fixture(scope="session")
def make_database(server_url, tmp_path_factory):
    """Returns a function that creates an empty database and gives its URL; all are dropped
    at the end of the run."""
    created: list[str] = []

    def make() -> str:
        if server_url is None:
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'tracker.db'}"
        name = f"tracker_test_{uuid.uuid4().hex[:12]}"
        _admin(server_url, f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        created.append(name)
        return make_url(server_url).set(database=name).render_as_string(hide_password=False)

    yield make
    for name in created:
        _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(server_url: str, statement: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def migrated_url(make_database, tmp_path_factory) -> str:
    """One database for the run, upgraded through the real Alembic migrations."""
    url = make_database()
    app = _make_app(url, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return url


def _make_app(url: str, instance: Path, **config):
    os.environ["TRACKER_INSTANCE_PATH"] = str(instance)
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,  # tests/test_security.py turns it on to test it
        "TRACKER_BASE_URL": "https://tracker.example.gov",
        "TRACKER_TODAY": TODAY,  # pages see the same day the demo was seeded for
        # The monthly bulletin email would add a message on the first working day of each
        # month to every test counting messages; tests/test_documents.py turns it on.
        "MONTHLY_BULLETIN": False,
    }
    return create_app({**settings, **config})


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """Build an app on a given database URL, with its own instance folder."""
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))

    def make(url: str, **config):
        return _make_app(url, tmp_path / "instance", **config)

    return make


@pytest.fixture
def app(make_app, migrated_url) -> Iterator:
    app = make_app(migrated_url)
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production (a request would otherwise
    reuse the test's context, and with it `g` and the database session); afterwards the
    test's session is expired so that it sees what the request committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded(runner):
    """The demo plan, seeded as if today were TODAY."""
    result = runner.invoke(args=["seed", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    return result


DEMO_PASSWORD = "tracker-demo-2026"
# Demo accounts by the part they play in the tests.
ACCOUNTS = {
    "admin": "admin@example.com",
    "supervisor": "chen.hong@nanjing.example.com",  # Nanjing
    "other_supervisor": "shen.wei@jiaxing.example.com",  # Jiaxing and Haining
    "staff": "wang.lei@nanjing.example.com",  # Nanjing DRC
    "other_staff": "sun.min@nanjing.example.com",  # Nanjing Science and Technology Bureau
    "haining_staff": "yao.ming@haining.example.com",
    "leader": "han.bin@nanjing.example.com",  # Nanjing's vice mayor: watches and instructs
    "supporter": "xu.ting@nanjing.example.com",  # Nanjing MIIT, supports a DRC item
}


@pytest.fixture
def login_as(client, seeded):
    """Sign the test client in as one of ACCOUNTS (or any email); returns the user."""
    from tracker.auth.services import find_user_by_email

    def login(who: str):
        email = ACCOUNTS.get(who, who)
        client.post("/logout")
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return find_user_by_email(email)

    return login


@pytest.fixture
def count_queries(app):
    """Use as `with count_queries() as statements: ...`; then len(statements)."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def make_directive(app):
    """Returns a function making a one-sentence speech of `city` (published) and its one
    directive."""
    from tracker.models import Directive, Speech

    counter = iter(range(1, 1_000_000))

    def make(city):
        n = next(counter)
        speech = Speech(
            city=city,
            speaker=f"Speaker {n}",
            title=f"Speech {n}",
            delivered_on=date(2026, 1, 5),
            text="We must act.",
            text_sha256=uuid.uuid4().hex * 2,  # unique, like a real digest
            published_at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC),
        )
        return Directive(
            speech=speech,
            position=1,
            title="Act",
            start_offset=8,
            end_offset=11,
            sentence_start=0,
            sentence_end=12,
        )

    return make


@pytest.fixture
def make_item(app, make_directive):
    """Returns a function making an action item (with its own speech and directive) in a city;
    keyword arguments are set on the item. Flushed, not committed."""
    from tracker.models import ActionItem, City

    counter = iter(range(1, 1_000_000))

    def make(city: City | None = None, **fields) -> ActionItem:
        n = next(counter)
        city = city or City(slug=f"city-{n}", name=f"City {n}")
        item = ActionItem(
            directive=make_directive(city), city=city, **{"title": f"Item {n}", **fields}
        )
        db.session.add(item)
        db.session.flush()
        return item

    return make


@pytest.fixture
def smtp_sink(app):
    """A real SMTP server (aiosmtpd) on a free loopback port; the app is configured to use
    it. `smtp_sink.messages` holds the parsed messages it accepted."""
    import asyncio
    import email
    import email.policy
    import socket

    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self) -> None:
            self.messages: list = []
            self.envelopes: list = []
            self.replies: list[str] = []  # scripted replies to the next messages, e.g. "451 ..."
            self.refuse: dict[str, list[str]] = {}  # the same, per recipient address
            self.delay = 0.0  # seconds before answering each message: a slow server
            self.connections = 0

        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            self.connections += 1
            session.host_name = hostname
            return responses

        async def handle_DATA(self, server, session, envelope):
            if self.delay:
                await asyncio.sleep(self.delay)
            scripted = self.refuse.get(envelope.rcpt_tos[0])
            if scripted:
                return scripted.pop(0)
            if self.replies:
                return self.replies.pop(0)
            self.envelopes.append(envelope)
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    sink.port = port
    try:
        yield sink
    finally:
        controller.stop()
        app.config["MAIL_SERVER"] = None


@pytest.fixture
def robots(app):
    """Loopback servers keeping the DingTalk, WeCom and Feishu robot contracts and an SMS
    gateway's (tests/robot_servers.py); the app's SMS settings point at the gateway."""
    from tests import robot_servers

    platforms = robot_servers.start()
    app.config.update(
        SMS_URL=platforms.urls()["sms"], SMS_TOKEN=robot_servers.SMS_TOKEN, CHANNEL_TIMEOUT=2
    )
    try:
        yield platforms
    finally:
        platforms.server.shutdown()
        platforms.server.server_close()
        app.config.update(SMS_URL=None, SMS_TOKEN=None)
