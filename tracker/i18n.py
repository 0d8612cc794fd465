"""Languages: which one a request or an email uses, the switch between them, and local names."""

from __future__ import annotations

import os

from flask import Blueprint, Flask, has_request_context, redirect, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user
from flask_wtf import FlaskForm

from .extensions import db
from .redirects import safe_next

LOCALES = ("en", "zh_Hans")
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The signed-in user's preference, else the one chosen on the switch, else the browser's
    Accept-Language, else the configured default."""
    if not has_request_context():
        # Commands speak the operator's language (LANG=zh_CN.UTF-8 → Chinese); emails choose
        # their recipient's with force_locale.
        return "zh_Hans" if os.environ.get("LANG", "").lower().startswith("zh") else "en"
    if current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans"], default="en")
    return "zh_Hans" if best.startswith("zh") else "en"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.post("/locale/<code>")
def switch(code: str):
    """The language switch: remembered for the browser, and for a signed-in user."""
    if code not in LOCALES or not FlaskForm().validate_on_submit():
        return redirect(url_for("overview.index"))
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("overview.index"))


def chinese() -> bool:
    return str(get_locale() or "en").startswith("zh")


def local_name(record) -> str:
    """A city's, department's or speech's Chinese name in the Chinese interface."""
    if chinese():
        for attribute in ("name_zh", "title_zh"):
            value = getattr(record, attribute, None)
            if value:
                return value
    return getattr(record, "name", None) or getattr(record, "title", "")


__all__ = ["LOCALES", "force_locale", "local_name", "select_locale"]
