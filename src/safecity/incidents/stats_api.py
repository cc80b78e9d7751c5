"""Crime-analysis API: /api/v1/incidents/stats/… (CompStat, trends, upticks, hot spots, near repeat, firearm).

Every endpoint resolves the agency against what the caller may see (unknown or invisible agency → 422 on
``agency``) and aggregates only ``Incident.objects.restrict(user, "view")``. Query integers are bounded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from safecity.core.api_guard import requires
from safecity.core.roles import Module
from safecity.core.schemas import ErrorOut
from safecity.incidents.stats.compstat import compstat
from safecity.incidents.stats.firearm import firearm_violence
from safecity.incidents.stats.scope import Scope, check_as_of, resolve_scope
from safecity.incidents.stats.spatial import hotspots, near_repeat
from safecity.incidents.stats.trends import trends
from safecity.incidents.stats.upticks import upticks

router = Router(tags=["incident statistics"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

Category = Literal["murder", "rape", "robbery", "agg_assault", "violent", "burglary", "larceny", "mv_theft",
                   "property", "arson", "shooting_incidents", "shooting_victims"]
Mode = Literal["nibrs", "incidents", "offenses"]


class ScopeQuery(Schema):
    agency: str = Field("", max_length=9, pattern=r"^[A-Za-z0-9]{0,9}$",
                        description="Agency ORI (default: your home agency).")
    area: str = Field("", max_length=30, pattern=r"^((district|beat):[A-Za-z0-9_-]{1,20})?$",
                      description="district:CODE or beat:CODE (default: the whole agency).")
    as_of: dt.date | None = Field(None, description="Last day counted (default: the latest date with data).")


class CompstatQuery(ScopeQuery):
    mode: Mode = Field("nibrs", description="nibrs (victims for person crimes, offenses for property), "
                                            "incidents (top charge) or offenses.")


class TrendsQuery(CompstatQuery):
    months: int = Field(36, ge=12, le=120)


class UptickQuery(ScopeQuery):
    level: Literal["all", "district", "beat"] = "all"
    limit: int = Field(100, ge=1, le=2000)


class HotspotQuery(ScopeQuery):
    category: Category = "violent"
    days: int = Field(365, ge=7, le=3660)
    cell_m: int = Field(250, ge=100, le=2000, description="Grid cell size in metres.")
    top: int = Field(10, ge=1, le=100)


class NearRepeatQuery(ScopeQuery):
    category: Category = "shooting_incidents"
    days: int = Field(365, ge=7, le=3660)
    space_band: int = Field(120, ge=10, le=2000, description="Distance band width in metres.")
    time_band: int = Field(7, ge=1, le=90, description="Time band width in days.")
    bands: int = Field(4, ge=1, le=10, description="Number of distance and time bands.")
    permutations: int = Field(99, ge=19, le=999)
    seed: int = Field(20240601, ge=0, le=2_147_483_647)


class WindowOut(Schema):
    key: str
    label: str
    start: dt.date
    end: dt.date
    prior_start: dt.date
    prior_end: dt.date


class CellOut(Schema):
    current: int
    prior: int
    change: int
    pct_change: float | None = Field(description="null when the prior count is 0 (undefined)")
    z: float
    flag: Literal["up", "down"] | None


class CompstatRowOut(Schema):
    category: str
    label: str
    unit: str
    is_total: bool
    cells: dict[str, CellOut]


class AreaOut(Schema):
    code: str
    name: str
    rows: list[CompstatRowOut]


class ScopeOut(Schema):
    agency: str
    area: str | None
    label: str
    as_of: dt.date


class CompstatOut(ScopeOut):
    counting: str
    z_threshold: float
    windows: list[WindowOut]
    rows: list[CompstatRowOut]
    areas: list[AreaOut]


class MonthOut(Schema):
    month: dt.date
    count: int
    rolling_12: int | None
    partial: bool


class SeriesOut(Schema):
    category: str
    unit: str
    points: list[MonthOut]


class TrendsOut(ScopeOut):
    counting: str
    series: list[SeriesOut]


class UptickOut(Schema):
    level: str
    area_code: str
    area_name: str
    category: str
    unit: str
    current: int
    prior_year: int
    prior_8wk: int
    z_prior_year: float
    z_8wk: float
    p_prior_year: float
    p_8wk: float
    p: float
    q: float
    flagged: bool


class UpticksOut(ScopeOut):
    window_start: dt.date
    window_end: dt.date
    alpha: float
    min_count: int
    tested: int
    flagged: int
    rows: list[UptickOut]


class HotCellSchema(Schema):
    rank: int
    lon: float
    lat: float
    beat: str
    count: int
    z: float
    p: float
    level: str


class HotspotsOut(ScopeOut):
    category: str
    start: dt.date
    unit: str = "incidents"
    cell_m: int
    n_incidents: int
    grid_rows: int
    grid_cols: int
    hot_cells: int
    cells: list[HotCellSchema]


class KnoxCellOut(Schema):
    space: str
    time: str
    observed: int
    expected: float | None
    ratio: float | None
    p: float | None
    flag: bool


class NearRepeatOut(ScopeOut):
    category: str
    start: dt.date
    unit: str = "incidents"
    n_incidents: int
    permutations: int
    space_bands_m: list[float]
    time_bands_days: list[float]
    cells: list[KnoxCellOut]
    note: str


class YearOut(Schema):
    year: int
    start: dt.date
    end: dt.date
    complete: bool
    has_data: bool
    population: int | None
    counts: dict[str, int]
    rates_per_100k: dict[str, float | None]


class ComparisonOut(Schema):
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


class FirearmOut(ScopeOut):
    population: int | None
    data_start: dt.date | None
    comparisons: list[ComparisonOut]
    year_to_date: list[YearOut]
    full_years: list[YearOut]


def _scope(request: HttpRequest, q: ScopeQuery) -> tuple[Scope, dt.date]:
    scope = resolve_scope(request.user, q.agency, q.area)
    return scope, check_as_of(q.as_of, request.user, scope)


def _scope_out(scope: Scope, as_of: dt.date) -> dict[str, Any]:
    return {"agency": scope.agency.ori, "area": scope.area_param or None, "label": scope.label, "as_of": as_of}


def _rows(rows: Any) -> list[dict[str, Any]]:
    return [{"category": r.key, "label": r.label, "unit": r.unit_label, "is_total": r.is_total,
             "cells": {k: vars(c) for k, c in r.cells.items()}} for r in rows]


@router.get("/compstat", response={200: CompstatOut, **ERRORS})
@requires(Module.INCIDENTS)
def compstat_api(request: HttpRequest, q: Query[CompstatQuery]) -> Any:
    scope, as_of = _scope(request, q)
    by = None if scope.beat is not None else ("beat" if scope.district is not None else "district")
    report = compstat(user=request.user, scope=scope, as_of=as_of, mode=q.mode, by_area=by)
    return {
        **_scope_out(scope, as_of), "counting": report.mode_label, "z_threshold": report.z_threshold,
        "windows": [{"key": c.key, "label": c.label, "start": c.start, "end": c.end, "prior_start": p.start,
                     "prior_end": p.end} for c, p in report.windows],
        "rows": _rows(report.rows),
        "areas": [{"code": a["code"], "name": a["name"], "rows": _rows(a["rows"].values())} for a in report.areas],
    }


@router.get("/trends", response={200: TrendsOut, **ERRORS})
@requires(Module.INCIDENTS)
def trends_api(request: HttpRequest, q: Query[TrendsQuery]) -> Any:
    scope, as_of = _scope(request, q)
    t = trends(user=request.user, scope=scope, as_of=as_of, months=q.months, mode=q.mode)
    return {**_scope_out(scope, as_of), "counting": q.mode,
            "series": [{"category": k, "unit": t.units[k], "points": [vars(p) for p in pts]}
                       for k, pts in t.series.items()]}


@router.get("/upticks", response={200: UpticksOut, **ERRORS})
@requires(Module.INCIDENTS)
def upticks_api(request: HttpRequest, q: Query[UptickQuery]) -> Any:
    scope, as_of = _scope(request, q)
    u = upticks(user=request.user, scope=scope, as_of=as_of, level=q.level)
    return {**_scope_out(scope, as_of), "window_start": u.windows["cur"][0], "window_end": u.windows["cur"][1],
            "alpha": u.alpha, "min_count": u.min_count, "tested": u.tested, "flagged": len(u.flagged),
            "rows": [vars(r) for r in u.rows[: q.limit]]}


@router.get("/hotspots", response={200: HotspotsOut, **ERRORS})
@requires(Module.INCIDENTS)
def hotspots_api(request: HttpRequest, q: Query[HotspotQuery]) -> Any:
    scope, as_of = _scope(request, q)
    h = hotspots(user=request.user, scope=scope, as_of=as_of, days=q.days, category=q.category, cell_m=q.cell_m,
                 top=q.top)
    return {**_scope_out(scope, as_of), "category": q.category, "start": h.start, "cell_m": h.cell_m,
            "n_incidents": h.n_points, "grid_rows": h.n_rows, "grid_cols": h.n_cols, "hot_cells": h.hot_cell_count,
            "cells": [vars(c) for c in h.cells]}


@router.get("/near-repeat", response={200: NearRepeatOut, **ERRORS})
@requires(Module.INCIDENTS)
def near_repeat_api(request: HttpRequest, q: Query[NearRepeatQuery]) -> Any:
    scope, as_of = _scope(request, q)
    space = tuple(float(q.space_band * (i + 1)) for i in range(q.bands))
    time = tuple(float(q.time_band * (i + 1)) for i in range(q.bands))
    n = near_repeat(user=request.user, scope=scope, as_of=as_of, days=q.days, category=q.category,
                    space_bands=space, time_bands=time, permutations=q.permutations, seed=q.seed)
    return {**_scope_out(scope, as_of), "category": q.category, "start": n.start, "n_incidents": n.n_events,
            "permutations": n.permutations, "space_bands_m": list(space), "time_bands_days": list(time),
            "cells": [vars(c) for c in n.cells], "note": n.note}


def _year(y: Any) -> dict[str, Any]:
    return {"year": y.year, "start": y.start, "end": y.end, "complete": y.complete, "has_data": y.has_data,
            "population": y.population, "counts": y.counts, "rates_per_100k": y.rates}


@router.get("/firearm-violence", response={200: FirearmOut, **ERRORS})
@requires(Module.INCIDENTS)
def firearm_api(request: HttpRequest, q: Query[ScopeQuery]) -> Any:
    scope, as_of = _scope(request, q)
    f = firearm_violence(user=request.user, scope=scope, as_of=as_of)
    return {**_scope_out(scope, as_of), "population": f.population, "data_start": f.data_start,
            "comparisons": [{"measure": c.key, "label": c.label, "unit": c.unit, "current": c.current,
                             "rate_per_100k": c.rate, "avg_3yr": c.avg3, "years_3yr": c.years3, "z_3yr": c.z3,
                             "avg_5yr": c.avg5, "years_5yr": c.years5, "z_5yr": c.z5} for c in f.comparisons],
            "year_to_date": [_year(y) for y in f.ytd], "full_years": [_year(y) for y in f.full_years]}
