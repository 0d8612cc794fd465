"""Sign in, sign out, forgotten and changed passwords."""

from __future__ import annotations

import smtplib

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit
from ..extensions import db
from ..mail import deliver
from ..models import Role
from ..redirects import safe_next
from . import services
from .emails import password_email
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm
from .sessions import end_session

bp = Blueprint("auth", __name__)


def landing_for(user) -> str:
    return url_for("overview.index") if user.role == Role.ADMIN else url_for("items.mine")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or landing_for(current_user))
    status = 200
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.email.data, form.password.data)
        except services.SignInRefused as refusal:
            db.session.commit()  # the failure count and its audit record must stay
            form.form_errors.append(refusal.message)
            status = 429 if refusal.status == 429 else 200
        else:
            db.session.commit()
            return redirect(safe_next(form.next.data) or landing_for(user))
    elif request.method == "POST":
        status = 400
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Sign out: the session ends on the server too."""
    if current_user.is_authenticated:
        audit.record("auth.logout", current_user._get_current_object(), actor=current_user)
    end_session()
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a password reset link by email."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found = services.request_password_reset(form.email.data)
        db.session.commit()
        if found:
            user, token = found
            message = password_email(user, token)
            try:
                deliver(message)
            except (smtplib.SMTPException, OSError):
                current_app.logger.exception("Password reset mail to %s failed", user.email)
                flash(
                    _("The email could not be sent just now. Try again in a few minutes."), "error"
                )
                return render_template("auth/forgot.html", form=form), 503
        flash(_("If an account uses that address, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with a link from the reset email."""
    reset = services.valid_reset(token)
    if reset is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetPasswordForm()
    form.account_email = reset.user.email
    if form.validate_on_submit():
        services.reset_password(reset, form.password.data)
        db.session.commit()
        flash(_("Your password is changed. Sign in with it now."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change my password; my other sessions end."""
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if services.change_password(user, form.current.data, form.password.data):
            db.session.commit()
            flash(_("Your password is changed. Other sessions were signed out."), "info")
            return redirect(landing_for(user))
        form.current.errors.append(_("That is not your current password."))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200
