"""What the CompStat page and its PDF show beyond the result: one period at a time, rates per 100,000 and the
executive summary in words. Presentation only: every number comes from the ``Compstat`` result object.
"""

from __future__ import annotations

from dataclasses import dataclass

from safecity.analytics import rate_per
from safecity.incidents.stats.compstat import Cell, Compstat, Window
from safecity.incidents.stats.scope import Scope

DEFAULT_PERIOD = "d28"  # the 28-day window is where a CompStat meeting starts (NYPD CompStat 2.0)
SUMMARY_SIZE = 3
SPANS = {"week": "the last complete week", "wtd": "the week to date", "d28": "the last 28 days",
         "ytd": "the year to date"}
# The by-area summary on the page: (category, heading), shown for the chosen period.
AREA_COLUMNS = (("violent", "Violent crime"), ("property", "Property crime"), ("shooting_victims", "Shooting victims"))


@dataclass(frozen=True)
class Line:
    """One category in the chosen period, with its rates (None: no population figure for the scope)."""

    category: str
    label: str
    unit: str
    is_total: bool
    cell: Cell
    rate: float | None
    prior_rate: float | None


@dataclass(frozen=True)
class AreaLine:
    code: str
    name: str
    cells: list[tuple[str, str, Cell]]  # (heading, category, cell) in AREA_COLUMNS order


@dataclass(frozen=True)
class Period:
    window: Window
    population: int | None
    prior_population: int | None
    lines: list[Line]
    areas: list[AreaLine]


def choose_period(report: Compstat, asked: str | None) -> Window:
    """The window the page shows: the one asked for, else 28 days (an unknown key is a tab, not data: ignore)."""
    by_key = {w.key: w for w in report.windows}
    return by_key.get(asked or "") or by_key.get(DEFAULT_PERIOD) or report.windows[0]


def reading_order(report: Compstat) -> list[Window]:
    """Periods for paper: 28 days, then year to date, then the rest (the short week last: it is the noisiest)."""
    first = ("d28", "ytd")
    return sorted(report.windows, key=lambda w: first.index(w.key) if w.key in first else len(first))


def _rate(count: int | None, population: int | None) -> float | None:
    if not population or count is None:  # no population, or no data on file for the period
        return None
    value = rate_per(count, population)
    return None if value is None else round(value, 1)


def period_view(report: Compstat, window: Window) -> Period:
    scope: Scope = report.scope
    pop = scope.population(window.end.year)
    prior_pop = scope.population(window.prior_end.year)
    lines = []
    for row in report.rows:
        cell = row.cells[window.key]
        lines.append(Line(category=row.category, label=row.label, unit=row.unit, is_total=row.is_total, cell=cell,
                          rate=_rate(cell.current, pop), prior_rate=_rate(cell.prior, prior_pop)))
    areas = [AreaLine(code=a.code, name=a.name,
                      cells=[(heading, cat, a.cell(cat, window.key)) for cat, heading in AREA_COLUMNS])
             for a in report.areas]
    return Period(window=window, population=pop, prior_population=prior_pop, lines=lines, areas=areas)


def _sentence(label: str, unit: str, window: Window, cell: Cell) -> str:
    span = SPANS.get(window.key, window.label.lower())
    if cell.pct_change is None:
        change = "against none"
    else:
        change = f"{'up' if (cell.change or 0) > 0 else 'down'} {abs(cell.pct_change):.0f}% from {cell.prior:,}"
    return f"{label}: {cell.current:,} {unit} in {span}, {change} in the same dates a year earlier (Z {cell.z:+.2f})."


def executive_summary(report: Compstat) -> list[str]:
    """The largest real changes (|Z| past the flag threshold), one per category, strongest first, in words.

    A week's change weighs less than a 28-day or year-to-date change of the same Z: its count is the noisiest.
    """
    found: dict[str, tuple[float, str]] = {}
    for row in report.rows:
        for window in report.windows:
            cell = row.cells[window.key]
            if cell.flag is None:
                continue
            weight = abs(cell.z or 0.0) - (0.5 if window.key in ("week", "wtd") else 0.0)
            text = _sentence(row.label, row.unit, window, cell)
            if row.category not in found or weight > found[row.category][0]:
                found[row.category] = (weight, text)
    ranked = sorted(found.values(), key=lambda item: -item[0])
    return [text for _, text in ranked[:SUMMARY_SIZE]]
