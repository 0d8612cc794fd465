"""Read models for the overview page: a fixed number of aggregate queries, whatever the data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..access import related_cities, visible_items, visible_speeches
from ..extensions import db
from ..models import ActionItem, City, Directive, Speech, Status, User


@dataclass
class CityRow:
    city: City
    speeches: int = 0
    directives: int = 0
    items_by_status: dict[Status, int] = field(default_factory=dict)

    @property
    def items(self) -> int:
        return sum(self.items_by_status.values())


@dataclass
class Summary:
    rows: list[CityRow]
    statuses: list[Status]

    @property
    def totals(self) -> CityRow:
        total = CityRow(city=None)  # type: ignore[arg-type]
        for row in self.rows:
            total.speeches += row.speeches
            total.directives += row.directives
            for status, count in row.items_by_status.items():
                total.items_by_status[status] = total.items_by_status.get(status, 0) + count
        return total


def city_summary(user: User) -> Summary:
    """Speeches, directives and the action items `user` may see, by status, per city."""
    speeches = dict(
        db.session.execute(
            select(Speech.city_id, func.count())
            .where(visible_speeches(user))
            .group_by(Speech.city_id)
        ).all()
    )
    directives = dict(
        db.session.execute(
            select(Speech.city_id, func.count(Directive.id))
            .join(Directive.speech)
            .where(visible_speeches(user))
            .group_by(Speech.city_id)
        ).all()
    )
    items: dict[int, dict[Status, int]] = defaultdict(dict)
    for city_id, status, count in db.session.execute(
        select(ActionItem.city_id, ActionItem.status, func.count())
        .where(visible_items(user))
        .group_by(ActionItem.city_id, ActionItem.status)
    ):
        items[city_id][status] = count
    rows = [
        CityRow(
            city=city,
            speeches=speeches.get(city.id, 0),
            directives=directives.get(city.id, 0),
            items_by_status=items[city.id],
        )
        for city in related_cities(user)
    ]
    return Summary(rows=rows, statuses=list(Status))
