"""One page of a query's rows, with the total: the item list, the API and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from .extensions import db


@dataclass
class Page:
    rows: list[Any]
    total: int
    page: int
    pages: int


def one_page(query: Select, page: int, size: int, *, options=(), clamp: bool = True) -> Page:
    """Rows `(page - 1) * size` onwards of `query` (two queries plus its eager loads).

    Pages count from 1. With `clamp`, a page beyond the last is the last (web pages: a stale
    link still shows something); without it, it is empty (the API: a client reads pages until
    one comes back empty)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages) if clamp else max(page, 1)
    if page > pages:
        return Page([], total, page, pages)
    rows = db.session.scalars(query.options(*options).limit(size).offset((page - 1) * size))
    return Page(list(rows.unique()), total, page, pages)
