"""Who hears of an item's events, and the notices that tell them: one outbox message per
person and audited event (a 批示, an extension asked or decided, an item passed down)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import ActionItem, AuditEvent, City, ReminderKind, Role, User, utcnow
from ..reminders.outbox import outbox_entry, plan_messages


def owners_of(item: ActionItem) -> list[User]:
    """The active people an item's messages go to: its responsible person, co-owners and the
    responsible people of its supporting departments."""
    people = [item.responsible, *item.co_owners, *(s.responsible for s in item.supporters)]
    seen, result = set(), []
    for person in people:
        if person is not None and person.is_active and person.id not in seen:
            seen.add(person.id)
            result.append(person)
    return result


def supervisors_of(city_id: int) -> list[User]:
    """The active supervisors of a city: its own and those of the city it belongs to."""
    city = db.session.get(City, city_id)
    cities = [city.id] + ([city.parent_id] if city.parent_id else [])
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.SUPERVISOR, User.is_active, User.city_id.in_(cities))
            .order_by(User.id)
        )
    )


def notify(event: AuditEvent, people: list[User], today: date) -> None:
    """One notice per person about an audited event (批示, an extension asked or decided, an
    item passed down), through the outbox: unique by event and person."""
    db.session.flush()  # the event's id
    people = [p for p in people if p.id != event.actor_id]  # not the one who did it
    now = utcnow()
    plan_messages(
        [
            outbox_entry(
                ReminderKind.NOTICE, f"{event.id}:{p.id}", p.id, today, now, event_id=event.id
            )
            for p in {p.id: p for p in people}.values()
        ]
    )
