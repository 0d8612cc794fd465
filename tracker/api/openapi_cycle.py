"""The OpenAPI description of the 督办 cycle's part of /api/v1 (tracker/api/cycle.py): its
request bodies, the shapes it returns and its paths, merged into openapi.document()."""

from __future__ import annotations

from ..inputs import INT_MAX

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
DATE = {"type": "string", "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}
NO_NUL = "^[^\\x00]*$"
PERSON_REF = {"$ref": "#/components/schemas/Person"}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "required": list(properties) if required is None else required,
        "properties": properties,
        "additionalProperties": False,
    }


VERSION = {"type": "integer", "description": "The item's version you based this on."}
TEXT = {"type": "string", "minLength": 1, "maxLength": 5000, "pattern": NO_NUL}

# Request bodies.
ACKNOWLEDGE = _object({"version": VERSION})
EXTENSION = _object({"version": VERSION, "due_on": DATE, "reason": TEXT})
DECISION = _object(
    {
        "approve": {"type": "boolean"},
        "note": _nullable({"type": "string", "maxLength": 5000, "pattern": NO_NUL}),
    },
    ["approve"],
)
INSTRUCTION = _object({"text": TEXT})

# What the calls return.
EXTENSION_REQUEST = _object(
    {
        "id": INTEGER,
        "item_id": INTEGER,
        "state": {"type": "string", "enum": ["pending", "approved", "refused"]},
        "requested_by": PERSON_REF,
        "requested_at": MOMENT,
        "current_due_on": DATE,
        "due_on": DATE,
        "reason": STRING,
        "decided_by": _nullable(PERSON_REF),
        "decided_at": _nullable(MOMENT),
        "note": _nullable(STRING),
    }
)
INSTRUCTION_OUT = _object(
    {
        "id": INTEGER,
        "author": PERSON_REF,
        "at": MOMENT,
        "on": {"type": "string", "enum": ["item", "directive"]},
        "text": STRING,
    }
)
DEPARTMENT = {
    "id": INTEGER,
    "name": STRING,
    "name_zh": _nullable(STRING),
    "responsible": _nullable(PERSON_REF),
}
# The fields GET /api/v1/items/{item_id} adds for the cycle.
DETAIL_FIELDS = {
    "assigned_at": _nullable(MOMENT),
    "acknowledged_at": _nullable(MOMENT),
    "first_report_at": _nullable(MOMENT),
    "submitted_at": _nullable(MOMENT),
    "lead_department": _nullable(_object(DEPARTMENT)),
    "supporting_departments": {
        "type": "array",
        "items": _object({**DEPARTMENT, "progress": INTEGER}),
    },
    "original_due_on": _nullable(DATE),
    "extension_requests": {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ExtensionRequest"},
    },
    "parent_id": _nullable(INTEGER),
    "passed_to": _nullable(STRING),
    "children": {
        "type": "array",
        "items": _object(
            {"id": INTEGER, "title": STRING, "city": STRING, "status": STRING, "progress": INTEGER}
        ),
    },
    "reporting_cycle": _nullable({"type": "string", "enum": ["monthly", "quarterly"]}),
    "instructions": {"type": "array", "items": {"$ref": "#/components/schemas/Instruction"}},
}
SCHEMAS = {
    "ExtensionRequest": EXTENSION_REQUEST,
    "Instruction": INSTRUCTION_OUT,
    "Acknowledgement": ACKNOWLEDGE,
    "NewExtensionRequest": EXTENSION,
    "Decision": DECISION,
    "NewInstruction": INSTRUCTION,
}


def _id(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": INT_MAX},
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def paths(error, json, unauthorized) -> dict:
    """The cycle's operations, with the document's helpers for error and JSON responses."""

    def post(summary, operation, parameter, body, ok, **responses):
        return {
            "post": {
                "summary": summary,
                "operationId": operation,
                "parameters": [_id(parameter)],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(body)}},
                },
                "responses": {
                    **ok,
                    "400": error("The body is not valid."),
                    "401": unauthorized,
                    "404": error("No such item or request, or not visible to you."),
                    **responses,
                },
            }
        }

    return {
        "/api/v1/items/{item_id}/acknowledge": post(
            "签收: the lead department acknowledges receipt",
            "acknowledgeItem",
            "item_id",
            "Acknowledgement",
            {"200": json("ItemDetail", "Acknowledged; the item as it is now")},
            **{
                "409": error("The item changed since `version`."),
                "422": error("Not the lead department's to acknowledge, or already done."),
            },
        ),
        "/api/v1/items/{item_id}/extension-requests": post(
            "延期申请: the lead department asks for a later due date",
            "requestExtension",
            "item_id",
            "NewExtensionRequest",
            {"201": json("ExtensionRequest", "The request, pending")},
            **{
                "409": error("The item changed since `version`."),
                "422": error(
                    "A rule forbids it: past the due date, too many requests, one pending, "
                    "or a date not after the current one."
                ),
            },
        ),
        "/api/v1/extension-requests/{request_id}/decision": post(
            "Approve or refuse an extension request (the city's supervisors)",
            "decideExtension",
            "request_id",
            "Decision",
            {"200": json("ExtensionRequest", "The request, decided")},
            **{
                "403": error("Only the city's supervisors decide."),
                "409": error("The request was already decided."),
                "422": error("A refusal needs a note."),
            },
        ),
        "/api/v1/items/{item_id}/instructions": post(
            "批示: a leader's instruction on an item",
            "instructItem",
            "item_id",
            "NewInstruction",
            {"201": json("Instruction", "The instruction; the owners and supervisors are told")},
            **{
                "403": error("Only leaders write instructions."),
                "422": error("The text is empty."),
            },
        ),
    }
