"""The OpenAPI 3.0 description of /api/v1, kept true by tests/test_api.py (schemathesis)."""

from __future__ import annotations

from ..inputs import INT_MAX
from ..models import Status
from . import openapi_cycle

STATUSES = [str(s) for s in Status]
# An http(s) address in printable ASCII (non-ASCII parts percent-encoded): the same pattern
# as the server's check, with no class such as \\S whose meaning differs between engines.
URL_PATTERN = "^https?://[!-~]+$"
LIGHTS = ["red", "amber", "green", "grey"]
SORTS = ["due", "-due", "title", "progress", "-progress", "updated", "status"]


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


STRING = {"type": "string"}
# Requests with a NUL character are refused (400): PostgreSQL cannot store it.
NO_NUL = "^[^\\x00]*$"
DATE = {"type": "string", "format": "date"}
INTEGER = {"type": "integer"}

PERSON = {
    "type": "object",
    "required": ["id", "name", "email"],
    "properties": {"id": INTEGER, "name": STRING, "email": STRING},
    "additionalProperties": False,
}
LIGHT = {
    "type": "object",
    "required": ["colour", "reason"],
    "properties": {"colour": {"type": "string", "enum": LIGHTS}, "reason": STRING},
    "additionalProperties": False,
}
ITEM_FIELDS = {
    "id": INTEGER,
    "title": STRING,
    "city": STRING,
    "department": _nullable(STRING),
    "responsible": _nullable({"$ref": "#/components/schemas/Person"}),
    "priority": {"type": "string", "enum": ["normal", "high", "key"]},
    "status": {"type": "string", "enum": STATUSES},
    "progress": {"type": "integer", "minimum": 0, "maximum": 100},
    "light": {"$ref": "#/components/schemas/Light"},
    "start_on": _nullable(DATE),
    "due_on": _nullable(DATE),
    "completed_on": _nullable(DATE),
    "verified_on": _nullable(DATE),
    "version": INTEGER,
    "url": {"type": "string", "format": "uri"},
}
ITEM = {
    "type": "object",
    "required": list(ITEM_FIELDS),
    "properties": ITEM_FIELDS,
    "additionalProperties": False,
}
UPDATE = {
    "type": "object",
    "required": [
        "id",
        "at",
        "author",
        "from_status",
        "to_status",
        "from_progress",
        "to_progress",
        "note",
        "evidence_url",
        "milestone_id",
    ],
    "properties": {
        "id": INTEGER,
        "at": {"type": "string", "format": "date-time"},
        "author": _nullable({"$ref": "#/components/schemas/Person"}),
        "from_status": _nullable({"type": "string", "enum": STATUSES}),
        "to_status": {"type": "string", "enum": STATUSES},
        "from_progress": _nullable(INTEGER),
        "to_progress": INTEGER,
        "note": _nullable(STRING),
        "evidence_url": _nullable(STRING),
        "milestone_id": _nullable(INTEGER),
    },
    "additionalProperties": False,
}
DETAIL = {
    "type": "object",
    "required": [
        *ITEM_FIELDS,
        "co_owners",
        "directive",
        "milestones",
        "history",
        *openapi_cycle.DETAIL_FIELDS,
    ],
    "properties": {
        **ITEM_FIELDS,
        **openapi_cycle.DETAIL_FIELDS,
        "co_owners": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}},
        "directive": {
            "type": "object",
            "required": ["id", "title", "source_text", "sentence", "speech_id", "speech_title"],
            "properties": {
                "id": INTEGER,
                "title": STRING,
                "source_text": STRING,
                "sentence": STRING,
                "speech_id": INTEGER,
                "speech_title": STRING,
            },
            "additionalProperties": False,
        },
        "milestones": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title", "due_on", "done_on", "weight"],
                "properties": {
                    "id": INTEGER,
                    "title": STRING,
                    "due_on": _nullable(DATE),
                    "done_on": _nullable(DATE),
                    "weight": INTEGER,
                },
                "additionalProperties": False,
            },
        },
        "history": {"type": "array", "items": {"$ref": "#/components/schemas/Update"}},
    },
    "additionalProperties": False,
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": STRING,
        "errors": {"type": "object", "additionalProperties": STRING},
        "version": INTEGER,
        "changes": {"type": "array", "items": {"type": "object"}},
    },
}
REPORT = {
    "type": "object",
    "required": ["version", "status", "progress"],
    "properties": {
        "version": {"type": "integer", "description": "The item's version you based this on."},
        "status": {"type": "string", "enum": STATUSES},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "note": _nullable({"type": "string", "maxLength": 5000, "pattern": NO_NUL}),
        "evidence_url": _nullable({"type": "string", "maxLength": 500, "pattern": URL_PATTERN}),
        "milestone_id": _nullable(INTEGER),
    },
    "additionalProperties": False,
}
CITY = {
    "type": "object",
    "required": [
        "slug",
        "name",
        "parent",
        "total",
        "open",
        "overdue",
        "due_soon",
        "stale",
        "completion",
        "change_since_last_week",
        "light",
        "counts",
    ],
    "properties": {
        "slug": STRING,
        "name": STRING,
        "parent": _nullable(STRING),
        "total": INTEGER,
        "open": INTEGER,
        "overdue": INTEGER,
        "due_soon": INTEGER,
        "stale": INTEGER,
        "completion": {"type": "number"},
        "change_since_last_week": {"type": "number"},
        "light": {"$ref": "#/components/schemas/Light"},
        "counts": {"type": "object", "additionalProperties": INTEGER},
    },
    "additionalProperties": False,
}


NUMBER = {"type": "number"}
STANDING = {
    "type": "object",
    "required": [
        "department",
        "name",
        "city",
        "rank",
        "previous_rank",
        "score",
        "items",
        "due",
        "on_time",
        "on_time_share",
        "reported",
        "report_share",
        "overdue_item_days",
    ],
    "properties": {
        "department": INTEGER,
        "name": STRING,
        "city": STRING,
        "rank": INTEGER,
        "previous_rank": {"type": "integer", "nullable": True},
        "score": NUMBER,
        "items": INTEGER,
        "due": INTEGER,
        "on_time": INTEGER,
        "on_time_share": NUMBER,
        "reported": INTEGER,
        "report_share": NUMBER,
        "overdue_item_days": INTEGER,
    },
    "additionalProperties": False,
}
RANKING = {
    "type": "object",
    "required": ["city", "period", "as_of", "weights", "departments"],
    "properties": {
        "city": STRING,
        "period": STRING,
        "as_of": DATE,
        "weights": {
            "type": "object",
            "required": ["on_time", "reports", "overdue_item_day"],
            "properties": {"on_time": INTEGER, "reports": INTEGER, "overdue_item_day": INTEGER},
            "additionalProperties": False,
        },
        "departments": {"type": "array", "items": {"$ref": "#/components/schemas/Standing"}},
    },
    "additionalProperties": False,
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(schema_ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


ITEM_ID = {
    "name": "item_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": INT_MAX},
}


def _query(name: str, schema: dict, description: str = "") -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


# The query of GET /api/v1/items; the server refuses what these schemas exclude (400).
ITEM_LIST_PARAMETERS = [
    _query(
        "q",
        {"type": "string", "maxLength": 200, "pattern": NO_NUL},
        "Words in titles, notes or the speech",
    ),
    _query(
        "city",
        {"type": "string", "maxLength": 64, "pattern": NO_NUL},
        "City slug; includes sub-units",
    ),
    _query("department", {"type": "integer", "minimum": 1, "maximum": INT_MAX}),
    _query("responsible", {"type": "integer", "minimum": 1, "maximum": INT_MAX}),
    {
        **_query("status", {"type": "array", "items": {"type": "string", "enum": STATUSES}}),
        "style": "form",
        "explode": True,
    },
    {
        **_query("light", {"type": "array", "items": {"type": "string", "enum": LIGHTS}}),
        "style": "form",
        "explode": True,
    },
    _query("due_from", DATE),
    _query("due_to", DATE),
    _query("sort", {"type": "string", "enum": SORTS}),
    _query("page", {"type": "integer", "minimum": 1, "maximum": 1000000}),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
]


def document() -> dict:
    unauthorized = _error("No valid API token.")
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Policy Tracker API",
            "version": "1.0.0",
            "description": "Items, their history and boards, for the systems around the tracker. "
            "Authenticate with a personal token from /account/tokens: "
            "`Authorization: Bearer <token>`.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Person": PERSON,
                "Light": LIGHT,
                "Item": ITEM,
                "ItemDetail": DETAIL,
                "Update": UPDATE,
                "Error": ERROR,
                "Report": REPORT,
                "City": CITY,
                "Standing": STANDING,
                "Ranking": RANKING,
                **openapi_cycle.SCHEMAS,
            },
        },
        "paths": {
            "/api/v1/items": {
                "get": {
                    "summary": "List the items I may see",
                    "operationId": "listItems",
                    "parameters": ITEM_LIST_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "A page of items",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["items", "page", "pages", "total"],
                                        "properties": {
                                            "items": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Item"},
                                            },
                                            "page": INTEGER,
                                            "pages": INTEGER,
                                            "total": INTEGER,
                                        },
                                        "additionalProperties": False,
                                    }
                                }
                            },
                        },
                        "400": _error("A parameter is not valid."),
                        "401": unauthorized,
                    },
                }
            },
            "/api/v1/items/{item_id}": {
                "get": {
                    "summary": "One item with its directive, milestones and history",
                    "operationId": "getItem",
                    "parameters": [ITEM_ID],
                    "responses": {
                        "200": _json("ItemDetail", "The item"),
                        "401": unauthorized,
                        "404": _error("No such item, or not visible to you."),
                    },
                }
            },
            "/api/v1/items/{item_id}/updates": {
                "post": {
                    "summary": "Report progress or change the status",
                    "operationId": "postUpdate",
                    "parameters": [ITEM_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Report"}}
                        },
                    },
                    "responses": {
                        "201": _json("ItemDetail", "Saved; the item as it is now"),
                        "400": _error("The body is not valid."),
                        "401": unauthorized,
                        "404": _error("No such item, or not visible to you."),
                        "403": _error("Leaders change nothing on an item."),
                        "409": _error("The item changed since `version`."),
                        "422": _error(
                            "A rule forbids this change (for example staff closing an item)."
                        ),
                    },
                }
            },
            **openapi_cycle.paths(_error, _json, unauthorized),
            "/api/v1/boards": {
                "get": {
                    "summary": "Per city in my scope: counts, completion, what is late",
                    "operationId": "getBoards",
                    "responses": {
                        "200": {
                            "description": "The cities",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["as_of", "cities"],
                                        "properties": {
                                            "as_of": DATE,
                                            "cities": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/City"},
                                            },
                                        },
                                        "additionalProperties": False,
                                    }
                                }
                            },
                        },
                        "401": unauthorized,
                        "403": _error("Boards are for supervisors, leaders and admins."),
                    },
                }
            },
            "/api/v1/boards/{city}/ranking": {
                "get": {
                    "summary": "考核: a city's departments ranked for a month, with the parts of "
                    "each score (score = on-time share × on_time + report share × reports − "
                    "overdue item-days per item × overdue_item_day)",
                    "operationId": "getRanking",
                    "parameters": [
                        {
                            "name": "city",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 64, "pattern": NO_NUL},
                        },
                        _query(
                            "period",
                            {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                            "The month, YYYY-MM (this month when left out).",
                        ),
                    ],
                    "responses": {
                        "200": _json("Ranking", "The departments, best first"),
                        "400": _error("The period is not a month up to this one."),
                        "401": unauthorized,
                        "403": _error("Boards are for supervisors, leaders and admins."),
                        "404": _error("No such city in your scope."),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "getOpenapi",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.0",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
    }
