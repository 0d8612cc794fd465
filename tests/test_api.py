"""The JSON API: tokens, scopes, the same rules and locking as the forms, and a schemathesis
run proving the OpenAPI document true (no 500s, no response outside the schema)."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from tests.conftest import ACCOUNTS
from tracker.api.tokens import issue
from tracker.extensions import db
from tracker.models import ActionItem, ApiToken, Status

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
    # The DRC's three items, and one of the Big Data Administration that Wang Lei co-owns.
    assert TITLE in titles and body["total"] == len(titles) == 4
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
    assert [c["slug"] for c in body["cities"]] == ["haining", "jiaxing"]
    assert body["cities"][0]["parent"] == "jiaxing"


def test_unknown_api_paths_answer_in_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json


def test_the_api_keeps_to_its_openapi_document(app, token_for):
    """Every operation, with generated valid requests as an admin: no 500, and every
    response matches its documented status, content type and schema."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = token_for("admin")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "GET /api/v1/items",
        "GET /api/v1/items/{item_id}",
        "POST /api/v1/items/{item_id}/updates",
        "GET /api/v1/boards",
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case):
            case.call_and_validate(headers=headers)

        check()
