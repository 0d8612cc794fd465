"""Logging: one line per request with a request id (taken from X-Request-ID or made up), as
JSON when TRACKER_LOG_JSON is set, so log collectors can index the fields. Each line says
how many SQL statements the request ran and how long the database took over them; with
TRACKER_SERVER_TIMING set, the response says so too (a Server-Timing header, which the
browser's developer tools and `make bench` read)."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import Engine, event

request_log = logging.getLogger("tracker.requests")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # an id a proxy sends, kept if it looks like one


def printable(text: str) -> str:
    """`text` with its control characters written as escapes: a line break in a requested
    path must not start a forged log line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = (
        "method",
        "path",
        "status",
        "duration_ms",
        "db_ms",
        "statements",
        "remote_addr",
        "user_id",
    )

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({k: getattr(record, k) for k in self.FIELDS if hasattr(record, k)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter()
        if app.config["TRACKER_LOG_JSON"]
        else logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    # app.logger is the "tracker" logger: one handler there serves every tracker.* logger.
    # The logger is process-wide: the newest app's handler replaces the previous one.
    app.logger.removeHandler(default_handler)
    for old in [h for h in app.logger.handlers if getattr(h, "tracker_handler", False)]:
        app.logger.removeHandler(old)
    handler.tracker_handler = True
    app.logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)

    for name, listener in (
        ("before_cursor_execute", _statement_starts),
        ("after_cursor_execute", _statement_ends),
    ):
        if not event.contains(Engine, name, listener):  # once per process, for every engine
            event.listen(Engine, name, listener)

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()
        g.db = [0, 0.0]  # statements, seconds

    @app.after_request
    def _log(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        statements, seconds = g.get("db", (0, 0.0))
        if app.config["SERVER_TIMING"]:
            response.headers["Server-Timing"] = (
                f'db;dur={seconds * 1000:.1f};desc="{statements} statements"'
            )
        path = printable(request.path)
        request_log.info(
            "%s %s %s (%d statements, %.1f ms in the database)",
            request.method,
            path,
            response.status_code,
            statements,
            seconds * 1000,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round(1000 * (time.perf_counter() - g.get("started", 0)), 1),
                "db_ms": round(seconds * 1000, 1),
                "statements": statements,
                "remote_addr": request.remote_addr,
                # Only if this request loaded the user anyway: logging makes no query.
                "user_id": getattr(g.get("_login_user"), "id", None),
            },
        )
        return response


def _statement_starts(_connection, _cursor, _statement, _parameters, context, _many) -> None:
    context.tracker_started = time.perf_counter()


def _statement_ends(_connection, _cursor, _statement, _parameters, context, _many) -> None:
    """The request's count and time of statements (the driver's execute: on PostgreSQL the
    whole statement with its rows, on SQLite up to its first row)."""
    if has_request_context() and "db" in g:
        g.db[0] += 1
        g.db[1] += time.perf_counter() - context.tracker_started
