"""Hot spots (grid counts + Getis-Ord Gi*) and near repeat (Knox test) over incident points.

Coordinates are projected from WGS 84 to local metres with an equirectangular projection about the
agency's centre (error well under 1% across a city), so cell sizes and distance bands are in metres.
Incidents are counted once each, in the category of their most serious offense (top charge); shootings
use the incident's is_shooting flag.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet
from shapely.geometry import Point, shape

from safecity.analytics.hotspots import grid_counts, grid_gi_star, top_cells
from safecity.analytics.near_repeat import KnoxResult, knox_test
from safecity.core import selectors as core_selectors
from safecity.core.models import Beat, District
from safecity.incidents.models import Incident
from safecity.incidents.stats.categories import BY_KEY
from safecity.incidents.stats.scope import Scope

MAX_POINTS_DRAWN = 4000
MAX_NEAR_REPEAT_EVENTS = 20000
SVG_WIDTH = 800.0


def category_filter(category: str) -> Q:
    if category in ("shooting_incidents", "shooting_victims"):
        return Q(is_shooting=True)
    return Q(primary_offense__in=BY_KEY[category].codes)


def period_incidents(user: Any, scope: Scope, category: str, start: dt.date, end: dt.date) -> QuerySet[Incident]:
    return scope.incidents(user).filter(category_filter(category), occurred_date__range=(start, end),
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


def _areas(scope: Scope) -> tuple[list[District], list[Beat]]:
    districts = list(core_selectors.district_list(user=None, agency=scope.agency))  # published boundaries
    beats = list(core_selectors.beat_list(user=None, agency=scope.agency))
    if scope.beat is not None:
        beat_pk, district_pk = scope.beat.pk, scope.beat.district_id
        return [d for d in districts if d.pk == district_pk], [b for b in beats if b.pk == beat_pk]
    if scope.district is not None:
        d_pk = scope.district.pk
        return [d for d in districts if d.pk == d_pk], [b for b in beats if b.district_id == d_pk]
    return districts, beats


@dataclass
class HotCellOut:
    rank: int
    lon: float
    lat: float
    count: int
    z: float
    p: float
    beat: str
    level: str  # "99%" / "95%" / "90%" / ""


@dataclass
class Hotspots:
    scope: Scope
    as_of: dt.date
    start: dt.date
    category: str
    category_label: str
    cell_m: int
    n_points: int
    n_rows: int = 0
    n_cols: int = 0
    cells: list[HotCellOut] = field(default_factory=list)
    hot_cell_count: int = 0
    svg: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def _confidence(z: float) -> str:
    return "99%" if z >= 2.576 else "95%" if z >= 1.96 else "90%" if z >= 1.645 else ""


GI_FILL = {"99%": "#b50909", "95%": "#e5a000", "90%": "#f2d38a"}


def hotspots(*, user: Any, scope: Scope, as_of: dt.date, days: int = 365, category: str = "violent",
             cell_m: int = 250, top: int = 10) -> Hotspots:
    start = as_of - dt.timedelta(days=days - 1)
    rows = list(period_incidents(user, scope, category, start, as_of).values_list("longitude", "latitude"))
    districts, beats = _areas(scope)
    result = Hotspots(scope, as_of, start, category, BY_KEY[category].label, cell_m, len(rows))
    if not beats and not rows:
        result.note = "No geography and no located incidents for this selection."
        return result
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
    result.n_rows, result.n_cols = grid.n_rows, grid.n_cols
    gi = None
    if len(rows) >= 3 and grid.n_rows * grid.n_cols >= 2 and counts.counts.sum() > 0:
        gi = grid_gi_star(counts)
        zs = np.nan_to_num(gi.z, nan=0.0)
        result.hot_cell_count = int((zs >= 1.96).sum())
        beat_shapes = [(b.code, shape(b.geometry)) for b in beats]
        for rank, cell in enumerate(top_cells(counts, gi, top), start=1):
            if not math.isfinite(cell.z):
                continue
            lon, lat = proj.lonlat(cell.x_centre, cell.y_centre)
            where = next((code for code, s in beat_shapes if s.covers(Point(lon, lat))), "")
            result.cells.append(HotCellOut(rank, round(lon, 5), round(lat, 5), cell.count, round(cell.z, 2),
                                           cell.p_norm, where, _confidence(cell.z)))
    else:
        result.note = "Too few located incidents for a Gi* analysis."
    # Inline SVG geometry, in viewBox units (y flipped so north is up).
    scale = SVG_WIDTH / max(float(x1 - x0), 1.0)
    height = max(float(y1 - y0), 1.0) * scale

    def px(xm: float, ym: float) -> tuple[float, float]:
        return round((xm - float(x0)) * scale, 1), round(height - (ym - float(y0)) * scale, 1)

    def path(geometry: dict[str, Any]) -> str:
        polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        parts = []
        for poly in polys:
            for ring in poly:
                xs, ys = proj.xy([p[0] for p in ring], [p[1] for p in ring])
                pts = [px(a, b) for a, b in zip(xs.tolist(), ys.tolist(), strict=True)]
                parts.append("M" + " L".join(f"{a},{b}" for a, b in pts) + " Z")
        return " ".join(parts)

    gi_cells = []
    if gi is not None:
        size = cell_m * scale
        for idx, z in enumerate(gi.z.tolist()):
            level = _confidence(z) if math.isfinite(z) else ""
            if level:
                r, c = divmod(idx, grid.n_cols)
                cx, cy = px(grid.x_min + c * cell_m, grid.y_min + (r + 1) * cell_m)
                gi_cells.append({"x": cx, "y": cy, "size": round(size, 1), "fill": GI_FILL[level]})
    step = max(1, len(rows) // MAX_POINTS_DRAWN)
    points = [px(a, b) for a, b in zip(x[::step].tolist(), y[::step].tolist(), strict=True)]
    label_pts = []
    for d in districts:
        c = shape(d.geometry).representative_point()
        cx, cy = proj.xy([c.x], [c.y])
        label_pts.append({"text": d.code, "xy": px(float(cx[0]), float(cy[0]))})
    result.svg = {
        "width": SVG_WIDTH, "height": round(height, 1),
        "beats": [{"code": b.code, "d": path(b.geometry)} for b in beats],
        "districts": [{"code": d.code, "d": path(d.geometry)} for d in districts],
        "labels": label_pts, "gi": gi_cells, "points": points, "points_sampled": step > 1,
        "points_drawn": len(points),
    }
    return result


@dataclass
class KnoxCell:
    space: str
    time: str
    observed: int
    expected: float | None
    ratio: float | None
    p: float | None
    flag: bool  # ratio ≥ 1.2 and p ≤ 0.05


@dataclass
class NearRepeat:
    scope: Scope
    as_of: dt.date
    start: dt.date
    category: str
    category_label: str
    n_events: int
    space_bands: tuple[float, ...]
    time_bands: tuple[float, ...]
    permutations: int
    cells: list[KnoxCell]
    table: list[dict[str, Any]]
    result: KnoxResult | None
    note: str = ""


def near_repeat(*, user: Any, scope: Scope, as_of: dt.date, days: int = 365, category: str = "shooting_incidents",
                space_bands: tuple[float, ...] = (120.0, 240.0, 360.0, 480.0),
                time_bands: tuple[float, ...] = (7.0, 14.0, 21.0, 28.0),
                permutations: int = 99, seed: int = 20_240_601) -> NearRepeat:
    start = as_of - dt.timedelta(days=days - 1)
    rows = list(period_incidents(user, scope, category, start, as_of)
                .values_list("longitude", "latitude", "occurred_date")[: MAX_NEAR_REPEAT_EVENTS + 1])
    out = NearRepeat(scope, as_of, start, category, BY_KEY[category].label, len(rows), tuple(space_bands),
                     tuple(time_bands), permutations, [], [], None)
    if len(rows) > MAX_NEAR_REPEAT_EVENTS:
        out.note = (f"More than {MAX_NEAR_REPEAT_EVENTS:,} incidents: choose a shorter period, a smaller area or "
                    "a narrower category.")
        out.n_events = MAX_NEAR_REPEAT_EVENTS
        return out
    if len(rows) < 2:
        out.note = "Fewer than two located incidents in this period: nothing to test."
        return out
    lons = [float(r[0] or 0.0) for r in rows]
    lats = [float(r[1] or 0.0) for r in rows]
    proj = Projection(float(np.mean(lons)), float(np.mean(lats)))
    x, y = proj.xy(lons, lats)
    t = np.array([(r[2] - start).days for r in rows], dtype=float)
    res = knox_test(x, y, t, list(space_bands), list(time_bands), permutations=permutations, seed=seed)
    out.result = res
    for i, s_label in enumerate(res.space_labels):
        row: dict[str, Any] = {"space": s_label + " m", "cells": []}
        for j, t_label in enumerate(res.time_labels):
            exp = float(res.expected[i, j])
            ratio = float(res.ratios[i, j])
            p = float(res.p_values[i, j])
            cell = KnoxCell(s_label + " m", t_label + " days", int(res.observed[i, j]),
                            None if math.isnan(exp) else round(exp, 2),
                            None if math.isnan(ratio) else round(ratio, 2), None if math.isnan(p) else round(p, 4),
                            (not math.isnan(ratio)) and ratio >= 1.2 and p <= 0.05)
            out.cells.append(cell)
            row["cells"].append(cell)
        out.table.append(row)
    return out
