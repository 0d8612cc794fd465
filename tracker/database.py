"""Database engine settings: SQLite gets foreign keys, WAL and a busy timeout."""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import event, make_url

from .extensions import db

# PostgreSQL's default planner costs assume spinning disks: a random read 4 times a sequential
# one. The tracker's data sits in memory or on SSD, so its sessions say so; otherwise a page
# about a few hundred of 100,000 items may read all of them rather than use an index.
POSTGRESQL_OPTIONS = "-c random_page_cost=1.1"


def configure(app: Flask) -> None:
    """Engine options for the configured database (before Flask-SQLAlchemy starts)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql" and "options" not in url.query:
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault("options", POSTGRESQL_OPTIONS)


def init_app(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def insert_ignoring_duplicates(model, rows: list[dict], unique: list[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on the unique columns: a row that is already there,
    or that a concurrent writer inserts first, is left alone. Returns the rows inserted (for a
    single row; the driver's figure for several)."""
    if not rows:
        return 0
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model.__table__).on_conflict_do_nothing(index_elements=unique)
    return db.session.execute(statement, rows[0] if len(rows) == 1 else rows).rowcount
