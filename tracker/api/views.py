"""/api/v1: items (list, detail, post an update), boards, and the OpenAPI description.

The same scopes, transitions and optimistic locking as the pages: a stale `version` gets 409.
Authentication is a personal token (`Authorization: Bearer ...`); cookies are not accepted,
so the API needs no CSRF token.
"""

from __future__ import annotations

import functools
import re
from datetime import date

from flask import Blueprint, abort, current_app, g, jsonify, request
from sqlalchemy.orm.exc import StaleDataError

from ..access import item_or_404, supervised_cities, watches
from ..boards import ranking
from ..boards.figures import city_rows, frame_for
from ..clock import office_today
from ..extensions import csrf, db
from ..inputs import INT_MAX
from ..items import services
from ..items.page import item_page
from ..items.queries import PAGE_SIZE, SORT_COLUMNS, ItemFilter, item_list
from ..items.rules import LIGHT_LABELS
from ..models import ActionItem, Role, Status
from ..reminders.policy import current_policy
from . import serialize
from .openapi import REPORT, URL_PATTERN, document
from .tokens import user_for_bearer

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
MAX_PER_PAGE = 100
URL = re.compile(URL_PATTERN)


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    user = user_for_bearer(request.headers.get("Authorization"))
    if user is None:
        response = jsonify(error="A valid API token is needed: Authorization: Bearer <token>.")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
        return response
    g.api_user = user
    return None


@functools.cache
def _query_schemas() -> dict[tuple[str, str], dict[str, dict]]:
    """(path, method) of each documented operation -> its query parameters' schemas; the
    document is the same for every request, so it is read once."""
    return {
        (path, method): {
            p["name"]: p["schema"] for p in operation.get("parameters", ()) if p["in"] == "query"
        }
        for path, operations in document()["paths"].items()
        for method, operation in operations.items()
    }


@bp.before_request
def _check_query():
    """The query keeps to the operation's documented parameters: no unknown name, no string
    beyond its maxLength (400, naming each)."""
    if request.url_rule is None:
        return None
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", request.url_rule.rule)
    schemas = _query_schemas().get((path, request.method.lower()))
    if schemas is None:
        return None
    errors = {name: "unknown parameter" for name in sorted(set(request.args) - set(schemas))}
    errors |= _too_long(request.args, schemas)
    return _fail(400, "Some parameters are not valid.", errors) if errors else None


def _amber_days() -> int:
    return current_app.config["TRACKER_AMBER_DAYS"]


def _fail(status: int, message: str, errors: dict | None = None):
    body = {"error": message}
    if errors:
        body["errors"] = errors
    return jsonify(body), status


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(document())


@bp.get("/items")
def items():
    """Items I may see, filtered and paged like /items."""
    args = request.args
    errors = {}
    page = _int(args.get("page"), "page", 1, 1_000_000, errors) or 1
    per_page = _int(args.get("per_page"), "per_page", 1, MAX_PER_PAGE, errors) or PAGE_SIZE
    statuses = args.getlist("status")
    if any(s not in {str(x) for x in Status} for s in statuses):
        errors["status"] = "unknown status"
    lights = args.getlist("light")
    if any(x not in LIGHT_LABELS for x in lights):
        errors["light"] = "unknown light"
    due_from = _date(args.get("due_from"), "due_from", errors)
    due_to = _date(args.get("due_to"), "due_to", errors)
    sort = args.get("sort", "due")
    if sort not in SORT_COLUMNS:
        errors["sort"] = f"one of {', '.join(SORT_COLUMNS)}"
    department = _int(args.get("department"), "department", 1, INT_MAX, errors)
    responsible = _int(args.get("responsible"), "responsible", 1, INT_MAX, errors)
    if errors:
        return _fail(400, "Some parameters are not valid.", errors)
    wanted = ItemFilter(
        q=(args.get("q") or "").strip() or None,
        city=args.get("city") or None,
        department=department,
        responsible=responsible,
        statuses=tuple(statuses),
        lights=tuple(lights),
        due_from=due_from,
        due_to=due_to,
        sort=sort,
    )
    today = office_today()
    found = item_list(g.api_user, wanted, page, today, _amber_days(), size=per_page, clamp=False)
    return jsonify(
        items=[serialize.item_summary(row.item, row.light) for row in found.rows],
        page=found.page,
        pages=found.pages,
        total=found.total,
    )


@bp.get("/items/<int:item_id>")
def item(item_id: int):
    """One item with its directive, owners, milestones and full history."""
    page = item_page(item_id, g.api_user, office_today(), _amber_days(), history=None)
    if page is None:
        abort(404)
    return jsonify(detail(page))


def conflict(item_id: int, version: int):
    """409: the item changed since `version`; what changed, and the version to resend with."""
    current = db.session.get(ActionItem, item_id)
    changes = services.changes_since(current, version)
    return jsonify(
        error="Someone saved this item after your version; read it again and resend.",
        version=current.version,
        changes=[
            {"at": e.at.isoformat(), "by": e.actor.name if e.actor else None, "action": e.action}
            for e in changes
        ],
    ), 409


def detail(page) -> dict:
    """An item page's read model as the API's ItemDetail."""
    return serialize.item_detail(
        page.item, page.light, list(reversed(page.updates)), page.instructions
    )


@bp.post("/items/<int:item_id>/updates")
def post_update(item_id: int):
    """Report progress or change the status, under the same rules as the form."""
    user = g.api_user
    item = item_or_404(user, item_id)
    if user.role == Role.LEADER:
        return _fail(403, "Leaders change nothing on an item; they write instructions.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _fail(400, "Send a JSON object.")
    errors = _check_report(body)
    if errors:
        return _fail(400, "Some fields are not valid.", errors)
    report = services.Report(
        status=Status(body["status"]),
        progress=body["progress"],
        note=body.get("note"),
        evidence_url=body.get("evidence_url"),
        milestone_id=body.get("milestone_id"),
    )
    try:
        services.report_status(item, user, report, body["version"], office_today())
        db.session.commit()
    except services.Invalid as invalid:
        db.session.rollback()
        return _fail(
            422, "The update breaks a rule.", {k or "item": v for k, v in invalid.errors.items()}
        )
    except (services.Conflict, StaleDataError):
        db.session.rollback()
        return conflict(item_id, body["version"])
    page = item_page(item_id, user, office_today(), _amber_days(), history=None)
    return jsonify(detail(page)), 201


@bp.get("/boards")
def boards():
    """Per city in my scope: counts, completion, overdue, due soon, stale, light."""
    user = g.api_user
    if not watches(user):
        return _fail(403, "Boards are for supervisors, leaders and admins.")
    cities = supervised_cities(user)
    seen = frame_for(user, [c.id for c in cities])
    # A city's figures include its sub-units', as on the boards (city_rows).
    rows = city_rows(seen, cities)
    return jsonify(
        as_of=seen.today.isoformat(),
        cities=[
            {
                "slug": row.extra["city"].slug,
                "name": row.extra["city"].name,
                "parent": row.extra["city"].parent.slug if row.extra["city"].parent else None,
                "total": row.total,
                "open": row.open,
                "overdue": row.overdue,
                "due_soon": row.due_soon,
                "stale": row.stale,
                "completion": round(row.completion, 1),
                "change_since_last_week": round(row.change, 1),
                "light": {"colour": row.light.colour, "reason": row.light.reason},
                "counts": {str(s): row.counts.get(s, 0) for s in Status},
            }
            for row in rows
        ],
    )


@bp.get("/boards/<city>/ranking")
def ranking_of(city: str):
    """考核: the departments of a city in my scope ranked for a month (tracker/boards/
    ranking.py), with the parts of each score."""
    user = g.api_user
    if not watches(user):
        return _fail(403, "Boards are for supervisors, leaders and admins.")
    found = next((c for c in supervised_cities(user) if c.slug == city), None)
    if found is None:
        return _fail(404, "No such city in your scope.")
    today = office_today()
    period = request.args.get("period")
    month = ranking.month_of(period, today)
    if month is None:
        return _fail(400, "The period is not a month (YYYY-MM) up to this one.")
    policy = current_policy()
    standings = ranking.ranking([found, *found.sub_units], month[0], today, policy)
    return jsonify(
        city=found.slug,
        period=month[0].strftime("%Y-%m"),
        as_of=today.isoformat(),
        weights={
            "on_time": policy.rank_on_time,
            "reports": policy.rank_reports,
            "overdue_item_day": policy.rank_overdue_day,
        },
        departments=[
            {
                "department": s.department.id,
                "name": s.department.name,
                "city": s.department.city.slug,
                "rank": s.rank,
                "previous_rank": s.previous_rank,
                "score": s.score,
                "items": s.items,
                "due": s.due,
                "on_time": s.on_time,
                "on_time_share": round(s.on_time_share, 4),
                "reported": s.reported,
                "report_share": round(s.report_share, 4),
                "overdue_item_days": s.overdue_days,
            }
            for s in standings
        ],
    )


def _check_report(body: dict) -> dict[str, str]:
    errors = {}
    unknown = set(body) - set(REPORT["properties"])
    if unknown:
        errors["body"] = f"unknown fields: {', '.join(sorted(unknown))}"
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        errors["version"] = "the item's version, an integer"
    status = body.get("status")
    if not isinstance(status, str) or status not in {str(s) for s in Status}:
        errors["status"] = "one of " + ", ".join(str(s) for s in Status)
    progress = body.get("progress")
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        errors["progress"] = "an integer from 0 to 100"
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        errors["note"] = "text or null"
    url = body.get("evidence_url")
    if url is not None and (not isinstance(url, str) or not URL.match(url)):
        errors["evidence_url"] = "an http(s) address or null"
    milestone = body.get("milestone_id")
    if milestone is not None and (not isinstance(milestone, int) or isinstance(milestone, bool)):
        errors["milestone_id"] = "a milestone id or null"
    return errors | _too_long(body, REPORT["properties"])


def _too_long(values, schemas: dict[str, dict]) -> dict[str, str]:
    """The strings longer than the `maxLength` the OpenAPI document declares for them."""
    errors = {}
    for name, schema in schemas.items():
        limit, value = schema.get("maxLength"), values.get(name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            errors[name] = f"at most {limit} characters"
    return errors


def _int(value, name, low, high, errors) -> int | None:
    """The parameter as a number from `low` to `high`; None when absent (an empty value is
    not a number)."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        errors[name] = "an integer"
        return None
    if not low <= number <= high:
        errors[name] = f"from {low} to {high}"
        return None
    return number


def _date(value, name, errors) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = "a date, YYYY-MM-DD"
        return None
