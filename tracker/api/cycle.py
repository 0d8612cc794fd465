"""/api/v1 for the 督办 cycle: 签收, 延期申请 and its decision, 批示. A city's OA system drives
these as people do on the item page, under the same rules: a stale `version` gets 409, a
rule that forbids the change 422, a call the role may not make 403."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, g, jsonify, request
from sqlalchemy.orm.exc import StaleDataError

from ..access import instructs, item_or_404, supervises
from ..clock import office_today
from ..extensions import db
from ..inputs import FIRST_DAY, LAST_DAY
from ..items import cycle, extensions, services
from ..items.page import item_page
from ..models import ExtensionRequest, ExtensionState
from ..validation import Invalid
from . import serialize
from .openapi_cycle import ACKNOWLEDGE, DECISION, EXTENSION, INSTRUCTION
from .views import _fail, _too_long, bp, conflict, detail


def _body(schema: dict) -> tuple[dict | None, dict]:
    """The JSON object sent, and what is wrong with it by the schema's fields and types."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, {"body": "a JSON object"}
    errors = {}
    unknown = set(body) - set(schema["properties"])
    if unknown:
        errors["body"] = f"unknown fields: {', '.join(sorted(unknown))}"
    for name in schema["required"]:
        if name not in body:
            errors[name] = "required"
    for name, rule in schema["properties"].items():
        value = body.get(name)
        if name not in body or (value is None and rule.get("nullable")):
            continue
        kind = rule["type"]
        if kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
            errors[name] = "an integer"
        elif kind == "boolean" and not isinstance(value, bool):
            errors[name] = "true or false"
        elif kind == "string" and not isinstance(value, str):
            errors[name] = "text"
        elif kind == "string" and "\x00" in value:
            errors[name] = "no NUL character"
        elif rule.get("format") == "date" and _date(value) is None:
            errors[name] = "a date, YYYY-MM-DD, from 1900-01-01 to 2199-12-31"
    return body, errors | _too_long(body, schema["properties"])


def _date(value) -> date | None:
    """A day in the range every date field takes (the forms' too), or None."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None
    return day if day is not None and FIRST_DAY <= day <= LAST_DAY else None


def _refused(invalid: Invalid):
    db.session.rollback()
    return _fail(
        422, "The change breaks a rule.", {k or "item": v for k, v in invalid.errors.items()}
    )


def _versioned(item_id: int, version: int, change):
    """Run a change based on `version` and commit: (its result, None), or (None, the answer:
    422 when a rule forbids it, 409 when the item changed since `version`)."""
    try:
        result = change()
        db.session.commit()
    except Invalid as invalid:
        return None, _refused(invalid)
    except (services.Conflict, StaleDataError):
        db.session.rollback()
        return None, conflict(item_id, version)
    return result, None


def _item(item_id: int):
    amber_days = current_app.config["TRACKER_AMBER_DAYS"]
    page = item_page(item_id, g.api_user, office_today(), amber_days, history=None)
    return detail(page)


@bp.post("/items/<int:item_id>/acknowledge")
def acknowledge(item_id: int):
    """签收: the lead department confirms receipt."""
    item = item_or_404(g.api_user, item_id)
    body, errors = _body(ACKNOWLEDGE)
    if errors:
        return _fail(400, "Some fields are not valid.", errors)
    _done, refused = _versioned(
        item_id, body["version"], lambda: cycle.acknowledge(item, g.api_user, body["version"])
    )
    return refused or jsonify(_item(item_id))


@bp.post("/items/<int:item_id>/extension-requests")
def request_extension(item_id: int):
    """延期申请: the lead asks for a later due date; 201 and the request (pending)."""
    item = item_or_404(g.api_user, item_id)
    body, errors = _body(EXTENSION)
    if errors:
        return _fail(400, "Some fields are not valid.", errors)
    made, refused = _versioned(
        item_id,
        body["version"],
        lambda: extensions.request_extension(
            item, g.api_user, _date(body["due_on"]), body["reason"], body["version"], office_today()
        ),
    )
    return refused or (jsonify(serialize.extension_request(made)), 201)


@bp.post("/extension-requests/<int:request_id>/decision")
def decide_extension(request_id: int):
    """A supervisor of the item's city approves or refuses; 200 and the request."""
    user = g.api_user
    made = db.session.get(ExtensionRequest, request_id)
    if made is None:
        abort(404)
    item_or_404(user, made.item_id)  # not in scope: not found
    if not supervises(user):
        return _fail(403, "Only the city's supervisors decide on extension requests.")
    body, errors = _body(DECISION)
    if errors:
        return _fail(400, "Some fields are not valid.", errors)
    if made.state != ExtensionState.PENDING:
        return _fail(409, "This request has already been decided.")
    try:
        extensions.decide_extension(
            made, user, body["approve"], body.get("note"), None, office_today()
        )
        db.session.commit()
    except extensions.Decided:
        db.session.rollback()
        return _fail(409, "This request has already been decided.")
    except Invalid as invalid:
        return _refused(invalid)
    except StaleDataError:
        db.session.rollback()
        return _fail(409, "The item changed meanwhile; send the decision again.")
    return jsonify(serialize.extension_request(made))


@bp.post("/items/<int:item_id>/instructions")
def instruct(item_id: int):
    """批示: a leader's instruction on the item; 201 and the instruction."""
    user = g.api_user
    item_or_404(user, item_id)
    if not instructs(user):
        return _fail(403, "Only leaders write instructions.")
    body, errors = _body(INSTRUCTION)
    if errors:
        return _fail(400, "Some fields are not valid.", errors)
    try:
        made = cycle.instruct(user, body["text"], office_today(), item=item_or_404(user, item_id))
        db.session.commit()
    except Invalid as invalid:
        return _refused(invalid)
    return jsonify(serialize.instruction(made)), 201
