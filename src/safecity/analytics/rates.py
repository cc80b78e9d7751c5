"""Crude rates and percent change.

Percent change is the CompStat convention (NYPD CompStat 2.0 weekly report): ``100 × (current − prior) /
prior``, undefined when the prior count is zero (reported as "n/a", never as an infinite rise).
"""

from __future__ import annotations

import math

__all__ = ["percent_change", "rate_per"]


def _check_non_negative(name: str, value: float) -> None:
    if math.isnan(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")


def rate_per(count: float, population: float, per: float = 100_000.0) -> float | None:
    """Crude rate ``count / population × per`` (default per 100,000 population).

    Source: standard crude-rate definition, e.g. CDC/NCHS "Age adjustment" technical notes
    (crude rate = deaths / population × 100,000). Returns ``None`` when the population is 0.
    """
    _check_non_negative("count", count)
    _check_non_negative("population", population)
    if per <= 0:
        raise ValueError(f"per must be positive, got {per!r}")
    if population == 0:
        return None
    return count / population * per


def percent_change(current: float, past: float) -> float | None:
    """Percent change ``100 × (current − past) / past``; ``None`` when ``past`` is 0.

    Source: NYPD CompStat 2.0 "% chg" columns; Wheeler (2018), "Testing changes in short run
    crime patterns: the Poisson e-test" warns against using it for small counts, so pair it with
    :func:`safecity.analytics.poisson.poisson_z`.
    """
    _check_non_negative("current", current)
    _check_non_negative("past", past)
    if past == 0:
        return None
    return 100.0 * (current - past) / past
