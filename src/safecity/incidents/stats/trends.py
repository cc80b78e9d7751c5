"""Monthly counts with rolling 12-month sums: each month shows the total of the twelve months ending with it,
which removes seasonality (Wheeler 2016, International Journal of Police Science & Management 18(3):159–172)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from safecity.incidents.stats.categories import CATEGORIES, UNIT_LABELS, unit_for
from safecity.incidents.stats.periods import add_months, month_starts
from safecity.incidents.stats.results import ScopedResult, scoped
from safecity.incidents.stats.rollup import count_scope
from safecity.incidents.stats.scope import Scope


@dataclass(frozen=True, kw_only=True)
class Month:
    month: dt.date
    count: int
    rolling_12: int | None  # None until 12 months of data precede (inclusive)
    partial: bool  # the as-of month is not complete


@dataclass(frozen=True, kw_only=True)
class Series:
    category: str
    unit: str
    points: list[Month]


@dataclass(kw_only=True)
class Trends(ScopedResult):
    counting: str  # the counting mode ("nibrs", "incidents", "offenses")
    series: list[Series]  # one per category, in table order

    def of(self, category: str) -> Series:
        return next(s for s in self.series if s.category == category)

    @property
    def months(self) -> list[dt.date]:
        return [p.month for p in self.series[0].points]


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def trends(*, user: Any, scope: Scope, as_of: dt.date, months: int = 36, mode: str = "nibrs") -> Trends:
    """Monthly counts for the ``months`` months ending with the as-of month, every category."""
    last = as_of.replace(day=1)
    first_shown = add_months(last, -(months - 1))
    first_counted = add_months(first_shown, -11)  # rolling sums need the 11 months before
    matrix = count_scope(scope.incidents(user), scope, {"all": (first_counted, as_of)},
                          group="month", mode=mode, whole_agency=scope.district is None)
    by_month = {_as_date(k): v for k, v in matrix.items() if k is not None}
    all_months = month_starts(first_counted, last)
    series: list[Series] = []
    for c in CATEGORIES:
        counts = [by_month[m][c.key]["all"] if m in by_month else 0 for m in all_months]
        points = [Month(month=m, count=counts[i], rolling_12=sum(counts[i - 11: i + 1]) if i >= 11 else None,
                        partial=(m == last)) for i, m in enumerate(all_months) if m >= first_shown]
        series.append(Series(category=c.key, unit=UNIT_LABELS[unit_for(c, mode)], points=points))
    return Trends(**scoped(scope, as_of), counting=mode, series=series)
