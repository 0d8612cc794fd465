"""Failed requests show a plain page, leak nothing, and leave nothing half-written."""

import re

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import City


def test_an_unexpected_error_gives_a_generic_500_and_rolls_back(app, client, caplog):
    def half_done():
        db.session.add(City(slug="half", name="Half-written"))
        db.session.flush()
        raise ZeroDivisionError("secret internals")

    app.add_url_rule("/boom", view_func=half_done)
    page = client.get("/boom")
    body = page.get_data(as_text=True)
    assert page.status_code == 500
    assert "Something went wrong" in body and "nothing was saved" in body
    assert "secret internals" not in body and "Traceback" not in body
    assert db.session.scalar(select(func.count()).select_from(City)) == 0
    assert "secret internals" in caplog.text


# Each of the following was a 500, found by the fuzzer (tests/test_fuzz.py).


@pytest.fixture
def admin_token(client, login_as):
    from tracker.api.tokens import issue

    _token, secret = issue(login_as("admin"), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_an_id_beyond_every_integer_column_is_not_found(app, client, admin_token, number):
    """PostgreSQL's integer ends at 2^31 - 1, SQLite's at 2^63 - 1: a larger id in any
    route is a 404 like any missing one, whatever the method."""
    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert len(rules) > 10
    for rule in rules:
        path = re.sub(r"<int:[^>]+>", str(number), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, headers=admin_token)
            assert response.status_code == 404, (method, path)


def test_filters_with_numbers_or_dates_out_of_range_are_errors_not_500s(client, login_as):
    """Out-of-range ids and dates are no choice of the filter: the list shows why beside it,
    the export answers 400; a page number beyond reason is the last page."""
    login_as("admin")
    huge = "9" * 30
    for path in (
        f"/items?department=2147483648&responsible=9223372036854775808&page={huge}",
        "/items?due_from=0001-01-01&due_to=9999-12-31",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'class="errors"' in response.get_data(as_text=True), path
    export = client.get("/items.csv?department=2147483648&responsible=-9223372036854775809")
    assert export.status_code == 400
    assert "is not one of the choices" in export.get_data(as_text=True)
    for path in (
        f"/admin/audit?since=0001-01-01&until=9999-12-31&page={huge}",
        "/admin/audit?page=-3",
    ):
        assert client.get(path).status_code == 200, path


def test_a_tampered_milestone_id_or_a_date_beyond_reason_is_refused(client, login_as):
    from tracker.models import ActionItem

    login_as("supervisor")
    item = db.session.scalar(select(ActionItem).where(ActionItem.title.startswith("Compile")))
    version = item.version
    form = {
        "version": version,
        "title": item.title,
        "milestones-0-title": "Survey the districts",
        "milestones-0-weight": "1",
    }
    for change in (
        {"milestones-0-milestone_id": "abc"},
        {"milestones-0-milestone_id": "2147483648"},
        {"due_on": "9999-12-31"},
        {"start_on": "0001-01-01"},
        {"milestones-0-due_on": "9999-12-31"},
    ):
        response = client.post(f"/items/{item.id}/schedule", data={**form, **change})
        assert response.status_code == 400, change
    assert db.session.get(ActionItem, item.id).version == version


@pytest.mark.parametrize(
    "path", ["/boards/a%00b", "/items?q=fine&q=a%00b", "/items?a%00b=1", "/speeches/1%00"]
)
def test_a_nul_anywhere_in_the_address_is_a_400(client, login_as, path):
    login_as("supervisor")
    assert client.get(path).status_code in (400, 404)
    if path.startswith("/boards") or "?" in path:
        assert client.get(path).status_code == 400


def test_json_bodies_are_for_the_api_only(client, seeded):
    """Flask-WTF would read a JSON body as the form, whatever its shape ([1, 2] was a 500)."""
    for body in ([1, 2], "text", {"email": "a\x00b"}, {"email": "x@example.com"}):
        assert client.post("/password/forgot", json=body).status_code == 415


def test_options_without_signing_in_is_no_error(client, seeded):
    for path in ("/boards", "/admin/users", "/items"):
        response = client.options(path)
        assert response.status_code < 500 and "GET" in response.headers["Allow"], path


def test_revoking_a_token_that_cannot_exist_is_not_found(client, login_as):
    from tracker.models import ApiToken

    login_as("staff")
    for value in ("9223372036854775808", "abc", ""):
        assert client.post("/account/tokens", data={"revoke": value}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_form_field_whose_name_cannot_be_read_is_a_400(app, client, seeded):
    """A line break in a multipart field's name leaves the field without one; Flask-WTF's
    CSRF check then failed with a 500."""
    import io

    from werkzeug.datastructures import MultiDict

    app.config["WTF_CSRF_ENABLED"] = True
    data = MultiDict([("\r\n", "x"), ("file", (io.BytesIO(b"x"), "a.txt"))])
    response = client.post("/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
