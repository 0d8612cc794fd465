"""The landing page."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .queries import city_summary

bp = Blueprint("overview", __name__)


@bp.get("/")
@login_required
def index():
    """A plain summary of cities, speeches, directives and items by status, within my scope."""
    return render_template("overview/index.html", summary=city_summary(current_user))
