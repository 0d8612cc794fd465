"""Who may see and do what, decided here and nowhere else.

Staff see their department's items, the items they own or co-own, the items their
department supports (协办) and the children of their department's items (转办); supervisors
and leaders see every item of their city and its sub-units, and the items passed down to
them; admins see everything. Pages, the API and reminders all filter through
`visible_items`; an item outside it is "not found", never "forbidden". Leaders watch and
write instructions (批示); they change nothing else.
"""

from __future__ import annotations

from flask import abort, g, has_request_context
from sqlalchemy import ColumnElement, and_, or_, select, true, union
from sqlalchemy.orm import Session

from .extensions import db
from .models import (
    ActionItem,
    City,
    Department,
    Directive,
    ItemSupporter,
    Role,
    Speech,
    User,
    item_co_owners,
)


def city_scope_ids(user: User) -> list[int]:
    """The user's city and its sub-units (none for an admin without a city: see
    `supervised_cities`)."""
    if user.city_id is None:
        return []
    return list(
        db.session.scalars(
            select(City.id).where(or_(City.id == user.city_id, City.parent_id == user.city_id))
        )
    )


def visible_items(user: User) -> ColumnElement[bool]:
    """The WHERE clause of the items `user` may see; worked out once per request (a page
    filters through it several times)."""
    if not has_request_context():
        return _visible_items(user)
    kept = g.setdefault("visible_items", {})
    if user.id not in kept:
        kept[user.id] = _visible_items(user)
    return kept[user.id]


def _visible_items(user: User) -> ColumnElement[bool]:
    if user.role == Role.ADMIN:
        return true()
    if user.role in (Role.SUPERVISOR, Role.LEADER):
        scope = city_scope_ids(user)
        # The few items passed down to the scope (转办) by id: a city filter alone keeps to
        # the index when there are none, and an OR of two columns would not.
        passed = list(
            db.session.scalars(
                select(ActionItem.id).where(
                    ActionItem.passed_to_city_id.in_(scope), ActionItem.city_id.not_in(scope)
                )
            )
        )
        city = ActionItem.city_id.in_(scope)
        return or_(city, ActionItem.id.in_(passed)) if passed else city
    # Staff: their department's items, those they own or co-own elsewhere, those their
    # department supports and the children of their department's items, as one id list
    # the database reads by index (an OR with the co-owners reads every item).
    departments = select(ActionItem.id).where(ActionItem.department_id == user.department_id)
    theirs = union(
        departments,
        select(ActionItem.id).where(ActionItem.responsible_id == user.id),
        select(item_co_owners.c.item_id).where(item_co_owners.c.user_id == user.id),
        select(ItemSupporter.item_id).where(
            or_(
                ItemSupporter.department_id == user.department_id,
                ItemSupporter.responsible_id == user.id,
            )
        ),
        select(ActionItem.id).where(ActionItem.parent_id.in_(departments)),
    )
    return and_(ActionItem.id.in_(theirs), ActionItem.directive_id.in_(published_directives()))


def published_directives():
    """Directives of published speeches: a draft's items are for supervisors only."""
    return select(Directive.id).join(Directive.speech).where(Speech.published_at.is_not(None))


def item_or_404(user: User, item_id: int, *, session: Session | None = None) -> ActionItem:
    """The item, if `user` may see it; else 404, so its existence is not revealed."""
    session = session or db.session
    item = session.scalar(select(ActionItem).where(ActionItem.id == item_id, visible_items(user)))
    if item is None:
        abort(404)
    return item


def supervises(user: User) -> bool:
    """May verify, close, return, assign and schedule the items the user can see."""
    return user.role in (Role.SUPERVISOR, Role.ADMIN)


def watches(user: User) -> bool:
    """Sees the boards and every item of the cities in scope: supervisors, leaders, admins."""
    return user.role in (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def require_watcher(user: User) -> None:
    if not watches(user):
        abort(403)


def instructs(user: User) -> bool:
    """May write instructions (批示): leaders only."""
    return user.role == Role.LEADER


def leads(user: User, item: ActionItem) -> bool:
    """Acts for the lead department (主办) of an item it can see: its responsible person, a
    co-owner, or staff of that department. Only the lead acknowledges, asks for more time
    and submits."""
    if user.role != Role.STAFF:
        return False
    return (
        item.responsible_id == user.id
        or user.department_id == item.department_id
        or any(u.id == user.id for u in item.co_owners)
    )


def supports(user: User, item: ActionItem):
    """The supporting department (协办) the user reports for on this item, or None."""
    if user.role != Role.STAFF or leads(user, item):
        return None
    return next(
        (
            s
            for s in item.supporters
            if s.department_id == user.department_id or s.responsible_id == user.id
        ),
        None,
    )


def require_supervisor(user: User) -> None:
    if not supervises(user):
        abort(403)


def require_admin(user: User) -> None:
    if user.role != Role.ADMIN:
        abort(403)


def related_city_ids(user: User) -> set[int]:
    """The user's city scope plus the city it belongs to (Haining's staff follow Jiaxing's
    speeches)."""
    ids = set(city_scope_ids(user))
    if user.city is not None and user.city.parent_id is not None:
        ids.add(user.city.parent_id)
    return ids


def visible_speeches(user: User) -> ColumnElement[bool]:
    """Speeches of the cities related to the user; published speeches are not secret."""
    if user.role == Role.ADMIN:
        return true()
    related = Speech.city_id.in_(related_city_ids(user))
    return related if supervises(user) else and_(related, Speech.published_at.is_not(None))


def parents_first(cities: list[City]) -> list[City]:
    """Each city followed by its sub-units; a sub-unit whose city is not listed comes first."""
    listed = {c.id for c in cities}
    ordered = []
    for city in cities:
        if city.parent_id is None or city.parent_id not in listed:
            ordered.append(city)
            ordered += [c for c in cities if c.parent_id == city.id]
    return ordered


def supervised_cities(user: User) -> list[City]:
    """The cities whose items the user sees as a supervisor does (admins: every city), each
    followed by its sub-units."""
    query = select(City).order_by(City.name)
    if user.role != Role.ADMIN:
        query = query.where(City.id.in_(city_scope_ids(user)))
    return parents_first(list(db.session.scalars(query)))


def related_cities(user: User) -> list[City]:
    """The cities whose speeches and items concern the user: for filters and summaries."""
    query = select(City).order_by(City.name)
    if user.role != Role.ADMIN:
        query = query.where(City.id.in_(related_city_ids(user)))
    return parents_first(list(db.session.scalars(query)))


def within(city: City) -> list[int]:
    """A city and its sub-units: what a city's figures, speeches and assignments include."""
    return [city.id, *(c.id for c in city.sub_units)]


def city_or_404(user: User, slug: str) -> City:
    """The city, if the user supervises it; else 404."""
    city = next((c for c in supervised_cities(user) if c.slug == slug), None)
    if city is None:
        abort(404)
    return city


def speech_or_404(user: User, speech_id: int) -> Speech:
    """The speech, if the user supervises its city; else 403 for staff, 404 for the rest."""
    require_supervisor(user)
    speech = db.session.get(Speech, speech_id)
    if speech is None or (user.role != Role.ADMIN and speech.city_id not in city_scope_ids(user)):
        abort(404)
    return speech


def department_or_404(user: User, department_id: int) -> Department:
    """The department, if the user supervises its city; else 403 for staff, 404 for the rest."""
    require_supervisor(user)
    department = db.session.get(Department, department_id)
    if department is None or (
        user.role != Role.ADMIN and department.city_id not in city_scope_ids(user)
    ):
        abort(404)
    return department
