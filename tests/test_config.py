"""Configuration from the environment and the database engine's settings."""

import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tracker.config import database_url, from_environment
from tracker.extensions import db
from tracker.models import Department


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = from_environment(tmp_path, environ={})["SECRET_KEY"]
    second = from_environment(tmp_path, environ={})["SECRET_KEY"]
    assert first == second and len(first) == 64
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_secret_key_from_the_environment_writes_no_file(tmp_path):
    assert (
        from_environment(tmp_path, environ={"SECRET_KEY": "from-env"})["SECRET_KEY"] == "from-env"
    )
    assert not (tmp_path / "secret_key").exists()


def test_defaults_use_sqlite_under_the_instance_folder_and_shanghai_time(tmp_path):
    config = from_environment(tmp_path, environ={"SECRET_KEY": "x"})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'tracker.db'}"
    assert config["TRACKER_TIMEZONE"] == "Asia/Shanghai"
    assert config["TRACKER_SCHEDULER"] == "off"


def test_postgresql_urls_use_the_psycopg_3_driver():
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_an_unknown_time_zone_is_refused_by_name(tmp_path):
    with pytest.raises(RuntimeError, match="TRACKER_TIMEZONE='Mars/Olympus' is not a known"):
        from_environment(tmp_path, environ={"SECRET_KEY": "x", "TRACKER_TIMEZONE": "Mars/Olympus"})


def test_sqlite_connections_have_foreign_keys_wal_and_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply to SQLite")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_postgresql_sessions_plan_for_data_in_memory(app):
    """Index reads are costed as on SSD, so a page about a few hundred of 100,000 items
    reads them by index (bench: a staff member's item list, 35 ms to 11 ms in SQL)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("planner settings only apply to PostgreSQL")
    with db.engine.connect() as connection:
        assert connection.execute(text("SHOW random_page_cost")).scalar() == "1.1"


def test_foreign_keys_are_enforced(app):
    db.session.add(Department(city_id=999_999, slug="ghost", name="Ghost bureau"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
