"""Naus (1982) approximation to the moving-window (scan) statistic for Poisson counts."""

from __future__ import annotations

import math

from scipy import stats

__all__ = ["naus_scan_pvalue"]


def _cdf(n: int, psi: float) -> float:
    return float(stats.poisson.cdf(n, psi)) if n >= 0 else 0.0


def _pmf(n: int, psi: float) -> float:
    return float(stats.poisson.pmf(n, psi)) if n >= 0 else 0.0


def _q2(n: int, psi: float) -> float:
    """Probability that no window in a span of two windows holds ``n`` or more events."""
    return (
        _cdf(n - 1, psi) ** 2
        - (n - 1) * _pmf(n, psi) * _pmf(n - 2, psi)
        - (n - 1 - psi) * _pmf(n, psi) * _cdf(n - 3, psi)
    )


def _q3(n: int, psi: float) -> float:
    """Probability that no window in a span of three windows holds ``n`` or more events."""
    f, p = _cdf, _pmf
    a1 = 2 * p(n, psi) * f(n - 1, psi) * ((n - 1) * f(n - 2, psi) - psi * f(n - 3, psi))
    a2 = (
        0.5
        * p(n, psi) ** 2
        * ((n - 1) * (n - 2) * f(n - 3, psi) - 2 * (n - 2) * psi * f(n - 4, psi) + psi**2 * f(n - 5, psi))
    )
    a3 = sum(p(2 * n - r, psi) * f(r - 1, psi) ** 2 for r in range(1, n))
    a4 = sum(
        p(2 * n - r, psi) * p(r, psi) * ((r - 1) * f(r - 2, psi) - psi * f(r - 3, psi)) for r in range(2, n)
    )
    return f(n - 1, psi) ** 3 - a1 + a2 + a3 - a4


def naus_scan_pvalue(periods: int, window: int, mean: float, observed: int) -> float:
    """Probability of seeing a moving-window count of at least ``observed`` somewhere in a series.

    Source: Naus, J. I. (1982), "Approximations for distributions of scan statistics", Journal of
    the American Statistical Association 77:177–183 (the ``Q2``/``Q3`` Poisson terms, see also
    Glaz, Naus & Wallenstein 2001, *Scan Statistics*, ch. 2), in the form Wheeler's ``ptools::scanw``
    (R package documentation) uses:
    ``P = 1 − Q2·(Q3/Q2)^(periods − window)`` with ``ψ = mean`` the Poisson mean inside one
    window. Test vectors: (208, 2, 0.6, 6) → 0.0390; (260, 1, 1, 6) → 0.487.
    """
    if periods < 1 or window < 1 or periods < window:
        raise ValueError("need 1 <= window <= periods")
    if mean <= 0 or math.isnan(mean):
        raise ValueError(f"mean must be positive, got {mean!r}")
    if observed < 0:
        raise ValueError(f"observed must be non-negative, got {observed!r}")
    if observed <= 1:
        # A count of 0 is always reached; a count of 1 is reached unless every period is empty.
        return 1.0 if observed == 0 else 1.0 - math.exp(-mean * periods / window)
    q2 = _q2(observed, mean)
    q3 = _q3(observed, mean)
    if q2 <= 0:
        return 1.0
    probability = 1.0 - q2 * (q3 / q2) ** (periods - window)
    return min(1.0, max(0.0, probability))
