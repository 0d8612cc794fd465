"""The JSON API: tokens, scopes, the same rules and locking as the forms, and a schemathesis
run proving the OpenAPI document true (no 500s, no response outside the schema)."""

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from sqlalchemy import select

from tests.conftest import ACCOUNTS
from tracker.api.tokens import issue
from tracker.extensions import db
from tracker.models import ActionItem, ApiToken, ExtensionRequest, ExtensionState, Status

TITLE = "Compile the list of major blockchain projects for the year"  # Nanjing DRC, Wang Lei


@pytest.fixture
def token_for(seeded):
    def make(who: str) -> dict:
        from tracker.auth.services import find_user_by_email

        _token, secret = issue(find_user_by_email(ACCOUNTS[who]), "test")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return make


def _item() -> ActionItem:
    return db.session.scalar(select(ActionItem).where(ActionItem.title == TITLE))


def test_tokens_are_shown_once_stored_hashed_and_revocable(client, login_as):
    login_as("staff")
    page = client.post("/account/tokens", data={"name": "OA system"}).get_data(as_text=True)
    secret = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    stored = db.session.scalar(select(ApiToken))
    assert secret not in stored.token_hash and stored.name == "OA system"
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/items", headers=headers).status_code == 200
    assert secret not in client.get("/account/tokens").get_data(as_text=True)
    client.post("/account/tokens", data={"revoke": stored.id})
    assert client.get("/api/v1/items", headers=headers).status_code == 401


def test_a_browser_session_is_not_enough_for_the_api(client, login_as):
    login_as("admin")
    response = client.get("/api/v1/items")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_staff_list_only_what_they_may_see(client, token_for):
    body = client.get("/api/v1/items?per_page=100", headers=token_for("staff")).get_json()
    titles = {item["title"] for item in body["items"]}
    # The DRC's seven items, and one of the Big Data Administration that Wang Lei co-owns.
    assert TITLE in titles and body["total"] == len(titles) == 8
    other = client.get("/api/v1/items?per_page=100", headers=token_for("other_staff")).get_json()
    assert TITLE not in {item["title"] for item in other["items"]}


def test_item_detail_and_a_foreign_item_is_not_found(client, token_for):
    item = _item()
    body = client.get(f"/api/v1/items/{item.id}", headers=token_for("staff")).get_json()
    assert body["directive"]["source_text"] == "schedule a batch of projects"
    assert [h["to_status"] for h in body["history"]] == ["in_progress", "at_risk"]
    assert (
        client.get(f"/api/v1/items/{item.id}", headers=token_for("other_staff")).status_code == 404
    )


def test_posting_an_update_follows_the_rules_and_the_version(client, token_for):
    headers = token_for("staff")
    item = _item()
    version, url = item.version, f"/api/v1/items/{item.id}/updates"
    ok = client.post(
        url,
        json={
            "version": version,
            "status": "in_progress",
            "progress": 70,
            "note": "Eight districts in.",
        },
        headers=headers,
    )
    assert ok.status_code == 201
    assert ok.get_json()["version"] == version + 1
    assert ok.get_json()["history"][-1]["note"] == "Eight districts in."
    stale = client.post(
        url, json={"version": version, "status": "at_risk", "progress": 65}, headers=headers
    )
    assert stale.status_code == 409 and stale.get_json()["version"] == version + 1
    assert stale.get_json()["changes"][0]["by"] == "Wang Lei"
    closing = client.post(
        url,
        json={"version": version + 1, "status": "done", "progress": 100, "note": "Done!"},
        headers=headers,
    )
    assert closing.status_code == 422 and "status" in closing.get_json()["errors"]
    assert (
        client.post(
            url,
            json={"version": "x", "status": "nope", "progress": 101, "colour": 1},
            headers=headers,
        ).status_code
        == 400
    )
    assert client.post(url, data="not json", headers=headers).status_code == 400
    nul = {"version": version + 1, "status": "in_progress", "progress": 71, "note": "a\x00b"}
    assert client.post(url, json=nul, headers=headers).status_code == 400
    assert _item().status == Status.IN_PROGRESS and _item().progress == 70


def test_boards_are_for_supervisors(client, token_for):
    assert client.get("/api/v1/boards", headers=token_for("staff")).status_code == 403
    body = client.get("/api/v1/boards", headers=token_for("other_supervisor")).get_json()
    # Each city followed by its sub-units, as on /boards.
    assert [c["slug"] for c in body["cities"]] == ["jiaxing", "haining"]
    assert body["cities"][1]["parent"] == "jiaxing"


def test_unknown_api_paths_answer_in_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json


# Generated requests per operation, role and mode; `make fuzz` raises it (FUZZ_EXAMPLES).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzz_the_api_keeps_to_its_openapi_document(app, token_for, mode):
    """Every operation, as an admin, a supervisor, a staff member and a leader. Valid requests get a
    documented status, content type and body; invalid ones (a string beyond its maxLength,
    a wrong type, a missing field, a number out of range) are refused with a 4xx. No 500."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "GET /api/v1/items",
        "GET /api/v1/items/{item_id}",
        "POST /api/v1/items/{item_id}/updates",
        "GET /api/v1/boards",
        "POST /api/v1/items/{item_id}/acknowledge",
        "POST /api/v1/items/{item_id}/extension-requests",
        "POST /api/v1/extension-requests/{request_id}/decision",
        "POST /api/v1/items/{item_id}/instructions",
    }
    if mode == GenerationMode.NEGATIVE:  # only what the caller sends can be made invalid
        operations = [op for op in operations if op.body or _parameters(op) - {"Authorization"}]
    for role in ("admin", "supervisor", "staff", "leader"):
        for operation in operations:
            _keeps_to_the_document(operation, mode, token_for(role))


def _parameters(operation) -> set[str]:
    return {parameter.name for parameter in operation.iter_parameters()}


def _keeps_to_the_document(operation, mode, headers):
    # The token is fixed, not generated: a negative case then varies only the request.
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def check(case):
        # A valid report may still break a rule (422): that is the document's answer too.
        case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])

    check()


def test_every_max_length_the_document_declares_is_enforced(client, token_for):
    """Each string the OpenAPI document limits, in a query or a body, is refused one
    character beyond its maxLength with a 400 that names it and the limit."""
    from tracker.api.openapi import document

    staff, item = token_for("staff"), _item()
    # Each call as the role that may make it: a decision by a supervisor, a 批示 by a leader.
    callers = {"decision": token_for("supervisor"), "instructions": token_for("leader")}
    pending = db.session.scalar(
        select(ExtensionRequest.id).where(ExtensionRequest.state == ExtensionState.PENDING)
    )
    report = {"version": item.version, "status": "in_progress", "progress": 50}
    checked = set()
    for path, operations in document()["paths"].items():
        url = path.replace("{item_id}", str(item.id)).replace("{request_id}", str(pending))
        headers = next((h for key, h in callers.items() if key in path), staff)
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                limit = parameter["schema"].get("maxLength")
                if parameter["in"] != "query" or limit is None:
                    continue
                query = {parameter["name"]: "x" * (limit + 1)}
                response = client.open(url, method=method, query_string=query, headers=headers)
                assert response.status_code == 400, (path, parameter["name"])
                errors = response.get_json()["errors"]
                assert errors[parameter["name"]] == f"at most {limit} characters"
                checked.add(parameter["name"])
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            name = body["schema"]["$ref"].rsplit("/", 1)[-1]
            for field, schema in document()["components"]["schemas"][name]["properties"].items():
                limit = schema.get("maxLength")
                if limit is None:
                    continue
                value = ("https://example.org/" + "x" * limit)[: limit + 1]
                response = client.open(
                    url, method=method, json={**report, field: value}, headers=headers
                )
                assert response.status_code == 400, (path, field)
                assert response.get_json()["errors"][field] == f"at most {limit} characters"
                checked.add(field)
    assert checked >= {"q", "city", "note", "evidence_url", "reason", "text"}
    assert _item().version == item.version


def test_unknown_or_empty_list_parameters_are_refused_by_name(client, token_for):
    headers = token_for("staff")
    unknown = client.get("/api/v1/items?colour=red", headers=headers)
    assert unknown.status_code == 400
    assert unknown.get_json()["errors"] == {"colour": "unknown parameter"}
    empty = client.get("/api/v1/items?page=&per_page=&due_from=", headers=headers)
    assert empty.status_code == 400
    assert set(empty.get_json()["errors"]) == {"page", "per_page", "due_from"}
    assert client.get("/api/v1/boards?x=1", headers=token_for("admin")).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,  # nested beyond the parser's depth: was a RecursionError
        '{"version": 1, "status": "in_progress", "progress": 5, "note": "\\ud800"}',
        '{"version": 1, "status": {"a": 1}, "progress": 5}',  # unhashable: was a TypeError
        '{"version": 1, "status": "in_progress", "progress": 5, "a\\u0000b": 1}',
    ],
)
def test_malformed_json_gets_a_400(client, token_for, body):
    """Each of these was a 500 (found by tests/test_fuzz.py); none changes the item."""
    item = _item()
    response = client.post(
        f"/api/v1/items/{item.id}/updates",
        data=body,
        content_type="application/json",
        headers=token_for("staff"),
    )
    assert response.status_code == 400 and response.is_json
    assert _item().version == item.version
