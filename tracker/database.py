"""Database engine settings: SQLite gets foreign keys, WAL and a busy timeout."""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import event

from .extensions import db


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


def insert_ignoring_duplicates(model, rows: list[dict], unique: list[str]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on the unique columns: a row that is already there,
    or that a concurrent writer inserts first, is left alone."""
    if not rows:
        return
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(model).on_conflict_do_nothing(index_elements=unique), rows)
