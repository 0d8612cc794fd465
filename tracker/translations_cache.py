"""Translations looked up once per request and language, not at every string.

Flask-Babel finds the translations of each string through several context proxies and
the locale's name (about 2,000 lookups on a board or `/my`, a fifth of its time); the
translations in use are kept on the request's Babel context beside the locale they belong
to, so a `force_locale` block (an email in its recipient's language) gets its own."""

from __future__ import annotations

from functools import cached_property

from flask import Flask
from flask.globals import _cv_app
from flask_babel import Babel, Domain


class QuickDomain(Domain):
    def get_translations(self):
        context = _cv_app.get(None)
        space = context.g.__dict__.get("_flask_babel") if context is not None else None
        locale = getattr(space, "babel_locale", None)
        if locale is None:  # not chosen yet: Flask-Babel chooses it
            return super().get_translations()
        kept = getattr(space, "quick_translations", None)
        if kept is None or kept[0] is not locale:
            kept = (locale, super().get_translations())
            space.quick_translations = kept
        return kept[1]


class QuickBabel(Babel):
    @cached_property
    def domain_instance(self):
        return QuickDomain(domain=self.domain)


def install(app: Flask, babel: QuickBabel) -> None:
    """Templates ask the quick domain directly (Flask-Babel's own callables look the
    domain up again for each string)."""

    def translations():
        return babel.domain_instance.get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


__all__ = ["QuickBabel", "install"]
