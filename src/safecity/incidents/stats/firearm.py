"""Firearm violence: shooting incidents and victims, fatal and non-fatal, with crude rates per 100,000
and comparison of this year to date with the 3- and 5-year averages of the same calendar dates.

Rate = count / population × 100,000 (crude; analytics.rates.rate_per). Year-to-date rates are not
annualised. Comparison with a k-year average uses the variance-stabilised Poisson Z = 2(√C − √mean(P₁…P_k))
(Anscombe 1948, Biometrika 35:246–254; flagged at |Z| ≥ 3 as in Wheeler 2016, International Journal of Police
Science & Management 18(3):159–172; see `analytics.poisson.poisson_z`). Years before the first incident on
file are treated as "no data", not as zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Min

from safecity.analytics import poisson_z, rate_per
from safecity.incidents.stats.counts import empty_cell
from safecity.incidents.stats.periods import years_earlier
from safecity.incidents.stats.results import ScopedResult, scoped
from safecity.incidents.stats.rollup import count_scope
from safecity.incidents.stats.scope import Scope

MEASURES = (
    ("shooting_incidents", "Shooting incidents", "incidents"),
    ("fatal_shooting_incidents", "Fatal shooting incidents", "incidents"),
    ("shooting_victims", "Shooting victims, all", "victims"),
    ("fatal_shooting_victims", "Shooting victims, fatal", "victims"),
    ("nonfatal_shooting_victims", "Shooting victims, non-fatal", "victims"),
)


@dataclass(kw_only=True)
class Year:
    year: int
    start: dt.date
    end: dt.date
    complete: bool
    has_data: bool
    population: int | None
    counts: dict[str, int]  # measure → count
    rates_per_100k: dict[str, float | None]


@dataclass(kw_only=True)
class Comparison:
    measure: str
    label: str
    unit: str
    current: int
    rate_per_100k: float | None
    avg_3yr: float | None
    years_3yr: int
    z_3yr: float | None
    avg_5yr: float | None
    years_5yr: int
    z_5yr: float | None


@dataclass(kw_only=True)
class Firearm(ScopedResult):
    population: int | None
    data_start: dt.date | None
    comparisons: list[Comparison]
    year_to_date: list[Year]  # same 1 January – as-of dates, this year and the 5 before
    full_years: list[Year]


def _population(scope: Scope, year: int) -> int | None:
    return scope.population(year)


def _counts(cell: dict[str, dict[str, int]], w: str) -> dict[str, int]:
    out = {k: cell[k][w] for k in ("shooting_incidents", "fatal_shooting_incidents", "shooting_victims",
                                   "fatal_shooting_victims")}
    out["nonfatal_shooting_victims"] = out["shooting_victims"] - out["fatal_shooting_victims"]
    return out


def firearm_violence(*, user: Any, scope: Scope, as_of: dt.date) -> Firearm:
    inc = scope.incidents(user)
    data_start = inc.aggregate(m=Min("occurred_date"))["m"]
    windows: dict[str, tuple[dt.date, dt.date]] = {}
    for back in range(6):
        y_end = years_earlier(as_of, back)
        windows[f"ytd{back}"] = (y_end.replace(month=1, day=1), y_end)
        if back:
            windows[f"full{back}"] = (dt.date(as_of.year - back, 1, 1), dt.date(as_of.year - back, 12, 31))
    matrix = count_scope(inc, scope, windows, extra_victims=True)
    cell = matrix.get(None) or empty_cell(windows, extra=True)
    ytd: list[Year] = []
    full_years: list[Year] = []
    for back in range(6):
        for kind in ("ytd", "full"):
            if kind == "full" and back == 0:
                continue
            start, end = windows[f"{kind}{back}"]
            has_data = data_start is not None and data_start <= start
            pop = _population(scope, start.year)
            counts = _counts(cell, f"{kind}{back}")
            rates = {k: (round(r, 2) if (r := rate_per(v, pop)) is not None else None) if pop else None
                     for k, v in counts.items()}
            row = Year(year=start.year, start=start, end=end, complete=kind == "full", has_data=has_data,
                       population=pop, counts=counts, rates_per_100k=rates)
            (ytd if kind == "ytd" else full_years).append(row)
    current = ytd[0]
    comparisons = []
    for key, label, unit in MEASURES:
        prior = [r.counts[key] for r in ytd[1:] if r.has_data]
        p3, p5 = prior[:3], prior[:5]
        c = current.counts[key]
        comparisons.append(Comparison(
            measure=key, label=label, unit=unit, current=c, rate_per_100k=current.rates_per_100k[key],
            avg_3yr=round(sum(p3) / len(p3), 2) if p3 else None, years_3yr=len(p3),
            z_3yr=round(poisson_z(c, p3), 3) if p3 else None,
            avg_5yr=round(sum(p5) / len(p5), 2) if p5 else None, years_5yr=len(p5),
            z_5yr=round(poisson_z(c, p5), 3) if p5 else None))
    return Firearm(**scoped(scope, as_of), population=_population(scope, as_of.year), data_start=data_start,
                   comparisons=comparisons, year_to_date=ytd, full_years=full_years)
