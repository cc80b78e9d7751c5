"""Direct age adjustment with the 2000 U.S. standard population and Fay–Feuer gamma intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from safecity.analytics.standard_population import standard_weights

__all__ = ["AgeAdjustedRate", "age_adjusted_rate"]


@dataclass(frozen=True)
class AgeAdjustedRate:
    """Age-adjusted rate per ``per`` population with SE and Fay–Feuer confidence limits."""

    rate: float
    se: float
    ci_low: float
    ci_high: float
    crude_rate: float
    events: float
    population: float
    per: float
    alpha: float


def age_adjusted_rate(
    events: Sequence[float],
    population: Sequence[float],
    standard: str | Sequence[float] = "us2000_11",
    per: float = 100_000.0,
    alpha: float = 0.05,
) -> AgeAdjustedRate:
    """Directly age-adjusted rate ``AAR = Σ wᵢ·dᵢ/pᵢ × per`` with weights ``wᵢ`` summing to 1.

    Source: Klein, R. J. & Schoenborn, C. A. (2001), "Age adjustment using the 2000 projected U.S.
    population", Healthy People 2010 Statistical Notes no. 20, NCHS (method and 2000 standard);
    variance ``Σ wᵢ²·dᵢ/pᵢ²`` (Poisson); confidence interval from Fay, M. P. & Feuer, E. J. (1997),
    "Confidence intervals for directly standardized rates: a method based on the gamma
    distribution", Statistics in Medicine 16:791–801.

    ``standard`` is ``"us2000_11"`` (NCHS 11 groups), ``"us2000_19"`` (SEER/Census 19 groups) or
    explicit weights/standard population counts in the same age-group order as ``events``.
    """
    d = np.asarray(events, dtype=float)
    p = np.asarray(population, dtype=float)
    raw = np.asarray(standard_weights(standard) if isinstance(standard, str) else standard, dtype=float)
    if not (d.ndim == p.ndim == raw.ndim == 1) or not (len(d) == len(p) == len(raw)):
        raise ValueError(
            f"events ({len(d)}), population ({len(p)}) and standard ({len(raw)}) need one value per age group"
        )
    if np.any(d < 0) or np.any(np.isnan(d)):
        raise ValueError("events must be non-negative")
    if np.any(p <= 0) or np.any(np.isnan(p)):
        raise ValueError("population must be positive in every age group")
    if np.any(raw < 0) or raw.sum() <= 0:
        raise ValueError("standard weights must be non-negative and not all zero")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    w = raw / raw.sum()
    rate = float(np.sum(w * d / p))
    variance = float(np.sum(w**2 * d / p**2))
    w_max = float(np.max(w / p))
    low = float(stats.gamma.ppf(alpha / 2, rate**2 / variance, scale=variance / rate)) if rate > 0 else 0.0
    shape_hi = (rate + w_max) ** 2 / (variance + w_max**2)
    scale_hi = (variance + w_max**2) / (rate + w_max)
    high = float(stats.gamma.ppf(1 - alpha / 2, shape_hi, scale=scale_hi))
    return AgeAdjustedRate(
        rate=rate * per,
        se=math.sqrt(variance) * per,
        ci_low=low * per,
        ci_high=high * per,
        crude_rate=float(d.sum() / p.sum() * per),
        events=float(d.sum()),
        population=float(p.sum()),
        per=per,
        alpha=alpha,
    )
