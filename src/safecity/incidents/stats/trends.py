"""Monthly counts with rolling 12-month sums: each month shows the total of the twelve months ending with it,
which removes seasonality (Wheeler 2016, International Journal of Police Science & Management 18(3):159–172)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from safecity.incidents.stats.categories import CATEGORIES, UNIT_LABELS, unit_for
from safecity.incidents.stats.counts import count_matrix
from safecity.incidents.stats.periods import add_months, month_starts
from safecity.incidents.stats.scope import Scope


@dataclass(frozen=True)
class MonthPoint:
    month: dt.date
    count: int
    rolling_12: int | None  # None until 12 months of data precede (inclusive)
    partial: bool  # the as-of month is not complete


@dataclass
class Trends:
    scope: Scope
    as_of: dt.date
    mode: str
    months: list[dt.date]
    series: dict[str, list[MonthPoint]]
    units: dict[str, str]


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def trends(*, user: Any, scope: Scope, as_of: dt.date, months: int = 36, mode: str = "nibrs") -> Trends:
    """Monthly counts for the ``months`` months ending with the as-of month, every category."""
    last = as_of.replace(day=1)
    first_shown = add_months(last, -(months - 1))
    first_counted = add_months(first_shown, -11)  # rolling sums need the 11 months before
    matrix = count_matrix(scope.incidents(user), {"all": (first_counted, as_of)}, agency_id=scope.agency.pk,
                          group="month", mode=mode, whole_agency=scope.district is None)
    by_month = {_as_date(k): v for k, v in matrix.items() if k is not None}
    all_months = month_starts(first_counted, last)
    series: dict[str, list[MonthPoint]] = {}
    for c in CATEGORIES:
        counts = [by_month[m][c.key]["all"] if m in by_month else 0 for m in all_months]
        points = []
        for i, m in enumerate(all_months):
            if m < first_shown:
                continue
            points.append(MonthPoint(m, counts[i], sum(counts[i - 11: i + 1]) if i >= 11 else None,
                                     partial=(m == last)))
        series[c.key] = points
    units = {c.key: UNIT_LABELS[unit_for(c, mode)] for c in CATEGORIES}
    return Trends(scope, as_of, mode, [p.month for p in series[CATEGORIES[0].key]], series, units)
