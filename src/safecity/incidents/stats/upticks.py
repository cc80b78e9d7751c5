"""Which districts and beats have real rises? Two Poisson E-tests per area and category, FDR-corrected.

For each area × category the last 28 days (``C``) are compared with two baselines:

* the same 28 calendar days a year earlier (``P``), which removes seasonality — Poisson E-test
  (Krishnamoorthy & Thomson 2004), one-sided "greater", exposures 1 : 1;
* the 8 weeks immediately before (``B``, 56 days), i.e. the 8-week mean of Wheeler's (2016) weekly control
  bands scaled to 4 weeks — E-test with exposures 1 : 2.

A rise is *real* only if both tests agree (intersection–union: the larger of the two p-values, which is a
valid level-α test), and after a Benjamini–Hochberg false-discovery-rate correction over every
area × category tested (Benjamini & Hochberg 1995, JRSS B 57:289–300), with at least ``min_count``
events. Rows are sorted by that evidence (smallest p first, then largest Z). Shooting *victims* are not
tested (victims cluster within incidents, so Poisson tests would overstate the evidence); shooting
incidents are. The violent and property totals are left out by default (they would repeat the evidence of
their parts); CompStat shows them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from safecity.analytics import poisson_e_test, poisson_z
from safecity.incidents.stats.categories import BY_KEY, CATEGORIES, UNIT_LABELS, unit_for
from safecity.incidents.stats.periods import years_earlier
from safecity.incidents.stats.results import ScopedResult, scoped
from safecity.incidents.stats.rollup import count_scope
from safecity.incidents.stats.scope import Scope

ALPHA = 0.05
MIN_COUNT = 5
# Shooting victims cluster within incidents (one shooting, several victims), which breaks the Poisson
# assumption and overstates the evidence; rises in shootings are tested on shooting incidents instead.
SKIPPED = frozenset({"shooting_victims"})


@dataclass(frozen=True, kw_only=True)
class Uptick:
    level: str  # district / beat
    area_code: str
    area_name: str
    category: str
    unit: str
    current: int  # last 28 days
    prior_year: int  # same 28 days a year earlier
    prior_8wk: int  # the 56 days before the current window
    z_prior_year: float
    z_8wk: float  # 2(√C − √(B/2))
    p_prior_year: float
    p_8wk: float
    p: float  # max of the two (both baselines must agree)
    q: float  # Benjamini–Hochberg adjusted
    flagged: bool

    @property
    def category_label(self) -> str:
        return BY_KEY[self.category].label


@dataclass(kw_only=True)
class Upticks(ScopedResult):
    window_start: dt.date
    window_end: dt.date
    alpha: float
    min_count: int
    tested: int  # area × category comparisons made (``rows`` may hold only the strongest ``limit``)
    flagged: int
    rows: list[Uptick]

    @property
    def windows(self) -> dict[str, tuple[dt.date, dt.date]]:
        return uptick_windows(self.as_of)


def uptick_windows(as_of: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    start = as_of - dt.timedelta(days=27)
    return {
        "cur": (start, as_of),
        "py": (years_earlier(start), years_earlier(as_of)),
        "pre": (start - dt.timedelta(days=56), start - dt.timedelta(days=1)),
    }


def _p_greater(c1: int, c2: int, n2: float) -> float:
    if c1 == 0 or c1 * n2 <= c2:  # not a rise: a one-sided test for an increase cannot reject
        return 1.0
    p = poisson_e_test(c1, c2, 1.0, n2, alternative="greater")
    return 1.0 if math.isnan(p) else p


def bh_adjust(pvalues: list[float]) -> list[float]:
    """Benjamini–Hochberg step-up adjusted p-values (q-values)."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    q = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pvalues[i] * m / rank)
        q[i] = min(1.0, running)
    return q


def upticks(*, user: Any, scope: Scope, as_of: dt.date, level: str = "all", alpha: float = ALPHA,
            min_count: int = MIN_COUNT, include_totals: bool = False, limit: int | None = None) -> Upticks:
    """Every area × category tested, strongest evidence first; ``limit`` keeps only the first rows."""
    windows = uptick_windows(as_of)
    inc = scope.incidents(user)
    levels = ["district", "beat"] if level == "all" else [level]
    raw: list[dict[str, Any]] = []
    for lv in levels:
        matrix = count_scope(inc, scope, windows, group=lv)
        for area in scope.areas(lv):
            cell = matrix.get(area.pk)
            for c in CATEGORIES:
                if (c.is_total and not include_totals) or c.key in SKIPPED:
                    continue
                cur, py, pre = ((cell[c.key][w] if cell else 0) for w in ("cur", "py", "pre"))
                raw.append({"level": lv, "area": area, "cat": c, "cur": cur, "py": py, "pre": pre})
    pvals = []
    for r in raw:
        r["p_py"] = _p_greater(r["cur"], r["py"], 1.0)
        r["p_pre"] = _p_greater(r["cur"], r["pre"], 2.0)
        r["p"] = max(r["p_py"], r["p_pre"])
        pvals.append(r["p"])
    qs = bh_adjust(pvals) if pvals else []
    rows = []
    for r, q in zip(raw, qs, strict=True):
        c = r["cat"]
        rows.append(Uptick(
            level=r["level"], area_code=r["area"].code, area_name=scope.area_name(r["area"]), category=c.key,
            unit=UNIT_LABELS[unit_for(c, "nibrs")], current=r["cur"],
            prior_year=r["py"], prior_8wk=r["pre"], z_prior_year=round(poisson_z(r["cur"], r["py"]), 3),
            z_8wk=round(poisson_z(r["cur"], r["pre"] / 2), 3), p_prior_year=r["p_py"], p_8wk=r["p_pre"],
            p=r["p"], q=q, flagged=q <= alpha and r["cur"] >= min_count))
    rows.sort(key=lambda u: (u.p, -min(u.z_prior_year, u.z_8wk), u.level, u.area_code))
    return Upticks(**scoped(scope, as_of), window_start=windows["cur"][0], window_end=windows["cur"][1],
                   alpha=alpha, min_count=min_count, tested=len(rows), flagged=sum(r.flagged for r in rows),
                   rows=rows[:limit])
