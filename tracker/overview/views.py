"""The landing page."""

from flask import Blueprint, render_template

from .queries import city_summary

bp = Blueprint("overview", __name__)


@bp.get("/")
def index():
    """A plain summary of cities, speeches, directives and items by status."""
    return render_template("overview/index.html", summary=city_summary())
