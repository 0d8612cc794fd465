"""Speech pages."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from .queries import speech_list, speech_page

bp = Blueprint("speeches", __name__)


@bp.get("/speeches")
@login_required
def index():
    """The speeches of my cities, with how far their directives have got."""
    return render_template("speeches/index.html", rows=speech_list(current_user))


@bp.get("/speeches/<int:speech_id>")
@login_required
def detail(speech_id: int):
    """The verbatim speech with every directive highlighted and linked to its items."""
    page = speech_page(speech_id, current_user)
    if page is None:
        abort(404)
    return render_template("speeches/detail.html", page=page, speech=page.speech)
