"""The calendar feed and the page to create or revoke its secret link."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..clock import office_today
from ..extensions import db
from ..mail import external_url
from . import services

bp = Blueprint("calendars", __name__)


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def settings():
    """Create (or replace) or revoke my calendar link; a new link is shown once."""
    form = FlaskForm()
    user = current_user._get_current_object()
    link = None
    if form.validate_on_submit():
        if request.form.get("action") == "revoke":
            services.revoke_token(user)
        else:
            token = services.issue_token(user)
            link = external_url("calendars.feed", token=token)
        db.session.commit()
    return render_template(
        "calendars/settings.html", form=form, link=link, has_feed=bool(user.calendar_token_hash)
    )


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """My deadlines and milestones as iCalendar, for Outlook or a phone's calendar."""
    user = services.user_for_token(token)
    if user is None:
        abort(404)
    return Response(
        services.feed(user, office_today()),
        mimetype="text/calendar",
        headers={"Cache-Control": "private, max-age=300"},
    )
