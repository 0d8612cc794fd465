"""The page where a user creates and revokes API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..extensions import db
from ..inputs import bounded_int
from ..models import ApiToken
from . import tokens

bp = Blueprint("api_account", __name__)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def settings():
    """My API tokens: a new one is shown once; any can be revoked."""
    user = current_user._get_current_object()
    form = FlaskForm()
    secret = None
    if form.validate_on_submit():
        if "revoke" in request.form:
            revoke = request.form.get("revoke", type=bounded_int)
            token = db.session.get(ApiToken, revoke) if revoke is not None else None
            if token is None or token.user_id != user.id:
                abort(404)
            tokens.revoke(token, user)
        else:
            _token, secret = tokens.issue(user, request.form.get("name", ""))
        db.session.commit()
    mine = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("api/tokens.html", form=form, tokens=mine, secret=secret)
