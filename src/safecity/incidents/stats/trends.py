"""Monthly counts with rolling 12-month sums: each month shows the total of the twelve months ending with it,
which removes seasonality (Wheeler 2016, International Journal of Police Science & Management 18(3):159–172).

A month outside the agency's data coverage has no count (null, "no data"), never 0; a month partly covered
(the first month with data, the as-of month) is marked partial. The rolling sum is given only when all twelve
of its months are fully covered, so it never climbs from 0 as data begins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from safecity.incidents.stats.categories import CATEGORIES, UNIT_LABELS, unit_for
from safecity.incidents.stats.coverage import Status
from safecity.incidents.stats.periods import add_months, month_starts
from safecity.incidents.stats.results import ScopedResult, doc, scoped
from safecity.incidents.stats.rollup import count_scope
from safecity.incidents.stats.scope import Scope, coverage_of

ROLLING_MONTHS = 12


@dataclass(frozen=True, kw_only=True)
class Month:
    month: dt.date
    count: int | None = doc("null when the month has no data on file")
    rolling_12: int | None = doc("sum of the 12 months ending with this one; null unless all 12 are fully "
                                 "covered by data")
    partial: bool = doc("only part of the month has data on file (the first month of data, the as-of month)")
    coverage: Status = doc("full / partial / none")


@dataclass(frozen=True, kw_only=True)
class Series:
    category: str
    unit: str
    points: list[Month]


@dataclass(kw_only=True)
class Trends(ScopedResult):
    counting: str  # the counting mode ("nibrs", "incidents", "offenses")
    rolling_months: int = doc("how many complete months each rolling sum adds")
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
    coverage = coverage_of(user, scope)
    # The as-of month is counted only to the as-of day, so it is partial even when data runs later.
    status = [coverage.status(m, min(add_months(m, 1) - dt.timedelta(days=1), as_of)) for m in all_months]
    status = [("partial" if m == last and s == "full" and as_of < add_months(m, 1) - dt.timedelta(days=1) else s)
              for m, s in zip(all_months, status, strict=True)]
    series: list[Series] = []
    for c in CATEGORIES:
        counts = [None if st == "none" else (by_month[m][c.key]["all"] if m in by_month else 0)
                  for m, st in zip(all_months, status, strict=True)]
        points = []
        for i, m in enumerate(all_months):
            if m < first_shown:
                continue
            span = range(i - ROLLING_MONTHS + 1, i + 1)
            complete = i >= ROLLING_MONTHS - 1 and all(status[j] == "full" for j in span)
            points.append(Month(month=m, count=counts[i],
                                rolling_12=sum(counts[j] or 0 for j in span) if complete else None,
                                partial=status[i] == "partial", coverage=status[i]))
        series.append(Series(category=c.key, unit=UNIT_LABELS[unit_for(c, mode)], points=points))
    return Trends(**scoped(scope, as_of, coverage), counting=mode, rolling_months=ROLLING_MONTHS, series=series)
