"""CompStat table: week-to-date, 28-day and year-to-date counts against the same dates a year earlier, with
percent change and the Poisson Z of `analytics.poisson` (the NYPD CompStat 2.0 report layout)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from safecity.analytics import min_expected, percent_change, poisson_z
from safecity.analytics.poisson import MIN_EXPECTED
from safecity.incidents.stats.categories import CATEGORIES, UNIT_LABELS, UNIT_MODES, unit_for
from safecity.incidents.stats.counts import count_matrix, empty_cell
from safecity.incidents.stats.coverage import STATUS_WORDS, Coverage, Status
from safecity.incidents.stats.periods import Period, compstat_windows
from safecity.incidents.stats.results import ScopedResult, doc, internal, scoped
from safecity.incidents.stats.rollup import add_matrices, count_scope
from safecity.incidents.stats.scope import Scope, coverage_of

Z_FLAG = 1.96  # two-sided 5% level; |Z| below this is shown but not flagged

# The by-area summary (page and PDF): (category, window, heading), in column order.
AREA_SUMMARY = (("violent", "d28", "Violent 28 days"), ("violent", "ytd", "Violent YTD"),
                ("property", "ytd", "Property YTD"), ("shooting_victims", "ytd", "Shooting victims YTD"))


@dataclass(frozen=True, kw_only=True)
class Cell:
    current: int | None = doc("null when the period has no data on file")
    prior: int | None = doc("null when the same period a year earlier has no data on file")
    change: int | None = doc("null unless both periods are fully covered by data")
    pct_change: float | None = doc("null when the prior count is 0 (undefined) or the periods are not compared")
    z: float | None = doc("Poisson Z; null unless both periods are fully covered by data")
    flag: Literal["up", "down"] | None = doc("set when |Z| ≥ the threshold and the expected count is large "
                                               "enough to test")
    coverage: Status = doc("full / partial / none: how much of the current period has data on file")
    prior_coverage: Status = doc("full / partial / none: the same for the prior-year period")
    expected: float | None = doc("the smaller expected count of the two periods under no change; a change is "
                                 "flagged only when it is at least min_expected")
    note: str = doc("why the cell is not compared or not flagged, in words (empty when it is)")

    @property
    def compared(self) -> bool:
        return self.z is not None

    @classmethod
    def of(cls, current: int, prior: int, coverage: Status = "full", prior_coverage: Status = "full") -> Cell:
        shown_current = None if coverage == "none" else current
        shown_prior = None if prior_coverage == "none" else prior
        if coverage != "full" or prior_coverage != "full":
            # A period without full data would compare a fraction of a period with a whole one.
            which = "this period" if coverage != "full" else "the same period a year earlier"
            status = coverage if coverage != "full" else prior_coverage
            return cls(current=shown_current, prior=shown_prior, change=None, pct_change=None, z=None, flag=None,
                       coverage=coverage, prior_coverage=prior_coverage, expected=None,
                       note=f"Not compared: {which} has {STATUS_WORDS[status]}.")
        z = poisson_z(current, prior)
        expected = min_expected(current, prior)
        flag: Literal["up", "down"] | None = None
        note = ""
        if expected < MIN_EXPECTED:
            if abs(z) >= Z_FLAG:
                note = (f"Not flagged: too few incidents to test (expected {expected:.1f} per period if nothing "
                        f"changed; a test needs at least {MIN_EXPECTED:g}).")
        elif abs(z) >= Z_FLAG:
            flag = "up" if z > 0 else "down"
        return cls(current=current, prior=prior, change=current - prior, pct_change=percent_change(current, prior),
                   z=round(z, 3), flag=flag, coverage=coverage, prior_coverage=prior_coverage,
                   expected=round(expected, 2), note=note)


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
    coverage: Status = doc("full / partial / none: data on file for the current period")
    prior_coverage: Status = doc("full / partial / none: data on file for the prior-year period")


@dataclass(kw_only=True)
class Compstat(ScopedResult):
    counting: str  # the counting mode, in words
    week: str = doc("complete: the last complete Monday–Sunday week; to_date: Monday to the as-of date")
    z_threshold: float
    min_expected: float = doc("a change is flagged only when both periods' expected count under no change is "
                              "at least this (Cochran's rule)")
    windows: list[Window]
    rows: list[CompstatRow]
    areas: list[Area]
    by_area: str | None = internal()  # "agency" / "district" / "beat": what ``areas`` holds


def _rows(cell: dict[str, dict[str, int]], pairs: list[tuple[Period, Period]], mode: str,
          coverage: Coverage) -> list[CompstatRow]:
    status = {p.key: coverage.status(p.start, p.end) for pair in pairs for p in pair}
    rows = []
    for c in CATEGORIES:
        cells = {cur.key: Cell.of(cell[c.key][cur.key], cell[c.key][prior.key], status[cur.key], status[prior.key])
                 for cur, prior in pairs}
        rows.append(CompstatRow(category=c.key, label=c.label, unit=UNIT_LABELS[unit_for(c, mode)],
                                is_total=c.is_total, cells=cells))
    return rows


def compstat(*, user: Any, scope: Scope, as_of: dt.date, mode: str = "nibrs", week: str = "complete") -> Compstat:
    """CompStat for a scope, with 28-day/YTD summaries for the areas one level down (``Scope.sub_level``).

    A period without full data coverage shows its count (partial) or null (none) and is not compared."""
    coverage = coverage_of(user, scope)
    pairs = compstat_windows(as_of, week)
    windows = {w.key: (w.start, w.end) for pair in pairs for w in pair}
    inc = scope.incidents(user)
    whole = scope.district is None and scope.beat is None
    areas: list[Area] = []
    by_area = scope.sub_level
    if by_area == "agency":  # the roll-up: one summary row per member agency, and their sum
        parts = [count_matrix(inc, windows, agency_id=a.pk, mode=mode, whole_agency=True) for a in scope.members]
        areas = [Area(code=a.ori, name=a.name, rows=_rows(own.get(None) or empty_cell(windows), pairs, mode, coverage))
                 for a, own in zip(scope.members, parts, strict=True)]
        matrix = add_matrices(parts)
    else:
        matrix = count_scope(inc, scope, windows, mode=mode, whole_agency=whole)
    if by_area in ("district", "beat"):
        per = count_matrix(inc, windows, agency_id=scope.agency.pk, mode=mode, group=by_area)
        areas = [Area(code=a.code, name=a.name, rows=_rows(per.get(a.pk) or empty_cell(windows), pairs, mode, coverage))
                 for a in scope.areas(by_area)]
    return Compstat(
        **scoped(scope, as_of, coverage), counting=UNIT_MODES[mode], week=week, z_threshold=Z_FLAG,
        min_expected=MIN_EXPECTED,
        windows=[Window(key=c.key, label=c.label, start=c.start, end=c.end, prior_start=p.start, prior_end=p.end,
                        coverage=coverage.status(c.start, c.end), prior_coverage=coverage.status(p.start, p.end))
                 for c, p in pairs],
        rows=_rows(matrix.get(None) or empty_cell(windows), pairs, mode, coverage), areas=areas, by_area=by_area)
