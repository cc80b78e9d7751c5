"""Confidence intervals for a binomial proportion ``k / n``.

Wilson score interval: Wilson, E. B. (1927), "Probable inference, the law of succession, and statistical
inference", Journal of the American Statistical Association 22:209–212; recommended over the Wald interval
by Newcombe, R. G. (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
methods", Statistics in Medicine 17:857–872 (method 3; e.g. 81/263 → 0.2553–0.3662, 0/20 → 0–0.1611).
Pure standard library so that it can be used without importing SciPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

__all__ = ["Proportion", "proportion", "wilson_ci"]


def wilson_ci(successes: int, trials: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for ``successes / trials``; ``(nan, nan)`` when ``trials`` is 0."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    if trials == 0:
        return math.nan, math.nan
    z = NormalDist().inv_cdf(1 - alpha / 2)
    p = successes / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    # Clamp rounding noise so that 0/n starts at exactly 0 and n/n ends at exactly 1.
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Proportion:
    """``successes / trials`` with its Wilson interval (all ``nan`` when there are no trials)."""

    successes: int
    trials: int
    value: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float | int | None]:
        def clean(x: float) -> float | None:
            return None if math.isnan(x) else x

        return {
            "successes": self.successes,
            "trials": self.trials,
            "value": clean(self.value),
            "ci_low": clean(self.low),
            "ci_high": clean(self.high),
        }


def proportion(successes: int, trials: int, alpha: float = 0.05) -> Proportion:
    """The proportion and its Wilson score interval."""
    low, high = wilson_ci(successes, trials, alpha)
    value = successes / trials if trials else math.nan
    return Proportion(successes, trials, value, low, high)
