"""Error pages that say what went wrong in plain words and leak no internals."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _http_error(error: HTTPException):
    # The error's own headers stay: Allow on a 405, WWW-Authenticate on a 401, Retry-After.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if request.path.startswith("/api/"):
        return jsonify(error=f"{error.name}: {error.description}"), error.code, headers
    if request_ctx.url_adapter is None:
        # The request was refused before routing (an untrusted Host): no page with links.
        headers.append(("Content-Type", "text/plain"))
        return f"{error.code} {error.name}", error.code, headers
    return render_template("errors/error.html", error=error), error.code, headers


def _unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled error", exc_info=error)
    # Never leave a half-written transaction behind a failed request.
    db.session.rollback()
    page = InternalServerError()
    if request.path.startswith("/api/"):
        return jsonify(error="Internal Server Error"), 500
    return render_template("errors/error.html", error=page), 500
