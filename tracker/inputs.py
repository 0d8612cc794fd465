"""What the app accepts from a request before any view sees it, and the bounds of the whole
numbers and dates that forms and query strings may carry.

Beyond these bounds the database or Python itself fails (PostgreSQL's `integer` ends at
2^31 - 1, SQLite's at 2^63 - 1, Python's dates at year 9999): an id beyond them is simply
not found, a number or a date beyond them is not valid input, and neither is a 500.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from urllib.parse import quote

import wtforms
from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import format_date
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

# The largest value of PostgreSQL's `integer`, the type of every id and count column.
INT_MAX = 2**31 - 1
# Dates a person may mean: far enough for any plan, near enough that adding a year, a week
# or a time zone offset stays within what Python and the databases hold.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def init_app(app: Flask) -> None:
    """Register the bounded `int` converter (before any route is added), the JSON parser and
    the checks every request passes before its view."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.json = JSONProvider(app)
    app.before_request(_pages_take_forms)
    app.before_request(_refuse_unstorable_text)


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: from 0 to INT_MAX, so a larger id is a 404 like any other
    missing one, instead of an error from the database."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bounded_int(value) -> int:
    """A whole number within ±INT_MAX, else ValueError: for `request.args.get(name, default,
    type=bounded_int)`, which then falls back to the default."""
    number = int(value)
    if not -INT_MAX - 1 <= number <= INT_MAX:
        raise ValueError(f"{value!r} is out of range")
    return number


def optional_int(value) -> int | None:
    """The `coerce` of a select field whose choice may be empty: None, or a bounded int
    (ValueError otherwise, which WTForms reports as an invalid choice)."""
    if value in (None, "", "None"):
        return None
    return bounded_int(value)


def refuse_unknown_choices(*fields) -> None:
    """A value that is none of a select field's choices (a mistyped or outdated link, an id
    outside the reader's scope) is an error beside the field, in words ("“x” is not one of
    the choices"), never ignored and never WTForms' "Invalid Choice: could not coerce"; an
    empty value is no choice at all. A field that takes one value, given several, is an
    error too: which of them counts would be a guess."""
    for field in fields:
        if isinstance(field, wtforms.SelectMultipleField):
            known = {str(value) for value, _label in field.choices}
            unknown = [v for v in field.raw_data or () if v != "" and v not in known]
            if unknown:
                field.errors = [unknown_choice(unknown[0])]
            continue
        if len(field.raw_data or ()) > 1:
            field.errors = [_("Give one value here, not %(count)d.", count=len(field.raw_data))]
            continue
        if not isinstance(field, wtforms.SelectField):
            continue
        given = field.raw_data[0] if field.raw_data else ""
        if given and (field.process_errors or field.data not in dict(field.choices)):
            field.errors = [unknown_choice(given)]


def refuse_reversed(first, last) -> None:
    """A range whose end comes before its start is an error beside the end (the two dates
    are each valid, so neither says so by itself)."""
    if first.data and last.data and first.data > last.data and not (first.errors or last.errors):
        last.errors = [_("This date comes before the first one.")]


def unknown_choice(value: str) -> str:
    shown = value if len(value) <= 40 else value[:39] + "…"
    return _("“%(value)s” is not one of the choices.", value=shown)


class DateField(wtforms.DateField):
    """A date field that takes the dates from FIRST_DAY to LAST_DAY; another real date is
    refused with the range, and 2026-02-30 is "not a valid date value" (WTForms' own)."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not FIRST_DAY <= self.data <= LAST_DAY:
            self.data = None
            raise ValueError(
                _(
                    "Give a date from %(first)s to %(last)s.",
                    first=format_date(FIRST_DAY, "long"),
                    last=format_date(LAST_DAY, "long"),
                )
            )


def _pages_take_forms():
    """The pages take form data, the API JSON. Flask-WTF would read a JSON body as the form
    whatever its shape ([1, 2] failed), and its CSRF check fails on a multipart field whose
    name the parser could not read (a line break in it)."""
    if request.is_json and not request.path.startswith("/api/"):
        abort(415, _("Send the form as form data, not JSON."))
    if None in request.form:
        abort(400, _("Every form field needs a name."))


def _refuse_unstorable_text():
    """A NUL character, in the path, a query or form name or value, or a JSON string, is
    never meant, and PostgreSQL cannot store it; nor can a database store half a surrogate
    pair, which only JSON can carry ("\\ud800"). Either is a 400, not a 500. Uploaded file
    names are the features' to clean: a NUL there is dropped, not refused."""
    texts = [request.path]
    for values in (request.args, request.form):
        for name, value in values.items(multi=True):
            texts += (name, value)
    if request.is_json:
        texts += _strings(request.get_json(silent=True))
    if not all(_storable(text) for text in texts if isinstance(text, str)):
        abort(400, _("Text may not contain NUL characters or unpaired surrogates."))


def _strings(value) -> list[str]:
    """Every string in a parsed JSON document, keys included."""
    found, stack = [], [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found += value.keys()
            stack += value.values()
        elif isinstance(value, list):
            stack += value
    return found


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a document nested too deeply for the parser is invalid
    JSON (a 400 from `get_json`) rather than a RecursionError (a 500)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def content_disposition(kind: str, name: str, fallback: str) -> str:
    """A download's `Content-Disposition`: its name in the reader's language (RFC 6266's
    filename*, which browsers read) and an ASCII name for the clients that do not."""
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def clean_filename(raw: str | None, fallback: str = "file") -> str:
    """An uploaded file's name fit to store and offer again: without folders or control
    characters (NUL included), at most 255 characters with its type kept."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Control characters, and format characters such as U+202E (right-to-left override),
    # which would make "‮gnp.pdf" read as "fdp.png".
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = name.strip() or fallback
    if len(name) > 255:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[: 254 - len(suffix)]}.{suffix}" if dot and len(suffix) < 16 else name[:255]
    return name
