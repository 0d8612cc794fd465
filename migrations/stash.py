"""Downgrades that keep the data. What a downgrade would destroy (a table, some columns, rows
the older schema cannot hold) is first copied into a stash table, `stash_<revision>_<table>`
(or `..._columns`); the upgrade that brings it back restores it from there and drops the
stash. Rows written while the database was at the older revision get what the upgrade
gives them (defaults, backfill); only the rows that were stashed get their own values back.

A stash is a plain copy (CREATE TABLE ... AS SELECT): no keys and no constraints, so nothing
points at it and it never stands in the way of a later migration. Downgrading to the base
drops any stash left (the 0001 downgrade calls `drop_stashes`).

Revision files import this module by its name: alembic.ini puts this folder on sys.path.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

PREFIX = "stash_"


def stash_table(revision: str, table: str) -> None:
    """Before the downgrade drops `table`: keep all its rows."""
    _copy(_rows_name(revision, table), f"SELECT * FROM {table}")


def stash_rows(revision: str, table: str, where: str) -> None:
    """Keep the rows of `table` that match `where`, then delete them (for rows the older
    schema cannot hold, such as a value its CHECK constraint refuses)."""
    _copy(_rows_name(revision, table), f"SELECT * FROM {table} WHERE {where}")
    op.execute(f"DELETE FROM {table} WHERE {where}")


def restore_rows(revision: str, table: str) -> None:
    """After the upgrade has (re)created `table`: put back the rows stashed by `stash_table`
    or `stash_rows`, if any."""
    stash = _rows_name(revision, table)
    if not _exists(stash):
        return
    columns = _names(c["name"] for c in sa.inspect(op.get_bind()).get_columns(stash))
    op.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stash}")
    _advance_sequences(table)
    op.drop_table(stash)


def stash_columns(revision: str, table: str, columns: list[str], key: str = "id") -> None:
    """Before the downgrade drops `columns` of `table`: keep them with the row's `key`."""
    _copy(_columns_name(revision, table), f"SELECT {_names([key, *columns])} FROM {table}")


def restore_columns(revision: str, table: str, columns: list[str], key: str = "id") -> None:
    """After the upgrade has added `columns` back (and filled them in): give the stashed
    rows their own values again."""
    stash = _columns_name(revision, table)
    if not _exists(stash):
        return
    key = _quote(key)
    stashed = f"FROM {stash} WHERE {stash}.{key} = {table}.{key}"
    values = ", ".join(f"{c} = (SELECT {stash}.{c} {stashed})" for c in map(_quote, columns))
    op.execute(f"UPDATE {table} SET {values} WHERE EXISTS (SELECT 1 {stashed})")
    op.drop_table(stash)


def drop_stashes() -> None:
    """Downgrading to the base empties the database: what was stashed goes too."""
    if context.is_offline_mode():
        return
    for name in sa.inspect(op.get_bind()).get_table_names():
        if name.startswith(PREFIX):
            op.drop_table(name)


def _rows_name(revision: str, table: str) -> str:
    return f"{PREFIX}{revision}_{table}"


def _columns_name(revision: str, table: str) -> str:
    return f"{PREFIX}{revision}_{table}_columns"


def _quote(name: str) -> str:
    return op.get_context().dialect.identifier_preparer.quote(name)


def _names(names) -> str:
    return ", ".join(map(_quote, names))


def _copy(stash: str, query: str) -> None:
    op.execute(f"CREATE TABLE {stash} AS {query}")


def _exists(stash: str) -> bool:
    # `tracker db upgrade --sql` cannot look: its script restores nothing.
    return not context.is_offline_mode() and sa.inspect(op.get_bind()).has_table(stash)


def _advance_sequences(table: str) -> None:
    """PostgreSQL: a recreated table's id sequence starts again at 1; move it past the
    restored ids, so that new rows do not collide with them."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite gives a new row the highest id + 1
    for column in sa.inspect(bind).get_pk_constraint(table)["constrained_columns"]:
        sequence = bind.scalar(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table, "column": column},
        )
        if sequence:
            highest = f"SELECT max({_quote(column)}) FROM {table}"
            current = f"SELECT last_value FROM {sequence}"
            bind.execute(
                sa.text(f"SELECT setval(:sequence, greatest(({highest}), ({current})))"),
                {"sequence": sequence},
            )
