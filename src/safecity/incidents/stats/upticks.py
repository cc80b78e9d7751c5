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
incidents are.

A row is *not tested* (no p, no q, left out of the false-discovery family, never flagged) when a baseline
period is not fully covered by the agency's data — a baseline of "no data" is not a baseline of zero — or
when the smaller expected count under no change is below ``analytics.poisson.MIN_EXPECTED`` (Cochran's rule; too few
incidents for the test to mean anything). Every row carries a note that says in words why it is or is not a
real rise. The violent and property totals are left out by default (they would repeat the evidence of
their parts); CompStat shows them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from safecity.analytics import min_expected, poisson_e_test, poisson_z
from safecity.analytics.poisson import MIN_EXPECTED
from safecity.incidents.stats.categories import BY_KEY, CATEGORIES, UNIT_LABELS, unit_for
from safecity.incidents.stats.coverage import STATUS_WORDS, Coverage
from safecity.incidents.stats.periods import years_earlier
from safecity.incidents.stats.results import ScopedResult, doc, scoped
from safecity.incidents.stats.rollup import count_scope
from safecity.incidents.stats.scope import Scope, coverage_of

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
    current: int | None = doc("last 28 days; null when they have no data on file")
    prior_year: int | None = doc("same 28 days a year earlier; null when they have no data on file")
    prior_8wk: int | None = doc("the 56 days before the current window; null when they have no data on file")
    z_prior_year: float | None = doc("null when the two periods are not both fully covered by data")
    z_8wk: float | None = doc("2(√C − √(B/2)); null when the two periods are not both fully covered by data")
    p_prior_year: float | None
    p_8wk: float | None
    p: float | None = doc("max of the two (both baselines must agree); null when not tested")
    q: float | None = doc("Benjamini–Hochberg adjusted over the tested rows; null when not tested")
    tested: bool = doc("false when a baseline lacks data or too few incidents are expected to test")
    flagged: bool
    note: str = doc("why this is or is not a real rise, in plain words")

    @property
    def category_label(self) -> str:
        return BY_KEY[self.category].label


@dataclass(kw_only=True)
class Upticks(ScopedResult):
    window_start: dt.date
    window_end: dt.date
    alpha: float
    min_count: int
    min_expected: float = doc("rows whose smaller expected count is below this are not tested")
    tested: int  # area × category comparisons made (``rows`` may hold only the strongest ``limit``)
    not_tested: int = doc("area × category rows not tested (baseline without data, or too few expected)")
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


def _untestable(r: dict[str, Any], coverage: Coverage, windows: dict[str, tuple[dt.date, dt.date]]) -> str:
    """Why a row cannot be tested ("" when it can)."""
    for w, words in (("cur", "the last 28 days"), ("py", "the same 28 days last year"),
                     ("pre", "the 8 weeks before")):
        status = coverage.status(*windows[w])
        if status != "full":
            return f"Not tested: {words} have {STATUS_WORDS[status]}."
    expected = min(min_expected(r["cur"], r["py"]), min_expected(r["cur"], r["pre"], 1.0, 2.0))
    if expected < MIN_EXPECTED:
        return (f"Not tested: too few incidents expected to test (expected {expected:.1f} if nothing changed; "
                f"a test needs at least {MIN_EXPECTED:g}).")
    return ""


def _note(r: dict[str, Any], q: float, alpha: float, min_count: int, tests: int) -> str:
    """Why a tested row is or is not a real rise, in words."""
    if r["cur"] <= r["py"] and r["cur"] * 2 <= r["pre"]:
        return "No rise: not above last year or the 8 weeks before."
    if r["cur"] <= r["py"]:
        return "No rise on last year (the same 28 days had as many or more)."
    if r["cur"] * 2 <= r["pre"]:
        return "No rise on the 8 weeks before (they averaged as many or more per 28 days)."
    if r["p_py"] > alpha and r["p_pre"] > alpha:
        return "Within normal variation against both last year and the 8 weeks before."
    if r["p_py"] > alpha or r["p_pre"] > alpha:
        up, flat = (("the 8 weeks before", "last year") if r["p_py"] > alpha else
                    ("last year", "the 8 weeks before"))
        return (f"Up on {up} but within normal variation against {flat} (p = {r['p']:.3f}); both must agree "
                "for a real rise.")
    if q > alpha:
        return (f"Up on both last year and the 8 weeks before, but among {tests} tests at q = {q:.3f} it is not "
                f"significant after correcting for multiple comparisons (false-discovery rate, q must be ≤ {alpha}).")
    if r["cur"] < min_count:
        return f"Significant, but fewer than {min_count} incidents in the last 28 days."
    return (f"Real rise: up on both last year and the 8 weeks before, and significant after correcting for "
            f"{tests} tests (q = {q:.3f} ≤ {alpha}).")


def upticks(*, user: Any, scope: Scope, as_of: dt.date, level: str = "all", alpha: float = ALPHA,
            min_count: int = MIN_COUNT, include_totals: bool = False, limit: int | None = None) -> Upticks:
    """Every area × category tested, strongest evidence first; ``limit`` keeps only the first rows."""
    windows = uptick_windows(as_of)
    coverage = coverage_of(user, scope)
    status = {w: coverage.status(*span) for w, span in windows.items()}
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
    tested = []
    for r in raw:
        r["why_not"] = _untestable(r, coverage, windows)
        if not r["why_not"]:
            r["p_py"] = _p_greater(r["cur"], r["py"], 1.0)
            r["p_pre"] = _p_greater(r["cur"], r["pre"], 2.0)
            r["p"] = max(r["p_py"], r["p_pre"])
            tested.append(r)
    # The false-discovery family is the rows actually tested: a row without a baseline is not a test.
    for r, q_value in zip(tested, bh_adjust([r["p"] for r in tested]) if tested else [], strict=True):
        r["q"] = q_value
    rows = []
    for r in raw:
        c = r["cat"]
        is_tested = not r["why_not"]
        q = r.get("q")
        z_py = round(poisson_z(r["cur"], r["py"]), 3) if status["cur"] == status["py"] == "full" else None
        z_pre = round(poisson_z(r["cur"], r["pre"] / 2), 3) if status["cur"] == status["pre"] == "full" else None
        flagged = is_tested and q is not None and q <= alpha and r["cur"] >= min_count
        rows.append(Uptick(
            level=r["level"], area_code=r["area"].code, area_name=scope.area_name(r["area"]), category=c.key,
            unit=UNIT_LABELS[unit_for(c, "nibrs")],
            current=None if status["cur"] == "none" else r["cur"],
            prior_year=None if status["py"] == "none" else r["py"],
            prior_8wk=None if status["pre"] == "none" else r["pre"],
            z_prior_year=z_py, z_8wk=z_pre, p_prior_year=r.get("p_py"), p_8wk=r.get("p_pre"), p=r.get("p"),
            q=q, tested=is_tested, flagged=flagged,
            note=_note(r, q, alpha, min_count, len(tested)) if is_tested and q is not None else r["why_not"]))

    def evidence(u: Uptick) -> tuple[Any, ...]:
        zs = [z for z in (u.z_prior_year, u.z_8wk) if z is not None]
        return (not u.tested, u.p if u.p is not None else 1.0, -min(zs, default=0.0), u.level, u.area_code)

    rows.sort(key=evidence)
    return Upticks(**scoped(scope, as_of, coverage), window_start=windows["cur"][0], window_end=windows["cur"][1],
                   alpha=alpha, min_count=min_count, min_expected=MIN_EXPECTED, tested=len(tested),
                   not_tested=len(raw) - len(tested), flagged=sum(r.flagged for r in rows), rows=rows[:limit])
