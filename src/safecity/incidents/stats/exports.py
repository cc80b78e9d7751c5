"""CSV renderings of each statistic (the same numbers the pages and the API show)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safecity.core import csvsafe
from safecity.incidents.stats.categories import BY_KEY
from safecity.incidents.stats.compstat import Compstat
from safecity.incidents.stats.firearm import MEASURES, Firearm
from safecity.incidents.stats.spatial import Hotspots, NearRepeat
from safecity.incidents.stats.trends import Trends
from safecity.incidents.stats.upticks import Upticks


def _csv(header: list[str], rows: Iterable[list[Any]], preamble: list[str]) -> tuple[str, int]:
    # Area codes and names come from agency data: the platform's writer keeps them from running as formulas.
    return csvsafe.render(header, rows, preamble)


def _num(v: float | None, digits: int = 3) -> Any:
    return None if v is None else round(v, digits)


def compstat_csv(c: Compstat) -> tuple[str, int]:
    header = ["category", "unit"]
    for w in c.windows:
        k = w.key
        header += [f"{k}_current", f"{k}_prior_year", f"{k}_change", f"{k}_pct_change", f"{k}_poisson_z",
                   f"{k}_flag"]
    rows = []
    for r in c.rows:
        line: list[Any] = [r.label, r.unit]
        for w in c.windows:
            cell = r.cells[w.key]
            line += [cell.current, cell.prior, cell.change, _num(cell.pct_change, 1), cell.z, cell.flag or ""]
        rows.append(line)
    pre = [f"CompStat {c.label}, as of {c.as_of}; counting: {c.counting}"]
    pre += [f"{w.key}: {w.start}..{w.end} vs {w.prior_start}..{w.prior_end}" for w in c.windows]
    pre.append(f"flag = |Poisson Z| >= {c.z_threshold} and at least {c.min_expected:g} expected per period; "
               "pct_change empty when the prior-year count is 0")
    pre.append(f"data on file: {c.coverage.window}; an empty count means no data (not 0); periods without "
               "complete data are not compared")
    return _csv(header, rows, pre)


def trends_csv(t: Trends) -> tuple[str, int]:
    header = ["month", "partial_month", "coverage"]
    for s in t.series:
        header += [f"{s.category}_count", f"{s.category}_rolling_12_month_sum"]
    rows = []
    for i, month in enumerate(t.months):
        first = t.series[0].points[i]
        line: list[Any] = [month.strftime("%Y-%m"), "yes" if first.partial else "no", first.coverage]
        for s in t.series:
            p = s.points[i]
            line += [p.count, p.rolling_12]
        rows.append(line)
    pre = [f"Monthly trends {t.label}, through {t.as_of}", "units: " + "; ".join(
        f"{s.category}={s.unit}" for s in t.series),
        f"data on file: {t.coverage.window}; an empty count means no data (not 0); a rolling sum is given only "
        f"when all {t.rolling_months} months have complete data"]
    return _csv(header, rows, pre)


def upticks_csv(u: Upticks) -> tuple[str, int]:
    header = ["level", "area", "category", "unit", "last_28_days", "same_28_days_prior_year", "prior_8_weeks",
              "z_vs_prior_year", "z_vs_8_weeks", "p_vs_prior_year", "p_vs_8_weeks", "p", "q_fdr", "tested", "flagged",
              "note"]
    rows = [[r.level, r.area_code, r.category, r.unit, r.current, r.prior_year, r.prior_8wk, r.z_prior_year,
             r.z_8wk, _num(r.p_prior_year, 6), _num(r.p_8wk, 6), _num(r.p, 6), _num(r.q, 6),
             "yes" if r.tested else "no", "yes" if r.flagged else "no", r.note] for r in u.rows]
    pre = [f"Upticks {u.label}, as of {u.as_of}; flagged = FDR q <= {u.alpha} and count >= {u.min_count}",
           f"data on file: {u.coverage.window}; not tested = a baseline without complete data, or fewer than "
           f"{u.min_expected:g} expected"]
    return _csv(header, rows, pre)


def hotspots_csv(h: Hotspots) -> tuple[str, int]:
    header = ["rank", "cell_centre_longitude", "cell_centre_latitude", "beat", "incidents", "gi_star_z", "p_two_sided",
              "confidence"]
    rows = [[c.rank, c.lon, c.lat, c.beat, c.count, c.z, _num(c.p, 6), c.level] for c in h.cells]
    pre = [f"Gi* hot cells {h.label}, {h.category_label}, {h.start}..{h.as_of}, {h.cell_m} m cells, "
           f"{h.n_incidents} incidents"]
    return _csv(header, rows, pre)


def near_repeat_csv(n: NearRepeat) -> tuple[str, int]:
    header = ["distance_band", "time_band", "observed_pairs", "expected_pairs", "knox_ratio", "p_value", "flag"]
    rows = [[c.space, c.time, c.observed, c.expected, c.ratio, c.p, "yes" if c.flag else "no"] for c in n.cells]
    pre = [f"Knox test {n.label}, {n.category_label}, {n.start}..{n.as_of}, {n.n_incidents} incidents, "
           f"{n.permutations} permutations"]
    return _csv(header, rows, pre)


def firearm_csv(f: Firearm) -> tuple[str, int]:
    header = ["period", "year", "start", "end", "has_data", "coverage", "population"]
    for key, _, unit in MEASURES:
        header += [f"{key}_{unit}", f"{key}_per_100k"]
    rows = []
    for kind, group in (("year_to_date", f.year_to_date), ("full_year", f.full_years)):
        for y in group:
            line: list[Any] = [kind, y.year, y.start, y.end, "yes" if y.has_data else "no", y.coverage,
                               y.population]
            for key, _, _ in MEASURES:
                line += [y.counts[key], y.rates_per_100k[key]]
            rows.append(line)
    pre = [f"Firearm violence {f.label}, as of {f.as_of}",
           f"data on file: {f.coverage.window}; an empty count means no data (not 0)"]
    return _csv(header, rows, pre)


def category_label(key: str) -> str:
    return BY_KEY[key].label
