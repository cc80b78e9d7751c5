"""CompStat table: week-to-date, 28-day and year-to-date counts against the same dates a year earlier, with
percent change and the Poisson Z of `analytics.poisson` (the NYPD CompStat 2.0 report layout)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from safecity.analytics import percent_change, poisson_z
from safecity.core.models import Beat, District
from safecity.incidents.stats.categories import CATEGORIES, UNIT_LABELS, UNIT_MODES, unit_for
from safecity.incidents.stats.counts import count_matrix, empty_cell
from safecity.incidents.stats.periods import Window, compstat_windows
from safecity.incidents.stats.scope import Scope

Z_FLAG = 1.96  # two-sided 5% level; |Z| below this is shown but not flagged


@dataclass(frozen=True)
class Cell:
    current: int
    prior: int
    change: int
    pct_change: float | None  # None when the prior count is 0 (undefined)
    z: float
    flag: str | None  # "up" / "down" when |Z| ≥ Z_FLAG

    @classmethod
    def of(cls, current: int, prior: int) -> Cell:
        z = poisson_z(current, prior)
        flag = ("up" if z > 0 else "down") if abs(z) >= Z_FLAG else None
        return cls(current, prior, current - prior, percent_change(current, prior), round(z, 3), flag)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str
    unit_label: str
    is_total: bool
    cells: dict[str, Cell]


@dataclass
class Compstat:
    scope: Scope
    as_of: dt.date
    mode: str
    windows: list[tuple[Window, Window]]
    rows: list[Row]
    z_threshold: float = Z_FLAG
    areas: list[dict[str, Any]] = field(default_factory=list)

    @property
    def mode_label(self) -> str:
        return UNIT_MODES[self.mode]


def _rows(cell: dict[str, dict[str, int]], pairs: list[tuple[Window, Window]], mode: str) -> list[Row]:
    rows = []
    for c in CATEGORIES:
        unit = unit_for(c, mode)
        cells = {cur.key: Cell.of(cell[c.key][cur.key], cell[c.key][prior.key]) for cur, prior in pairs}
        rows.append(Row(c.key, c.label, unit, UNIT_LABELS[unit], c.is_total, cells))
    return rows


def compstat(*, user: Any, scope: Scope, as_of: dt.date, mode: str = "nibrs",
             by_area: str | None = None) -> Compstat:
    """CompStat for a scope. ``by_area`` ("district" or "beat") adds per-area 28-day/YTD summaries."""
    pairs = compstat_windows(as_of)
    windows = {w.key: (w.start, w.end) for pair in pairs for w in pair}
    inc = scope.incidents(user)
    whole = scope.district is None and scope.beat is None
    matrix = count_matrix(inc, windows, agency_id=scope.agency.pk, mode=mode, whole_agency=whole)
    result = Compstat(scope, as_of, mode, pairs, _rows(matrix.get(None) or empty_cell(windows), pairs, mode))
    if by_area in ("district", "beat"):
        per = count_matrix(inc, windows, agency_id=scope.agency.pk, mode=mode, group=by_area)
        model = District if by_area == "district" else Beat
        areas: Any = model.objects.filter(agency=scope.agency).order_by("code")
        if scope.district is not None and by_area == "beat":
            areas = areas.filter(district=scope.district)
        for area in areas:
            rows = _rows(per.get(area.pk) or empty_cell(windows), pairs, mode)
            result.areas.append({"code": area.code, "name": area.name,
                                 "rows": {r.key: r for r in rows}})
    return result


def fmt_pct(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:+.1f}%"
