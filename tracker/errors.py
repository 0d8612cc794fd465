"""Error pages that say what went wrong in plain words and leak no internals."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

# Each error in the reader's language: a title, and what to do when the code gave no reason.
ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account may not do this.")),
    404: (_l("Not found"), _l("There is nothing here, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This address does not take this kind of request.")),
    409: (_l("Changed meanwhile"), _l("Someone changed this meanwhile. Reload and try again.")),
    413: (_l("Too large"), _l("What was sent is too large.")),
    415: (_l("Bad request"), _l("What was sent is not in a form the tracker reads.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Wait a few minutes and try again.")),
    500: (
        _l("Something went wrong"),
        _l("The tracker failed on this request; nothing was saved. Try again later."),
    ),
}


def _page(error: HTTPException):
    """The error page: a translated title; the code's own reason if it gave one, else ours."""
    title, advice = ERRORS.get(error.code, (error.name, error.description))
    own = error.description != type(error).description
    if own and error.code == 409:  # the code says why: not always a change made meanwhile
        title = _("Not possible now")
    return render_template(
        "errors/error.html", code=error.code, title=title, text=error.description if own else advice
    )


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
    return _page(error), error.code, headers


def _unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled error", exc_info=error)
    # Never leave a half-written transaction behind a failed request.
    db.session.rollback()
    page = InternalServerError()
    if request.path.startswith("/api/"):
        return jsonify(error="Internal Server Error"), 500
    return _page(page), 500
