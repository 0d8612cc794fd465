"""The items blueprint, shared by the item pages (views.py) and the list (listing.py)."""

from flask import Blueprint, current_app
from flask_login import current_user, login_required

from ..models import User

bp = Blueprint("items", __name__)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs a signed-in user."""


def signed_in_user() -> User:
    return current_user._get_current_object()


def amber_days() -> int:
    return current_app.config["TRACKER_AMBER_DAYS"]
