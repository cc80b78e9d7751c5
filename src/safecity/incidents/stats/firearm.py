"""Firearm violence: shooting incidents and victims, fatal and non-fatal, with crude rates per 100,000
and comparison of this year to date with the 3- and 5-year averages of the same calendar dates.

Rate = count / population × 100,000 (crude; analytics.rates.rate_per). Year-to-date rates are not
annualised. Comparison with a k-year average uses the variance-stabilised Poisson Z = 2(√C − √mean(P₁…P_k))
(Anscombe 1948, Biometrika 35:246–254; flagged at |Z| ≥ 3 as in Wheeler 2016, International Journal of Police
Science & Management 18(3):159–172; see `analytics.poisson.poisson_z`). A year whose dates lie outside the
agency's data coverage has no counts (null, "no data"), not zeros; a k-year average is given only when all k
years are fully covered, and a change is flagged only when the expected count is large enough to test
(``analytics.poisson.min_expected``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from safecity.analytics import min_expected, poisson_z, rate_per
from safecity.analytics.poisson import MIN_EXPECTED
from safecity.incidents.stats.counts import empty_cell
from safecity.incidents.stats.coverage import Status
from safecity.incidents.stats.periods import years_earlier
from safecity.incidents.stats.results import ScopedResult, doc, scoped
from safecity.incidents.stats.rollup import count_scope
from safecity.incidents.stats.scope import Scope, coverage_of

Z_FLAG = 1.96

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
    has_data: bool = doc("the whole period has data on file (coverage is full)")
    coverage: Status = doc("full / partial / none")
    population: int | None
    counts: dict[str, int | None] = doc("measure → count; null when the period has no data on file")
    rates_per_100k: dict[str, float | None]


@dataclass(kw_only=True)
class Comparison:
    measure: str
    label: str
    unit: str
    current: int | None = doc("null when this year to date is not fully covered by data")
    rate_per_100k: float | None
    avg_3yr: float | None = doc("null unless all 3 prior years are fully covered by data")
    years_3yr: int = doc("prior years with full data (of the 3)")
    z_3yr: float | None
    flag_3yr: Literal["up", "down"] | None
    note_3yr: str
    avg_5yr: float | None = doc("null unless all 5 prior years are fully covered by data")
    years_5yr: int = doc("prior years with full data (of the 5)")
    z_5yr: float | None
    flag_5yr: Literal["up", "down"] | None
    note_5yr: str


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


def _versus(current: int | None, prior: list[int | None], years: int
            ) -> tuple[float | None, int, float | None, Literal["up", "down"] | None, str]:
    """(average, covered years, Z, flag, note) of ``current`` against the mean of the ``years`` prior years."""
    covered = [p for p in prior[:years] if p is not None]
    if current is None:
        return None, len(covered), None, None, "Not compared: this year to date is not fully covered by data."
    if len(covered) < years:
        return (None, len(covered), None, None,
                f"No {years}-year average: {len(covered)} of the {years} prior years have full data on file.")
    avg = sum(covered) / years
    z = poisson_z(current, covered)
    flag: Literal["up", "down"] | None = None
    note = ""
    if min_expected(current, avg) < MIN_EXPECTED:
        if abs(z) >= Z_FLAG:
            note = f"Not flagged: too few incidents to test (fewer than {MIN_EXPECTED:g} expected)."
    elif abs(z) >= Z_FLAG:
        flag = "up" if z > 0 else "down"
    return round(avg, 2), years, round(z, 3), flag, note


def firearm_violence(*, user: Any, scope: Scope, as_of: dt.date) -> Firearm:
    inc = scope.incidents(user)
    coverage = coverage_of(user, scope)
    data_start = coverage.span_first
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
            status = coverage.status(start, end)
            pop = _population(scope, start.year)
            raw = _counts(cell, f"{kind}{back}")
            counts: dict[str, int | None] = {k: None if status == "none" else v for k, v in raw.items()}
            rates = {k: (round(r, 2) if (r := rate_per(v, pop)) is not None else None)
                     if pop and v is not None and status == "full" else None for k, v in counts.items()}
            row = Year(year=start.year, start=start, end=end, complete=kind == "full", has_data=status == "full",
                       coverage=status, population=pop, counts=counts, rates_per_100k=rates)
            (ytd if kind == "ytd" else full_years).append(row)
    current = ytd[0]
    comparisons = []
    for key, label, unit in MEASURES:
        prior = [r.counts[key] if r.has_data else None for r in ytd[1:]]
        c = current.counts[key] if current.has_data else None
        a3, y3, z3, f3, n3 = _versus(c, prior, 3)
        a5, y5, z5, f5, n5 = _versus(c, prior, 5)
        comparisons.append(Comparison(
            measure=key, label=label, unit=unit, current=c, rate_per_100k=current.rates_per_100k[key],
            avg_3yr=a3, years_3yr=y3, z_3yr=z3, flag_3yr=f3, note_3yr=n3,
            avg_5yr=a5, years_5yr=y5, z_5yr=z5, flag_5yr=f5, note_5yr=n5))
    return Firearm(**scoped(scope, as_of, coverage), population=_population(scope, as_of.year), data_start=data_start,
                   comparisons=comparisons, year_to_date=ytd, full_years=full_years)
