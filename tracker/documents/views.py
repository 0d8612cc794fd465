"""/items/<id>/notice.pdf (督办单) and /boards/<city>/bulletin.pdf (督查通报)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import city_or_404, item_or_404, require_supervisor, require_watcher
from ..boards import ranking
from ..clock import office_today
from ..extensions import db
from ..i18n import local_name
from ..inputs import content_disposition
from ..items.rules import OPEN
from ..reminders.policy import current_policy
from . import bulletins, notices

bp = Blueprint("documents", __name__)


@bp.before_request
@login_required
def _supervisors_only() -> None:
    """督办单 are issued by supervisors; 督查通报 are read by leaders too (they get them)."""
    if current_user.is_authenticated:
        if request.endpoint == "documents.bulletin":
            require_watcher(current_user)
        else:
            require_supervisor(current_user)


@bp.get("/items/<int:item_id>/notice.pdf")
def notice(item_id: int):
    """The item's 督办单 at its level today; issuing it is recorded in its audit trail
    (once a day and level: asking again gives the same number)."""
    item = item_or_404(current_user, item_id)
    if item.status not in OPEN:
        abort(409, _("This item is closed or awaiting verification: it takes no notice."))
    notice = notices.issue(
        item, current_user._get_current_object(), office_today(), current_policy()
    )
    document = notices.notice_pdf(notice, local_name(item.city))
    db.session.commit()
    name = str(notice.level.title)
    return _pdf(document, f"{name}-{notice.number}.pdf", f"notice-{notice.number}.pdf")


@bp.get("/boards/<slug>/bulletin.pdf")
def bulletin(slug: str):
    """The city's 督查通报 for a month (YYYY-MM; this month so far when left out)."""
    city = city_or_404(current_user, slug)
    today = office_today()
    month = ranking.month_of(request.args.get("period"), today)
    if month is None:
        abort(400, _("Give the month as YYYY-MM, from 2000-01 to this one."))
    document = bulletins.bulletin_pdf(city, month[0], today, current_policy())
    name = _("bulletin")
    period = f"{month[0]:%Y-%m}"
    return _pdf(
        document,
        f"{name}-{local_name(city)}-{period}.pdf",
        f"bulletin-{city.slug}-{period}.pdf",
    )


def _pdf(document: bytes, filename: str, fallback: str) -> Response:
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition("inline", filename, fallback)},
    )
