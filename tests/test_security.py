"""CSRF protection on every state-changing route, found from the route table."""

import re

import pytest

from tests.conftest import ACCOUNTS, DEMO_PASSWORD


def _post_rules(app):
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if {"POST", "PUT", "PATCH", "DELETE"} & set(rule.methods or ())
    )


def test_every_state_changing_route_refuses_a_request_without_a_csrf_token(app, client, seeded):
    app.config["WTF_CSRF_ENABLED"] = True
    rules = _post_rules(app)
    assert "/items/<int:item_id>/report" in rules and "/login" in rules
    for rule in rules:
        path = re.sub(r"<[^>]+>", "1", rule)
        response = client.post(path, data={"email": ACCOUNTS["staff"], "password": DEMO_PASSWORD})
        assert response.status_code == 400, rule
        assert "CSRF" in response.get_data(as_text=True), rule


@pytest.mark.parametrize("page", ["/login", "/password/forgot"])
def test_forms_carry_a_csrf_token(app, client, page):
    app.config["WTF_CSRF_ENABLED"] = True
    assert 'name="csrf_token"' in client.get(page).get_data(as_text=True)
