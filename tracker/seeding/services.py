"""Loading the demo plan: cities, departments, users, the speeches and their action items.

Idempotent: every record is found by its natural key before anything is created, and a
speech's items are created only together with the speech, so a second run changes nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .. import audit
from ..clock import office_zone
from ..extensions import db
from ..models import (
    ActionItem,
    City,
    Department,
    Milestone,
    Role,
    Speech,
    Status,
    StatusUpdate,
    User,
)
from ..passwords import hash_password
from ..speeches.services import find_imported, import_speech, read_speech_file
from .cycle import seed_cycle, seed_part, seed_supporters
from .plan import ItemPlan, Plan, PlanError

SOURCE = "seed"
ASSIGNED_ON_DAY = 3


def seed(plan: Plan, seeds_dir: Path, *, anchor: str, today: date) -> Counter:
    """Create what the plan names and the database lacks; return counts of what was created.
    Flushes; the caller commits."""
    created: Counter = Counter()
    cities = _seed_cities(plan, created)
    departments = _seed_departments(plan, cities, created)
    users = _seed_users(plan, cities, departments, created)
    for speech_plan in plan.speeches:
        text = read_speech_file(seeds_dir / speech_plan.file)
        if find_imported(text) is not None:
            continue
        speech = import_speech(
            text,
            city=cities[speech_plan.city],
            speaker=speech_plan.speaker,
            delivered_on=speech_plan.delivered_on,
            title=speech_plan.title,
            title_zh=speech_plan.title_zh,
            outlet=speech_plan.outlet,
            source_name=speech_plan.file,
            source=SOURCE,
        )
        created["speeches"] += 1
        created["directives"] += len(speech.directives)
        day_zero = speech.delivered_on if anchor == "speech" else today - timedelta(plan.demo_day)
        timeline = _Timeline(day_zero, office_zone())
        for item_plan in (p for p in plan.items if p.speech == speech_plan.key):
            _seed_item(item_plan, speech, cities, departments, users, timeline)
            created["items"] += 1 + len(item_plan.children)
    db.session.flush()
    return created


def _seed_cities(plan: Plan, created: Counter) -> dict[str, City]:
    cities = {c.slug: c for c in db.session.scalars(select(City))}
    for entry in plan.cities:
        if entry.slug in cities:
            continue
        if entry.parent and entry.parent not in cities:
            raise PlanError(f"city {entry.slug!r}: parent {entry.parent!r} must come first")
        city = City(slug=entry.slug, name=entry.name, name_zh=entry.name_zh)
        city.parent = cities.get(entry.parent) if entry.parent else None
        db.session.add(city)
        cities[entry.slug] = city
        created["cities"] += 1
    db.session.flush()
    return cities


def _seed_departments(plan, cities, created) -> dict[tuple[str, str], Department]:
    departments = {(d.city.slug, d.slug): d for d in db.session.scalars(select(Department))}
    for entry in plan.departments:
        if (entry.city, entry.slug) in departments:
            continue
        if entry.city not in cities:
            raise PlanError(f"department {entry.slug!r}: unknown city {entry.city!r}")
        department = Department(
            city=cities[entry.city], slug=entry.slug, name=entry.name, name_zh=entry.name_zh
        )
        db.session.add(department)
        departments[(entry.city, entry.slug)] = department
        created["departments"] += 1
    db.session.flush()
    return departments


def _seed_users(plan, cities, departments, created) -> dict[str, User]:
    users = {u.email: u for u in db.session.scalars(select(User))}
    for entry in plan.users:
        if entry.email in users:
            continue
        department = departments.get((entry.city, entry.department)) if entry.department else None
        if entry.department and department is None:
            raise PlanError(f"user {entry.email}: unknown department {entry.department!r}")
        user = User(
            email=entry.email,
            name=entry.name,
            role=entry.role,
            city=cities.get(entry.city) if entry.city else None,
            department=department,
            title=entry.title,
            locale=entry.locale,
            password_hash=hash_password(plan.demo_password),
        )
        db.session.add(user)
        db.session.flush()
        audit.record("user.created", user, source=SOURCE, role=str(entry.role))
        users[entry.email] = user
        created["users"] += 1
    return users


class _Timeline:
    """Turns the plan's day numbers into dates and office-hour timestamps."""

    def __init__(self, day_zero: date, zone: ZoneInfo) -> None:
        self.day_zero = day_zero
        self.zone = zone
        self._ticks = 0

    def on(self, day: int) -> date:
        return self.day_zero + timedelta(days=day)

    def at(self, day: int) -> datetime:
        """Mid-morning of that day in the office's time zone, a minute apart per event."""
        self._ticks += 1
        local = datetime.combine(self.on(day), time(10, 0), self.zone)
        return (local + timedelta(minutes=self._ticks % 300)).astimezone(UTC)


def _seed_item(plan: ItemPlan, speech, cities, departments, users, timeline: _Timeline) -> None:
    directive = _find_directive(plan, speech)
    city_slug = plan.city or speech.city.slug
    city = cities[city_slug]
    responsible = _user(users, plan.responsible, plan)
    supervisor = _city_supervisor(city, users)
    department = departments.get((city_slug, plan.department))
    if department is None:
        raise PlanError(f"item {plan.title!r}: no department {plan.department!r} in {city_slug}")
    item = ActionItem(
        directive=directive,
        city=city,
        department=department,
        responsible=responsible,
        co_owners=[_user(users, email, plan) for email in plan.co_owners],
        title=plan.title,
        priority=plan.priority,
        status=Status.NOT_STARTED,
        progress=0,
        start_on=timeline.on(plan.start),
        due_on=timeline.on(plan.due),
        # Assigned (交办) a few days after the speech, never later than its first report.
        created_at=timeline.at(
            plan.assigned
            if plan.assigned is not None
            else min([ASSIGNED_ON_DAY, *(u.day for u in plan.history)])
        ),
    )
    item.milestones = [
        Milestone(
            position=position,
            title=m.title,
            due_on=timeline.on(m.due),
            done_on=timeline.on(m.done) if m.done is not None else None,
            weight=m.weight,
        )
        for position, m in enumerate(plan.milestones, start=1)
    ]
    context = _CycleContext(timeline, cities, departments, users, supervisor, plan)
    seed_supporters(item, plan, context)
    parts = iter(sorted(plan.parts, key=lambda p: p.day))
    part = next(parts, None)
    for update in plan.history:
        while part is not None and part.day <= update.day:  # supporters' reports in between
            seed_part(item, part, context)
            part = next(parts, None)
        evidence = plan.evidence if update.status == Status.AWAITING_VERIFICATION else None
        _append(
            item,
            responsible,
            timeline.at(update.day),
            update.status,
            update.progress,
            update.note,
            evidence,
        )
        if update.status == Status.AWAITING_VERIFICATION:
            item.completed_on = timeline.on(update.day)
    for rest in [part, *parts] if part is not None else []:
        seed_part(item, rest, context)
    if plan.verified:
        day, note = plan.verified
        _append(item, supervisor, timeline.at(day), Status.DONE, 100, note)
        item.verified_on = timeline.on(day)
        item.verified_by = supervisor
    if plan.cancelled:
        day, note = plan.cancelled
        _append(item, supervisor, timeline.at(day), Status.CANCELLED, item.progress, note)
    item.updated_at = item.updates[-1].created_at if item.updates else item.created_at
    db.session.add(item)
    seed_cycle(item, plan, context)
    item.updated_at = max(u.created_at for u in item.updates) if item.updates else item.created_at
    db.session.flush()
    audit.record("item.seeded", item, source=SOURCE, directive=directive.position)


class _CycleContext:
    """What seeding the cycle needs of the seeding (see seeding/cycle.py)."""

    def __init__(self, timeline, cities, departments, users, supervisor, plan) -> None:
        self.timeline, self.cities, self.departments = timeline, cities, departments
        self.supervisor, self._users, self._plan = supervisor, users, plan

    def user(self, email: str) -> User:
        return _user(self._users, email, self._plan)

    def add(self, row) -> None:
        db.session.add(row)

    def flush(self) -> None:
        db.session.flush()


def _append(item, author, at, status, progress, note, evidence=None) -> None:
    item.updates.append(
        StatusUpdate(
            author=author,
            created_at=at,
            from_status=item.status,
            to_status=status,
            from_progress=item.progress,
            to_progress=progress,
            note=note,
            evidence_url=evidence,
        )
    )
    item.status = status
    item.progress = progress


def _find_directive(plan: ItemPlan, speech: Speech):
    matches = [d for d in speech.directives if d.source_text.startswith(plan.directive)]
    if len(matches) != 1:
        found = "no directive" if not matches else f"{len(matches)} directives"
        raise PlanError(
            f"item {plan.title!r}: {found} of speech {plan.speech!r} start with {plan.directive!r}"
        )
    return matches[0]


def _user(users: dict[str, User], email: str, plan: ItemPlan) -> User:
    if email not in users:
        raise PlanError(f"item {plan.title!r}: unknown user {email!r}")
    return users[email]


def _city_supervisor(city: City, users: dict[str, User]) -> User | None:
    """The supervisor of the city, or of the city it belongs to."""
    for scope in (city, city.parent):
        for user in users.values():
            if scope is not None and user.role == Role.SUPERVISOR and user.city is scope:
                return user
    return None
