"""Deterministic bench data shaped like a real tracker: items due -30..+60 days around today,
80 % with 1-3 milestones, about 10 status updates each, spread over many cities."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from tracker.extensions import db
from tracker.models import (
    ActionItem,
    City,
    Department,
    Directive,
    Milestone,
    Speech,
    StatusUpdate,
    User,
)
from tracker.passwords import hash_password

PASSWORD = "bench password 2026"
DEPARTMENTS = 5
STAFF_PER_DEPARTMENT = 2
DIRECTIVES = 20
UPDATES = 10
STATUSES = ["not_started", "in_progress", "at_risk", "awaiting_verification", "done"]


def build(items: int, cities: int, today: date, seed: int = 2026) -> dict:
    """Insert `items` items over `cities` cities (committed); returns who to sign in as."""
    rng = random.Random(seed)
    password = hash_password(PASSWORD)
    now = datetime.combine(today, time(9), UTC)
    db.session.execute(
        insert(City),
        [{"slug": f"city-{c}", "name": f"City {c}", "name_zh": f"城市{c}"} for c in range(cities)],
    )
    city_ids = db.session.scalars(select(City.id).order_by(City.id)).all()
    db.session.execute(
        insert(Department),
        [
            {"city_id": c, "slug": f"d{d}", "name": f"Department {d}", "name_zh": f"部门{d}"}
            for c in city_ids
            for d in range(DEPARTMENTS)
        ],
    )
    departments = db.session.execute(select(Department.id, Department.city_id)).all()
    people = [
        {
            "email": f"staff-{d}-{k}@bench.example",
            "name": f"Staff {d}-{k}",
            "role": "staff",
            "city_id": c,
            "department_id": d,
            "password_hash": password,
        }
        for d, c in departments
        for k in range(STAFF_PER_DEPARTMENT)
    ]
    people += [
        {
            "email": f"supervisor-{c}@bench.example",
            "name": f"Supervisor {c}",
            "role": "supervisor",
            "city_id": c,
            "password_hash": password,
        }
        for c in city_ids
    ]
    people.append(
        {
            "email": "admin@bench.example",
            "name": "Admin",
            "role": "admin",
            "password_hash": password,
        }
    )
    db.session.execute(insert(User), people)
    staff = {}
    for user_id, department_id in db.session.execute(
        select(User.id, User.department_id).where(User.role == "staff")
    ):
        staff.setdefault(department_id, []).append(user_id)
    text = "We must act. " * DIRECTIVES
    db.session.execute(
        insert(Speech),
        [
            {
                "city_id": c,
                "speaker": "Mayor",
                "title": f"Speech of city {c}",
                "delivered_on": today - timedelta(days=120),
                "text": text,
                "text_sha256": hashlib.sha256(f"{c}".encode()).hexdigest(),
                "published_at": now - timedelta(days=120),
            }
            for c in city_ids
        ],
    )
    speeches = dict(db.session.execute(select(Speech.city_id, Speech.id)).all())
    db.session.execute(
        insert(Directive),
        [
            {
                "speech_id": s,
                "position": p + 1,
                "title": f"Directive {p + 1}",
                "start_offset": 13 * p + 3,
                "end_offset": 13 * p + 11,
                "sentence_start": 13 * p,
                "sentence_end": 13 * p + 12,
            }
            for s in speeches.values()
            for p in range(DIRECTIVES)
        ],
    )
    directives = {}
    for directive_id, speech_id in db.session.execute(select(Directive.id, Directive.speech_id)):
        directives.setdefault(speech_id, []).append(directive_id)
    by_city = {}
    for department_id, city_id in departments:
        by_city.setdefault(city_id, []).append(department_id)
    batch = 5_000
    for start in range(0, items, batch):
        rows, plans = [], []
        for k in range(start, min(items, start + batch)):
            city = city_ids[k % len(city_ids)]
            department = rng.choice(by_city[city])
            status = rng.choice(STATUSES)
            due = today + timedelta(days=rng.randint(-30, 60))
            finished = status in ("done", "awaiting_verification")
            progress = 100 if finished else rng.randint(0, 90)
            # 80 % have 1-3 milestones, each done or not; the latest update is 0-41 days old.
            marks = [rng.random() < 0.5 for _ in range(rng.randint(1, 3))]
            marks = marks if rng.random() < 0.8 else []
            # Days and seconds since the latest update (moments differ, as in real use).
            quiet = timedelta(days=rng.randint(0, 40), seconds=rng.randint(0, 86_399))
            plans.append((marks, quiet))
            share = 100.0 * sum(marks) / len(marks) if marks else float(progress)
            rows.append(
                {
                    "directive_id": rng.choice(directives[speeches[city]]),
                    "city_id": city,
                    "department_id": department,
                    "responsible_id": rng.choice(staff[department]),
                    "title": f"Item {k}: carry out the work",
                    "priority": "normal",
                    "status": status,
                    "progress": progress,
                    "start_on": due - timedelta(days=rng.randint(30, 120)),
                    "due_on": due,
                    "completed_on": today - timedelta(days=1) if finished else None,
                    "verified_on": today - timedelta(days=1) if status == "done" else None,
                    "created_at": now - timedelta(days=130),
                    "updated_at": now - quiet,
                    "version": UPDATES + 1,
                    # The figures the app keeps with each change (tracker/items/figures.py).
                    "completion": 100.0 if status == "done" else share,
                    "last_update_at": now - quiet,
                }
            )
        db.session.execute(insert(ActionItem), rows)
        ids = db.session.scalars(
            select(ActionItem.id).order_by(ActionItem.id.desc()).limit(len(rows))
        ).all()
        milestones, updates = [], []
        for item_id, row, (marks, quiet) in zip(sorted(ids), rows, plans, strict=True):
            for m, finished in enumerate(marks):
                milestones.append(
                    {
                        "item_id": item_id,
                        "position": m + 1,
                        "title": f"Milestone {m + 1}",
                        "due_on": row["due_on"] - timedelta(days=10 * (3 - m)),
                        "weight": 1,
                        "done_on": row["due_on"] - timedelta(days=12 * (3 - m))
                        if finished
                        else None,
                    }
                )
            for u in range(UPDATES):
                last = u == UPDATES - 1
                updates.append(
                    {
                        "item_id": item_id,
                        "author_id": row["responsible_id"],
                        "created_at": now - quiet - timedelta(days=9 * (UPDATES - 1 - u)),
                        "from_status": "in_progress",
                        "to_status": row["status"] if last else "in_progress",
                        "from_progress": 5 * u,
                        "to_progress": row["progress"] if last else 5 * u + 5,
                        "note": f"Update {u}",
                    }
                )
        if milestones:
            db.session.execute(insert(Milestone), milestones)
        db.session.execute(insert(StatusUpdate), updates)
        db.session.commit()
    busiest = city_ids[0]
    first_department = by_city[busiest][0]
    return {
        "staff": f"staff-{first_department}-0@bench.example",
        "supervisor": f"supervisor-{busiest}@bench.example",
        "admin": "admin@bench.example",
        "city": "city-0",
        "item": db.session.scalar(
            select(ActionItem.id).where(ActionItem.city_id == busiest).limit(1)
        ),
    }
