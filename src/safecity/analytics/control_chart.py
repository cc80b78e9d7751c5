"""Weekly counts and control-chart error bands for monitoring crime trends.

Source: Wheeler, A. P. (2016), "Tables and graphs for monitoring temporal crime trends:
Translating theory into practical crime analysis advice", International Journal of Police Science
& Management 18(3):159–172: weekly counts with bands of ±k·√mean (Poisson) or ±k·SD (empirical).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = ["WeeklyBand", "weekly_control_bands", "weekly_counts"]

BandMethod = Literal["poisson_sqrt", "empirical_sd"]


def weekly_counts(dates: Iterable[dt.date]) -> list[tuple[dt.date, int]]:
    """Count events per Monday-starting week, filling weeks with no events with zero.

    Monday–Sunday weeks follow NYPD CompStat 2.0 practice and Wheeler (2016).
    Returns ``(week_start_monday, count)`` pairs in chronological order.
    """
    counter: Counter[dt.date] = Counter()
    for day in dates:
        as_date = day.date() if isinstance(day, dt.datetime) else day
        counter[as_date - dt.timedelta(days=as_date.weekday())] += 1
    if not counter:
        return []
    first, last = min(counter), max(counter)
    n_weeks = (last - first).days // 7 + 1
    weeks = [first + dt.timedelta(weeks=i) for i in range(n_weeks)]
    return [(week, counter.get(week, 0)) for week in weeks]


@dataclass(frozen=True)
class WeeklyBand:
    """Control band for one week: ``low``/``high`` are ``None`` until enough prior weeks exist."""

    index: int
    count: float
    baseline_mean: float | None
    low: float | None
    high: float | None
    flag: Literal["high", "low"] | None


def weekly_control_bands(
    counts: Sequence[float],
    window: int = 8,
    z: float = 3.0,
    method: BandMethod = "poisson_sqrt",
) -> list[WeeklyBand]:
    """Error bands for each week from the mean of the previous ``window`` weeks (default 8).

    ``poisson_sqrt`` (default; Wheeler 2016): with ``μ_t`` the mean of weeks ``t−window..t−1``,
    the square-root scale has standard deviation 1/2, so ``low = max(0, √μ − z/2)²`` and
    ``high = (√μ + z/2)²`` — i.e. mean ± z·sd on the variance-stabilised scale.
    ``empirical_sd``: a Shewhart-style ``μ ± z·s`` using the sample standard deviation of the
    same prior weeks (Montgomery, Introduction to Statistical Quality Control), floored at 0.
    Weeks whose count falls outside the band are flagged ``"high"`` or ``"low"``.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    if z <= 0:
        raise ValueError(f"z must be positive, got {z}")
    if method not in ("poisson_sqrt", "empirical_sd"):
        raise ValueError(f"unknown method {method!r}")
    values = np.asarray(counts, dtype=float)
    if np.any(values < 0) or np.any(np.isnan(values)):
        raise ValueError("counts must be non-negative numbers")
    bands: list[WeeklyBand] = []
    for t, count in enumerate(values.tolist()):
        if t < window:
            bands.append(WeeklyBand(t, count, None, None, None, None))
            continue
        prior = values[t - window : t]
        mean = float(prior.mean())
        if method == "poisson_sqrt":
            root = math.sqrt(mean)
            low = max(0.0, root - z / 2) ** 2
            high = (root + z / 2) ** 2
        else:
            sd = float(prior.std(ddof=1)) if window > 1 else 0.0
            low = max(0.0, mean - z * sd)
            high = mean + z * sd
        flag: Literal["high", "low"] | None = None
        if count > high:
            flag = "high"
        elif count < low:
            flag = "low"
        bands.append(WeeklyBand(t, count, mean, low, high, flag))
    return bands
