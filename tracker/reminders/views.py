"""The outbox page for admins, and each user's reminder settings."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import audit
from ..access import require_admin
from ..extensions import db
from ..models import Reminder, ReminderState, Role, User
from .forms import ReminderSettingsForm, RetryForm
from .lease import current as current_lease
from .queries import outbox_page
from .sending import retry_now

bp = Blueprint("reminders", __name__)


@bp.get("/admin/outbox")
@login_required
def outbox():
    """Pending, failed and sent messages, newest first, with a retry button for failures."""
    require_admin(current_user)
    return render_template(
        "reminders/outbox.html", page=outbox_page(), form=RetryForm(), lease=current_lease()
    )


@bp.post("/admin/outbox/<int:reminder_id>/retry")
@login_required
def retry(reminder_id: int):
    """Send a failed message again."""
    require_admin(current_user)
    form = RetryForm()
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None:
        abort(404)
    if not form.validate_on_submit() or reminder.state != ReminderState.FAILED:
        abort(400, _("Only a failed message can be retried."))
    retry_now(reminder)
    audit.record("reminder.retried", reminder, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The message will be sent on the next run."), "info")
    return redirect(url_for("reminders.outbox"))


@bp.route("/account/reminders", methods=["GET", "POST"])
@login_required
def settings():
    """Pause my reminders while on leave, with a delegate; opt out of the weekly digest;
    take urgent messages by SMS too."""
    user = current_user._get_current_object()
    form = ReminderSettingsForm(obj=None)
    colleagues = db.session.scalars(
        select(User)
        .where(User.is_active, User.id != user.id, User.city_id == user.city_id)
        .order_by(User.name)
    ).all()
    form.delegate.choices = [(None, _("Nobody (reminders pause)"))] + [
        (u.id, u.name) for u in colleagues
    ]
    if not form.is_submitted():
        form.paused_until.data = user.reminders_paused_until
        form.delegate.data = user.delegate_id
        form.receives_digest.data = user.receives_digest
        form.mobile.data = user.mobile
        form.sms_urgent.data = user.sms_urgent
    status = 200
    if form.validate_on_submit():
        user.reminders_paused_until = form.paused_until.data
        user.delegate_id = form.delegate.data
        if user.role != Role.STAFF:
            user.receives_digest = form.receives_digest.data
        user.mobile, user.sms_urgent = form.mobile.data, form.sms_urgent.data
        audit.record(
            "user.reminder_settings",
            user,
            actor=user,
            paused_until=str(form.paused_until.data or ""),
            delegate=form.delegate.data,
            sms=bool(user.sms_urgent),
        )
        db.session.commit()
        flash(_("Your reminder settings are saved."), "info")
        return redirect(url_for("reminders.settings"))
    if form.is_submitted():
        status = 400
    return render_template(
        "reminders/settings.html", form=form, sms_ready=bool(current_app.config["SMS_URL"])
    ), status
