"""Database engine settings: SQLite gets foreign keys, WAL and a busy timeout."""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import bindparam, event, func, make_url, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

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
    or that a concurrent writer inserts first, is left alone. Returns the rows inserted.
    On PostgreSQL many rows go as one statement over one array per column (`unnest`): a
    planner run's tens of thousands of lines in a fraction of a second, not one by one."""
    if not rows:
        return 0
    table = model.__table__
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        if len(rows) > 1:
            names = list(rows[0])
            arrays = select(*(_column_of(table.c[name], rows) for name in names))
            statement = (
                insert(table)
                .from_select(names, arrays)
                .on_conflict_do_nothing(index_elements=unique)
            )
            return _inserted(statement)
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).on_conflict_do_nothing(index_elements=unique)
    return _inserted(statement, rows[0] if len(rows) == 1 else rows)


def _inserted(statement, parameters=None) -> int:
    """Run an INSERT and say how many rows it wrote. SQLAlchemy keeps an INSERT's row count
    only when asked (without, PostgreSQL's reads -1: "some", even when nothing was written)."""
    statement = statement.execution_options(preserve_rowcount=True)
    return db.session.execute(statement, parameters).rowcount


def _column_of(column, rows: list[dict]):
    """One column of `rows` for INSERT ... SELECT: an array to unnest, or one value when every
    row has the same (the day planned, the moment written)."""
    values = [row[column.name] for row in rows]
    first = values[0]
    if all(value == first for value in values):
        return bindparam(None, first, column.type).label(column.name)
    return func.unnest(bindparam(None, values, ARRAY(column.type))).label(column.name)


class unindexed(ColumnElement):
    """A column SQLite may not pick an index by (its unary `+`, a no-op on any value):
    where its statistics would read every city's rows by that column instead of going from
    the city's items. Other databases get the column as it is."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column) -> None:
        self.column = column
        self.type = column.type


@compiles(unindexed)
def _unindexed(element, compiler, **kw) -> str:
    return compiler.process(element.column, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw) -> str:
    return "+" + compiler.process(element.column, **kw)
