"""CompStat table: week-to-date, 28-day and year-to-date counts against the same dates a year earlier, with
percent change and the Poisson Z of `analytics.poisson` (the NYPD CompStat 2.0 report layout)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from safecity.analytics import percent_change, poisson_z
from safecity.incidents.stats.categories import CATEGORIES, UNIT_LABELS, UNIT_MODES, unit_for
from safecity.incidents.stats.counts import count_matrix, empty_cell
from safecity.incidents.stats.periods import Period, compstat_windows
from safecity.incidents.stats.results import ScopedResult, doc, internal, scoped
from safecity.incidents.stats.scope import Scope

Z_FLAG = 1.96  # two-sided 5% level; |Z| below this is shown but not flagged

# The by-area summary (page and PDF): (category, window, heading), in column order.
AREA_SUMMARY = (("violent", "d28", "Violent 28 days"), ("violent", "ytd", "Violent YTD"),
                ("property", "ytd", "Property YTD"), ("shooting_victims", "ytd", "Shooting victims YTD"))


@dataclass(frozen=True, kw_only=True)
class Cell:
    current: int
    prior: int
    change: int
    pct_change: float | None = doc("null when the prior count is 0 (undefined)")
    z: float
    flag: Literal["up", "down"] | None  # when |Z| ≥ Z_FLAG

    @classmethod
    def of(cls, current: int, prior: int) -> Cell:
        z = poisson_z(current, prior)
        flag: Literal["up", "down"] | None = ("up" if z > 0 else "down") if abs(z) >= Z_FLAG else None
        return cls(current=current, prior=prior, change=current - prior, pct_change=percent_change(current, prior),
                   z=round(z, 3), flag=flag)


@dataclass(frozen=True, kw_only=True)
class CompstatRow:
    category: str
    label: str
    unit: str  # what the row counts, in words (incidents / offenses / victims / mixed)
    is_total: bool
    cells: dict[str, Cell]  # window key → cell


@dataclass(frozen=True, kw_only=True)
class Area:
    code: str
    name: str
    rows: list[CompstatRow]

    def cell(self, category: str, window: str) -> Cell:
        return next(r.cells[window] for r in self.rows if r.category == category)

    @property
    def summary(self) -> list[tuple[str, Cell]]:
        """(heading, cell) for each column of :data:`AREA_SUMMARY`."""
        return [(heading, self.cell(category, window)) for category, window, heading in AREA_SUMMARY]

    @property
    def summary_cells(self) -> list[tuple[str, str, str, Cell]]:
        """(heading, category, window, cell) for each column of :data:`AREA_SUMMARY` (for drill-down links)."""
        return [(heading, category, window, self.cell(category, window)) for category, window, heading in AREA_SUMMARY]


@dataclass(frozen=True, kw_only=True)
class Window:
    key: str
    label: str
    start: dt.date
    end: dt.date
    prior_start: dt.date
    prior_end: dt.date


@dataclass(kw_only=True)
class Compstat(ScopedResult):
    counting: str  # the counting mode, in words
    z_threshold: float
    windows: list[Window]
    rows: list[CompstatRow]
    areas: list[Area]
    by_area: str | None = internal()  # "district" / "beat": what ``areas`` holds


def _rows(cell: dict[str, dict[str, int]], pairs: list[tuple[Period, Period]], mode: str) -> list[CompstatRow]:
    rows = []
    for c in CATEGORIES:
        cells = {cur.key: Cell.of(cell[c.key][cur.key], cell[c.key][prior.key]) for cur, prior in pairs}
        rows.append(CompstatRow(category=c.key, label=c.label, unit=UNIT_LABELS[unit_for(c, mode)],
                                is_total=c.is_total, cells=cells))
    return rows


def compstat(*, user: Any, scope: Scope, as_of: dt.date, mode: str = "nibrs") -> Compstat:
    """CompStat for a scope, with 28-day/YTD summaries for the areas one level down (``Scope.sub_level``)."""
    pairs = compstat_windows(as_of)
    windows = {w.key: (w.start, w.end) for pair in pairs for w in pair}
    inc = scope.incidents(user)
    whole = scope.district is None and scope.beat is None
    matrix = count_matrix(inc, windows, agency_id=scope.agency.pk, mode=mode, whole_agency=whole)
    areas: list[Area] = []
    by_area = scope.sub_level
    if by_area is not None:
        per = count_matrix(inc, windows, agency_id=scope.agency.pk, mode=mode, group=by_area)
        areas = [Area(code=a.code, name=a.name, rows=_rows(per.get(a.pk) or empty_cell(windows), pairs, mode))
                 for a in scope.areas(by_area)]
    return Compstat(
        **scoped(scope, as_of), counting=UNIT_MODES[mode], z_threshold=Z_FLAG,
        windows=[Window(key=c.key, label=c.label, start=c.start, end=c.end, prior_start=p.start, prior_end=p.end)
                 for c, p in pairs],
        rows=_rows(matrix.get(None) or empty_cell(windows), pairs, mode), areas=areas, by_area=by_area)
