"""Security settings applied to every response, and the proxy and host rules."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts only from this site, never inline; inline style attributes are allowed (progress
# bar widths), style sheets only from this site; nobody may frame the pages.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    proxies = app.config["TRACKER_PROXIES"]
    if proxies:
        # Behind a reverse proxy: trust its X-Forwarded-For/-Proto/-Host, and no one else's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if app.config["TRACKER_HTTPS"]:
        app.config.update(SESSION_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    app.after_request(_headers)


def _headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CSP)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and response.cache_control.max_age is None:
        # Pages show what only their reader may see, some a secret once (an API token, a
        # calendar link): no browser or proxy keeps a copy. Only a view that says how long
        # its answer may be kept (the calendar feed) and the static files are cached.
        headers["Cache-Control"] = "no-store"
    return response
