"""The one way a message enters the outbox: a row with a unique key, so planning it twice adds
nothing, and the sender (sending.py) delivers it, retrying until it goes or gives up."""

from __future__ import annotations

from datetime import date, datetime

from ..database import insert_ignoring_duplicates
from ..models import Channel, Reminder, ReminderKind, ReminderState


def outbox_entry(
    kind: ReminderKind,
    key: str,
    recipient_id: int | None,
    period_on: date,
    now: datetime,
    *,
    speech_id: int | None = None,
    update_id: int | None = None,
    event_id: int | None = None,
    channel: Channel = Channel.EMAIL,
    department_id: int | None = None,
) -> dict:
    """One message; `key` names what it is about within its kind (a recipient and a day, a
    speech and a person, a history entry and a person). A group robot's message goes to a
    department instead of a person."""
    return {
        "key": f"{kind}:{key}",
        "kind": kind,
        "channel": channel,
        "recipient_id": recipient_id,
        "department_id": department_id,
        "period_on": period_on,
        "speech_id": speech_id,
        "update_id": update_id,
        "event_id": event_id,
        "state": ReminderState.PENDING,
        "attempts": 0,
        "created_at": now,
    }


def plan_messages(entries: list[dict]) -> None:
    """Put the messages in the outbox (in the caller's transaction); keys already there are
    left alone."""
    insert_ignoring_duplicates(Reminder, entries, ["key"])
