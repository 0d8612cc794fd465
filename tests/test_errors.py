"""Failed requests show a plain page, leak nothing, and leave nothing half-written."""

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
    assert "Internal Server Error" in body
    assert "secret internals" not in body and "Traceback" not in body
    assert db.session.scalar(select(func.count()).select_from(City)) == 0
    assert "secret internals" in caplog.text
