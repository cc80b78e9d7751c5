"""Hot spots (grid counts + Getis-Ord Gi*) and near repeat (Knox test) over incident points.

Coordinates are projected from WGS 84 to local metres with an equirectangular projection about the
agency's centre (error well under 1% across a city), so cell sizes and distance bands are in metres.
Incidents are counted once each, in the category of their most serious offense (top charge); shootings
use the incident's is_shooting flag.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet
from shapely.geometry import Point, shape

from safecity.analytics.hotspots import grid_counts, grid_gi_star, top_cells
from safecity.analytics.near_repeat import knox_test
from safecity.core.models import Beat, District
from safecity.core.roles import VIEW
from safecity.incidents.models import Incident
from safecity.incidents.stats.categories import BY_KEY
from safecity.incidents.stats.coverage import Status
from safecity.incidents.stats.results import ScopedResult, doc, internal, scoped
from safecity.incidents.stats.scope import Scope, coverage_of

MAX_NEAR_REPEAT_EVENTS = 20000


def category_filter(category: str) -> Q:
    if category in ("shooting_incidents", "shooting_victims"):
        return Q(is_shooting=True)
    return Q(primary_offense__in=BY_KEY[category].codes)


def period_incidents(user: Any, scope: Scope, category: str, start: dt.date, end: dt.date) -> QuerySet[Incident]:
    return scope.incidents(user, VIEW).filter(category_filter(category), occurred_date__range=(start, end),
                                        latitude__isnull=False, longitude__isnull=False)


@dataclass(frozen=True)
class Projection:
    lon0: float
    lat0: float

    @property
    def kx(self) -> float:
        return 111_320.0 * math.cos(math.radians(self.lat0))

    ky: float = 110_540.0

    def xy(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        x = (np.asarray(lon, dtype=float) - self.lon0) * self.kx
        return x, (np.asarray(lat, dtype=float) - self.lat0) * self.ky

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        return self.lon0 + x / self.kx, self.lat0 + y / self.ky


@dataclass(frozen=True, kw_only=True)
class HotCell:
    rank: int
    lon: float
    lat: float
    beat: str
    count: int
    z: float
    p: float
    level: str  # "99%" / "95%" / "90%" / ""


@dataclass(frozen=True)
class HotspotGrid:
    """What a map of the analysis needs, in metres of the local projection (drawn by ``incidents.charts``)."""

    proj: Projection
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 of the area drawn
    origin: tuple[float, float]  # lower-left corner of the grid
    n_cols: int
    cell_m: int
    gi_z: list[float]  # Gi* z of every cell, row by row; empty when there was too little data
    x: list[float]  # the incidents
    y: list[float]
    districts: list[District]
    beats: list[Beat]


@dataclass(kw_only=True)
class Hotspots(ScopedResult):
    category: str
    start: dt.date
    period_coverage: Status = doc("full / partial / none: data on file for start..as_of")
    days_with_data: int = doc("days of the period inside the agency's data coverage")
    unit: str = "incidents"
    cell_m: int
    n_incidents: int
    grid_rows: int
    grid_cols: int
    hot_cells: int
    cells: list[HotCell]
    note: str = internal(default="")
    grid: HotspotGrid | None = internal(default=None)

    @property
    def category_label(self) -> str:
        return BY_KEY[self.category].label


def _period(user: Any, scope: Scope, start: dt.date, as_of: dt.date) -> dict[str, Any]:
    """The scoped fields plus how much of the period has data (a map of half a period reads as a quiet year)."""
    coverage = coverage_of(user, scope)
    return {**scoped(scope, as_of, coverage), "period_coverage": coverage.status(start, as_of),
            "days_with_data": coverage.days_with_data(start, as_of)}


def confidence(z: float) -> str:
    return "99%" if z >= 2.576 else "95%" if z >= 1.96 else "90%" if z >= 1.645 else ""


def hotspots(*, user: Any, scope: Scope, as_of: dt.date, days: int = 365, category: str = "violent",
             cell_m: int = 250, top: int = 10) -> Hotspots:
    start = as_of - dt.timedelta(days=days - 1)
    rows = list(period_incidents(user, scope, category, start, as_of).values_list("longitude", "latitude"))
    districts = list(scope.areas("district"))
    beats = list(scope.areas("beat"))
    answer: dict[str, Any] = {**_period(user, scope, start, as_of), "category": category, "start": start,
                              "cell_m": cell_m, "n_incidents": len(rows)}
    if not beats and not rows:
        return Hotspots(**answer, grid_rows=0, grid_cols=0, hot_cells=0, cells=[],
                        note="No geography and no located incidents for this selection.")
    bounds = [b.shape().bounds for b in beats] or [(lon, lat, lon, lat) for lon, lat in rows]
    lon_min, lat_min = min(b[0] for b in bounds), min(b[1] for b in bounds)
    lon_max, lat_max = max(b[2] for b in bounds), max(b[3] for b in bounds)
    proj = Projection((lon_min + lon_max) / 2, (lat_min + lat_max) / 2)
    (x0, x1), (y0, y1) = proj.xy([lon_min, lon_max], [lat_min, lat_max])
    lons = np.array([r[0] for r in rows], dtype=float)
    lats = np.array([r[1] for r in rows], dtype=float)
    x, y = proj.xy(lons, lats)
    counts = grid_counts(x, y, float(cell_m), bbox=(float(x0), float(y0), float(x1), float(y1)))
    grid = counts.grid
    cells: list[HotCell] = []
    hot, note, gi_z = 0, "", []
    if len(rows) >= 3 and grid.n_rows * grid.n_cols >= 2 and counts.counts.sum() > 0:
        gi = grid_gi_star(counts)
        gi_z = gi.z.tolist()
        hot = int((np.nan_to_num(gi.z, nan=0.0) >= 1.96).sum())
        beat_shapes = [(b.code, shape(b.geometry)) for b in beats]
        for rank, cell in enumerate(top_cells(counts, gi, top), start=1):
            if not math.isfinite(cell.z):
                continue
            lon, lat = proj.lonlat(cell.x_centre, cell.y_centre)
            where = next((code for code, s in beat_shapes if s.covers(Point(lon, lat))), "")
            cells.append(HotCell(rank=rank, lon=round(lon, 5), lat=round(lat, 5), beat=where, count=cell.count,
                                 z=round(cell.z, 2), p=cell.p_norm, level=confidence(cell.z)))
    else:
        note = "Too few located incidents for a Gi* analysis."
    drawn = HotspotGrid(proj, (float(x0), float(y0), float(x1), float(y1)), (grid.x_min, grid.y_min), grid.n_cols,
                        cell_m, gi_z, x.tolist(), y.tolist(), districts, beats)
    return Hotspots(**answer, grid_rows=grid.n_rows, grid_cols=grid.n_cols, hot_cells=hot, cells=cells, note=note,
                    grid=drawn)


@dataclass(frozen=True, kw_only=True)
class KnoxCell:
    space: str
    time: str
    observed: int
    expected: float | None
    ratio: float | None
    p: float | None
    flag: bool  # ratio ≥ 1.2 and p ≤ 0.05


@dataclass(kw_only=True)
class NearRepeat(ScopedResult):
    category: str
    start: dt.date
    period_coverage: Status = doc("full / partial / none: data on file for start..as_of")
    days_with_data: int = doc("days of the period inside the agency's data coverage")
    unit: str = "incidents"
    n_incidents: int
    permutations: int
    space_bands_m: list[float]
    time_bands_days: list[float]
    cells: list[KnoxCell]
    note: str

    @property
    def category_label(self) -> str:
        return BY_KEY[self.category].label

    @property
    def table(self) -> list[dict[str, Any]]:
        """The cells as rows of distance bands (each holding its time bands), for the page's table."""
        rows: dict[str, list[KnoxCell]] = {}
        for cell in self.cells:
            rows.setdefault(cell.space, []).append(cell)
        return [{"space": space, "cells": cells} for space, cells in rows.items()]


def near_repeat(*, user: Any, scope: Scope, as_of: dt.date, days: int = 365, category: str = "shooting_incidents",
                space_bands: tuple[float, ...] = (120.0, 240.0, 360.0, 480.0),
                time_bands: tuple[float, ...] = (7.0, 14.0, 21.0, 28.0),
                permutations: int = 99, seed: int = 20_240_601) -> NearRepeat:
    start = as_of - dt.timedelta(days=days - 1)
    rows = list(period_incidents(user, scope, category, start, as_of)
                .values_list("longitude", "latitude", "occurred_date")[: MAX_NEAR_REPEAT_EVENTS + 1])
    answer: dict[str, Any] = {**_period(user, scope, start, as_of), "category": category, "start": start,
                              "permutations": permutations, "space_bands_m": list(space_bands),
                              "time_bands_days": list(time_bands)}
    if len(rows) > MAX_NEAR_REPEAT_EVENTS:
        return NearRepeat(**answer, n_incidents=MAX_NEAR_REPEAT_EVENTS, cells=[], note=(
            f"More than {MAX_NEAR_REPEAT_EVENTS:,} incidents: choose a shorter period, a smaller area or "
            "a narrower category."))
    if len(rows) < 2:
        return NearRepeat(**answer, n_incidents=len(rows), cells=[],
                          note="Fewer than two located incidents in this period: nothing to test.")
    lons = [float(r[0] or 0.0) for r in rows]
    lats = [float(r[1] or 0.0) for r in rows]
    proj = Projection(float(np.mean(lons)), float(np.mean(lats)))
    x, y = proj.xy(lons, lats)
    t = np.array([(r[2] - start).days for r in rows], dtype=float)
    res = knox_test(x, y, t, list(space_bands), list(time_bands), permutations=permutations, seed=seed)
    cells = []
    for i, s_label in enumerate(res.space_labels):
        for j, t_label in enumerate(res.time_labels):
            exp = float(res.expected[i, j])
            ratio = float(res.ratios[i, j])
            p = float(res.p_values[i, j])
            cells.append(KnoxCell(
                space=s_label + " m", time=t_label + " days", observed=int(res.observed[i, j]),
                expected=None if math.isnan(exp) else round(exp, 2),
                ratio=None if math.isnan(ratio) else round(ratio, 2), p=None if math.isnan(p) else round(p, 4),
                flag=(not math.isnan(ratio)) and ratio >= 1.2 and p <= 0.05))
    return NearRepeat(**answer, n_incidents=len(rows), cells=cells, note="")
