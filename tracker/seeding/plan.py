"""Reading seeds/plan.toml into checked records; a mistake names the entry it is in."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..models import Priority, Role, Status


class PlanError(ValueError):
    """The plan file is wrong; the message says where."""


@dataclass(frozen=True)
class CityPlan:
    slug: str
    name: str
    name_zh: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class DepartmentPlan:
    city: str
    slug: str
    name: str
    name_zh: str | None = None


@dataclass(frozen=True)
class UserPlan:
    email: str
    name: str
    role: Role
    city: str | None = None
    department: str | None = None
    title: str | None = None
    locale: str = "en"


@dataclass(frozen=True)
class SpeechPlan:
    key: str
    file: str
    city: str
    speaker: str
    delivered_on: date
    title: str | None = None
    title_zh: str | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class MilestonePlan:
    title: str
    due: int
    done: int | None = None
    weight: int = 1


@dataclass(frozen=True)
class UpdatePlan:
    day: int
    status: Status
    progress: int
    note: str


@dataclass(frozen=True)
class PartPlan:
    day: int
    person: str
    progress: int
    note: str


@dataclass(frozen=True)
class ExtensionPlan:
    day: int
    due: int
    reason: str
    state: str
    note: str = ""


@dataclass(frozen=True)
class InstructionPlan:
    day: int
    leader: str
    text: str


@dataclass(frozen=True)
class ChildPlan:
    department: str
    responsible: str
    title: str
    due: int
    history: tuple[UpdatePlan, ...] = ()


@dataclass(frozen=True)
class ItemPlan:
    speech: str
    directive: str
    title: str
    department: str
    responsible: str
    start: int
    due: int
    city: str | None = None
    co_owners: tuple[str, ...] = ()
    priority: Priority = Priority.NORMAL
    milestones: tuple[MilestonePlan, ...] = ()
    history: tuple[UpdatePlan, ...] = ()
    evidence: str | None = None
    verified: tuple[int, str] | None = None
    cancelled: tuple[int, str] | None = None
    assigned: int | None = None
    acknowledged: bool = True
    supporters: tuple[str, ...] = ()
    parts: tuple[PartPlan, ...] = ()
    extensions: tuple[ExtensionPlan, ...] = ()
    cycle: str | None = None
    passed_to: str | None = None
    children: tuple[ChildPlan, ...] = ()
    instructions: tuple[InstructionPlan, ...] = ()


@dataclass(frozen=True)
class Plan:
    demo_day: int
    demo_password: str
    cities: tuple[CityPlan, ...]
    departments: tuple[DepartmentPlan, ...]
    users: tuple[UserPlan, ...]
    speeches: tuple[SpeechPlan, ...]
    items: tuple[ItemPlan, ...] = field(default=())


def load_plan(path: Path) -> Plan:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PlanError(f"{path}: {error}") from None
    try:
        plan = Plan(
            demo_day=data["demo_day"],
            demo_password=data["demo_password"],
            cities=_records(data, "cities", CityPlan),
            departments=_records(data, "departments", DepartmentPlan),
            users=_records(data, "users", UserPlan, role=Role),
            speeches=_records(data, "speeches", SpeechPlan),
            items=_records(data, "items", _item),
        )
    except KeyError as error:
        raise PlanError(f"{path}: missing {error.args[0]!r}") from None
    for number, item in enumerate(plan.items, start=1):
        problem = _item_problem(item, plan.demo_day)
        if problem:
            raise PlanError(f"{path}: item {number} ({item.title!r}): {problem}")
    return plan


def _records(data: dict, name: str, build, **converters) -> tuple:
    records = []
    for number, entry in enumerate(data.get(name, []), start=1):
        try:
            values = {k: converters[k](v) if k in converters else v for k, v in entry.items()}
            records.append(build(**values))
        except (TypeError, ValueError) as error:
            raise PlanError(f"{name} entry {number}: {error}") from None
    return tuple(records)


def _item(**entry: Any) -> ItemPlan:
    entry["priority"] = Priority(entry.get("priority", "normal"))
    entry["co_owners"] = tuple(entry.get("co_owners", ()))
    entry["milestones"] = tuple(MilestonePlan(**m) for m in entry.get("milestones", ()))
    entry["history"] = tuple(
        UpdatePlan(day, Status(status), progress, note)
        for day, status, progress, note in entry.get("history", ())
    )
    entry["supporters"] = tuple(entry.get("supporters", ()))
    entry["parts"] = tuple(PartPlan(*row) for row in entry.get("parts", ()))
    entry["extensions"] = tuple(ExtensionPlan(*row) for row in entry.get("extensions", ()))
    entry["instructions"] = tuple(InstructionPlan(*row) for row in entry.get("instructions", ()))
    entry["children"] = tuple(
        ChildPlan(
            **{
                **child,
                "history": tuple(
                    UpdatePlan(day, Status(status), progress, note)
                    for day, status, progress, note in child.get("history", ())
                ),
            }
        )
        for child in entry.get("children", ())
    )
    for key in ("verified", "cancelled"):
        if key in entry:
            entry[key] = tuple(entry[key])
    return ItemPlan(**entry)


def _item_problem(item: ItemPlan, demo_day: int) -> str | None:
    if item.start > item.due:
        return "starts after it is due"
    days = [u.day for u in item.history] + [m.done for m in item.milestones if m.done is not None]
    days += [x[0] for x in (item.verified, item.cancelled) if x]
    if any(day > demo_day for day in days):
        return f"has an update after demo_day {demo_day}"
    if [u.day for u in item.history] != sorted(u.day for u in item.history):
        return "history is not in date order"
    if any(not 0 <= u.progress <= 100 for u in item.history):
        return "progress outside 0-100"
    if any(u.status.is_closed for u in item.history):
        return "history may not close an item; use `verified` or `cancelled`"
    if item.verified and (not item.history or item.history[-1].status != "awaiting_verification"):
        return "only an item awaiting verification can be verified"
    if any(e.state not in ("pending", "approved", "refused") for e in item.extensions):
        return "an extension's state is pending, approved or refused"
    if any(e.due <= item.due for e in item.extensions):
        return "an extension asks for a day after `due`"
    if item.cycle not in (None, "monthly", "quarterly"):
        return "`cycle` is monthly or quarterly"
    if item.children and not item.passed_to:
        return "`children` need `passed_to`"
    late = [p.day for p in item.parts] + [e.day for e in item.extensions]
    late += [i.day for i in item.instructions] + [item.assigned or 0]
    if any(day > demo_day for day in late):
        return f"has an event after demo_day {demo_day}"
    return None
