"""延期申请: the lead department asks for a later due date with a reason, before the due date
(after it only once a supervisor opened a late request), at most `max_extensions` times an
item; the city's supervisors approve or refuse with a note, and the owners are told either
way. While a request waits the item keeps its date; once approved, the original due date
stays on record and the item counts as extended."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import update

from .. import audit
from ..access import leads, supervises
from ..extensions import db
from ..models import ActionItem, ExtensionRequest, ExtensionState, Status, User, utcnow
from ..reminders.policy import current_policy
from ..validation import Invalid
from .notices import notify, owners_of, supervisors_of
from .rules import OPEN
from .services import begin_change, flush_change

MAX_EXTENSION_DAYS = 366  # one request moves a due date by a year at the most


class Decided(Invalid):
    """Someone decided the request first (the API answers 409)."""


def has_room(item: ActionItem) -> bool:
    """No request waits, and the policy allows another."""
    return (
        not any(r.state == ExtensionState.PENDING for r in item.extension_requests)
        and len(item.extension_requests) < current_policy().max_extensions
    )


def may_ask(item: ActionItem, today: date) -> bool:
    """Whether the lead could ask for more time now (the form is offered only then)."""
    return (
        Status(item.status) in OPEN
        and item.due_on is not None
        and has_room(item)
        and (today <= item.due_on or item.late_extension_open)
    )


def request_extension(
    item: ActionItem,
    actor: User,
    due_on: date | None,
    reason: str | None,
    seen_version: int | None,
    today: date,
) -> ExtensionRequest:
    """The lead asks for a later due date, with a reason; the city's supervisors decide."""
    begin_change(item, seen_version)
    policy = current_policy()
    reason = (reason or "").strip()
    errors = {}
    if not leads(actor, item):
        raise Invalid({"": _("Only the lead department asks for more time.")})
    if Status(item.status) not in OPEN or item.due_on is None:
        raise Invalid({"": _("Only an open item with a due date can get more time.")})
    if any(r.state == ExtensionState.PENDING for r in item.extension_requests):
        raise Invalid({"": _("A request for this item is already waiting for a decision.")})
    if len(item.extension_requests) >= policy.max_extensions:
        raise Invalid(
            {
                "": _(
                    "This item has had %(num)d extension requests, the most the policy allows.",
                    num=len(item.extension_requests),
                )
            }
        )
    if today > item.due_on and not item.late_extension_open:
        raise Invalid(
            {
                "": _(
                    "The due date has passed: ask a supervisor to open a late extension "
                    "request first."
                )
            }
        )
    if due_on is None or due_on <= item.due_on:
        errors["due_on"] = _("Choose a date after the current due date.")
    elif due_on > item.due_on + timedelta(days=MAX_EXTENSION_DAYS):
        errors["due_on"] = _("Ask for at most a year more at a time.")
    elif item.parent is not None and item.parent.due_on and due_on > item.parent.due_on:
        errors["due_on"] = _("A child item is due no later than the item it belongs to.")
    if not reason:
        errors["reason"] = _("Give the reason for the extension.")
    if errors:
        raise Invalid(errors)
    request = ExtensionRequest(
        item=item, requested_by=actor, current_due_on=item.due_on, due_on=due_on, reason=reason
    )
    db.session.add(request)
    item.late_extension_open = False
    flush_change(item)
    event = audit.record(
        "item.extension_requested",
        item,
        actor=actor,
        version=item.version,
        request=request.id,
        due_on=[item.due_on.isoformat(), due_on.isoformat()],
    )
    notify(event, supervisors_of(item.city_id), today)
    return request


def decide_extension(
    request: ExtensionRequest,
    actor: User,
    approve: bool,
    note: str | None,
    seen_version: int | None,
    today: date,
) -> None:
    """A supervisor of the item's city approves (the due date moves; the original stays on
    record) or refuses; the owners are told either way. `seen_version` is the item's (None
    from the API, where the request's own state guards against deciding twice)."""
    item = request.item
    if seen_version is not None:
        begin_change(item, seen_version)
    if not supervises(actor):
        raise Invalid({"": _("Only the city's supervisors decide on extensions.")})
    if Status(item.status) not in OPEN:
        raise Invalid({"": _("The item is no longer open: there is nothing to extend.")})
    note = (note or "").strip() or None
    if not approve and not note:
        raise Invalid({"note": _("Say why the request is refused.")})
    state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    decided = db.session.execute(
        update(ExtensionRequest)
        .where(ExtensionRequest.id == request.id, ExtensionRequest.state == ExtensionState.PENDING)
        .values(state=state, decided_by_id=actor.id, decided_at=utcnow(), decision_note=note)
        .execution_options(synchronize_session=False)
    ).rowcount
    if decided != 1:
        raise Decided({"": _("This request has already been decided.")})
    db.session.refresh(request)
    before = item.due_on
    if approve:
        item.original_due_on = item.original_due_on or item.due_on
        item.due_on = request.due_on
    flush_change(item)
    event = audit.record(
        "item.extension_approved" if approve else "item.extension_refused",
        item,
        actor=actor,
        version=item.version,
        request=request.id,
        due_on=[before.isoformat() if before else None, item.due_on.isoformat()],
    )
    notify(event, [request.requested_by, *owners_of(item)], today)


def open_late_extension(
    item: ActionItem, actor: User, seen_version: int | None, today: date
) -> None:
    """A supervisor lets the owners ask for more time after the due date (once)."""
    begin_change(item, seen_version)
    if not supervises(actor):
        raise Invalid({"": _("Only the city's supervisors open a late extension request.")})
    if Status(item.status) not in OPEN or item.due_on is None or item.due_on >= today:
        raise Invalid({"": _("Only an open item past its due date needs a late request.")})
    item.late_extension_open = True
    flush_change(item)
    audit.record("item.extension_opened", item, actor=actor, version=item.version)
