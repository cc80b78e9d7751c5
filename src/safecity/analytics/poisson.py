"""Poisson tests for "is this uptick real?": Poisson Z, the E-test, the C-test and exact intervals.

Each function is an independent implementation from the published paper cited in its docstring
(Anscombe 1948; Krishnamoorthy & Thomson 2004; Przyborowski & Wileński 1940; Garwood 1936); their use in
crime analysis follows Wheeler (2016), International Journal of Police Science & Management 18(3):159–172.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special

# The distributions are written with `scipy.special` (the functions `scipy.stats` evaluates them with) rather
# than `scipy.stats`, which takes about three times as long to import: `safecity analyze change` is a
# command a person waits for. Only the C-test imports `scipy.stats`, for its exact binomial test.

__all__ = [
    "MIN_EXPECTED",
    "RateRatio",
    "c_test",
    "min_expected",
    "poisson_e_test",
    "poisson_exact_ci",
    "poisson_z",
    "rate_ratio_ci",
]

Alternative = Literal["two-sided", "greater", "less"]


def _check_count(name: str, value: float) -> None:
    if math.isnan(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative count, got {value!r}")


def _check_exposure(name: str, value: float) -> None:
    if math.isnan(value) or value <= 0:
        raise ValueError(f"{name} must be a positive exposure, got {value!r}")


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")


def poisson_z(current: float, past: float | Sequence[float]) -> float:
    """Variance-stabilised Poisson Z score ``2(√current − √past)``.

    ``past`` may be a sequence of prior-period counts, in which case their mean is used
    (``Z = 2(√C − √mean(P₁..P_k))``). Under equal Poisson means ``Z`` is approximately N(0, 1)
    because Var(√X) ≈ 1/4 (Anscombe 1948, Biometrika 35:246–254). Crime-analysis use and the
    "flag |Z| ≥ 3" rule: Wheeler (2016), "Tables and graphs for monitoring temporal crime trends",
    International Journal of Police Science & Management 18(3):159–172.
    """
    _check_count("current", current)
    if isinstance(past, int | float):
        past_mean = float(past)
        _check_count("past", past_mean)
    else:
        if len(past) == 0:
            raise ValueError("past must contain at least one count")
        for value in past:
            _check_count("past", value)
        past_mean = float(np.mean(np.asarray(past, dtype=float)))
    return 2.0 * (math.sqrt(current) - math.sqrt(past_mean))


# Cochran's rule of thumb: a test that compares counts with their expectations through a normal or chi-square
# approximation needs every expected count to be at least 5 (Cochran, W. G. (1954), "Some methods for
# strengthening the common χ² tests", Biometrics 10(4):417–451). Two Poisson counts compared for equal rates
# are, given their total, the two cells of such a test.
MIN_EXPECTED = 5.0


def min_expected(c1: float, c2: float, n1: float = 1.0, n2: float = 1.0) -> float:
    """The smaller expected count of two Poisson counts under equal rates: ``(c1 + c2)·min(n1, n2)/(n1 + n2)``.

    Under H0 (equal rates) and given the total ``c1 + c2``, the expected count of period ``i`` is
    ``(c1 + c2)·nᵢ/(n1 + n2)`` (the restricted MLE of the E-test, Krishnamoorthy & Thomson 2004). When the
    smaller one is below :data:`MIN_EXPECTED` the counts are too small for Z or a test to mean anything:
    "0 vs 3" has expectations 1.5 and 1.5, so it is not flagged however large Z looks.
    """
    _check_count("c1", c1)
    _check_count("c2", c2)
    _check_exposure("n1", n1)
    _check_exposure("n2", n2)
    return (c1 + c2) * min(n1, n2) / (n1 + n2)


def _support(mu: float, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Integer support of Poisson(mu) where the pmf is at least ``eps``, with its pmf."""
    spread = 15.0 * math.sqrt(mu) + 60.0
    x = np.arange(max(0.0, math.floor(mu - spread)), math.ceil(mu + spread) + 1, dtype=float)
    pmf = np.exp(special.xlogy(x, mu) - mu - special.gammaln(x + 1))  # Poisson pmf, on the log scale
    keep = pmf >= eps
    return x[keep], pmf[keep]


def poisson_e_test(
    c1: float,
    c2: float,
    n1: float = 1.0,
    n2: float = 1.0,
    d: float = 0.0,
    alternative: Alternative = "two-sided",
    eps: float = 1e-20,
) -> float:
    """P-value of the Poisson E-test for ``H0: c1/n1 − c2/n2 = d``.

    Source: Krishnamoorthy, K. & Thomson, J. (2004), "A more powerful test for comparing two
    Poisson means", Journal of Statistical Planning and Inference 119(1):23–35. The test statistic
    ``T = (X1/n1 − X2/n2 − d) / sqrt((X1 + X2)/(n1 + n2))`` is evaluated over the joint Poisson
    distribution with the restricted MLE ``λ̂ = (c1 + c2)/(n1 + n2) − d·n1/(n1 + n2)``; terms whose
    pmf is below ``eps`` are truncated (as described for Wheeler's ``ptools::e_test``). ``n1``/``n2``
    are exposures (e.g. weeks, or population in 100,000s).

    Returns ``nan`` when both counts are zero (the test is undefined; ``ptools`` returns −1).
    """
    _check_count("c1", c1)
    _check_count("c2", c2)
    _check_exposure("n1", n1)
    _check_exposure("n2", n2)
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"unknown alternative {alternative!r}")
    if c1 == 0 and c2 == 0:
        return math.nan
    lam = (c1 + c2) / (n1 + n2) - d * n1 / (n1 + n2)
    mu1 = n1 * (lam + d)
    mu2 = n2 * lam
    if lam <= 0 or mu1 <= 0:
        raise ValueError("difference d is incompatible with the observed counts (non-positive mean)")

    def statistic(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        pooled = (x1 + x2) / (n1 + n2)
        diff = x1 / n1 - x2 / n2 - d
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(pooled > 0, diff / np.sqrt(np.where(pooled > 0, pooled, 1.0)), 0.0)
        return np.asarray(np.abs(t) if alternative == "two-sided" else t)

    t_obs = float(statistic(np.array([float(c1)]), np.array([float(c2)]))[0])
    x1, p1 = _support(mu1, eps)
    x2, p2 = _support(mu2, eps)
    t_grid = statistic(x1[:, None], x2[None, :])
    tol = 1e-10 * max(1.0, abs(t_obs))
    mask = t_grid <= t_obs + tol if alternative == "less" else t_grid >= t_obs - tol
    p_value = float(np.einsum("i,ij,j->", p1, mask.astype(float), p2))
    return min(1.0, max(0.0, p_value))


def c_test(
    c1: int, c2: int, n1: float = 1.0, n2: float = 1.0, alternative: Alternative = "two-sided"
) -> float:
    """P-value of the conditional (C-) test for two Poisson rates.

    Conditional on ``c1 + c2``, ``c1 ~ Binomial(c1 + c2, n1/(n1 + n2))`` under equal rates
    (Przyborowski & Wileński 1940, Biometrika 31:313–323; compared with the E-test in
    Krishnamoorthy & Thomson 2004). Uses the exact binomial test (``scipy.stats.binomtest``).
    """
    _check_count("c1", c1)
    _check_count("c2", c2)
    _check_exposure("n1", n1)
    _check_exposure("n2", n2)
    if c1 + c2 == 0:
        return math.nan
    from scipy import stats

    result = stats.binomtest(int(c1), int(c1 + c2), n1 / (n1 + n2), alternative=alternative)
    return float(result.pvalue)


def poisson_exact_ci(count: float, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) confidence interval for a Poisson mean given an observed ``count``.

    Source: Garwood, F. (1936), "Fiducial limits for the Poisson distribution", Biometrika
    28:437–442, in the chi-square form ``[χ²_{α/2}(2k)/2, χ²_{1−α/2}(2k + 2)/2]`` (lower limit 0
    when k = 0). E.g. k = 10 → (4.795, 18.390).
    """
    _check_count("count", count)
    _check_alpha(alpha)
    # χ²_q(2k)/2 is the q-quantile of Gamma(k, 1), the inverse of the regularised lower incomplete gamma.
    lower = 0.0 if count == 0 else float(special.gammaincinv(count, alpha / 2))
    upper = float(special.gammaincinv(count + 1, 1 - alpha / 2))
    return lower, upper


@dataclass(frozen=True)
class RateRatio:
    """Incidence rate ratio ``(c1/t1)/(c2/t2)`` with a confidence interval."""

    ratio: float
    low: float
    high: float
    alpha: float
    method: str


def rate_ratio_ci(
    c1: float,
    c2: float,
    t1: float = 1.0,
    t2: float = 1.0,
    alpha: float = 0.05,
    method: Literal["exact", "wald"] = "exact",
) -> RateRatio:
    """Rate ratio ``(c1/t1)/(c2/t2)`` with an exact or Wald (log-scale) confidence interval.

    ``exact`` (default): conditional on ``c1 + c2``, ``c1`` is binomial with proportion
    ``π = t1·RR/(t1·RR + t2)``; Clopper–Pearson limits for π (Clopper & Pearson 1934, Biometrika
    26:404–413) are transformed to RR = π/(1 − π)·t2/t1 (the conditional method described in
    Breslow & Day 1987, Statistical Methods in Cancer Research vol. II, §2.2).
    ``wald``: ``exp(log RR ± z·sqrt(1/c1 + 1/c2))`` (Rothman & Greenland, Modern Epidemiology;
    used by Wheeler's ``crimepy`` cumulative WDD). Infinite/NaN limits signal undefined bounds.
    """
    _check_count("c1", c1)
    _check_count("c2", c2)
    _check_exposure("t1", t1)
    _check_exposure("t2", t2)
    _check_alpha(alpha)
    scale = t2 / t1
    ratio = math.nan if c1 == 0 and c2 == 0 else (math.inf if c2 == 0 else c1 / c2 * scale)
    if method == "exact":
        total = c1 + c2
        if total == 0:
            return RateRatio(ratio, 0.0, math.inf, alpha, method)
        # Beta quantiles: the inverse of the regularised incomplete beta function.
        p_low = 0.0 if c1 == 0 else float(special.betaincinv(c1, c2 + 1, alpha / 2))
        p_high = 1.0 if c2 == 0 else float(special.betaincinv(c1 + 1, c2, 1 - alpha / 2))
        low = p_low / (1 - p_low) * scale
        high = math.inf if p_high >= 1 else p_high / (1 - p_high) * scale
        return RateRatio(ratio, low, high, alpha, method)
    if method == "wald":
        if c1 == 0 or c2 == 0:
            return RateRatio(ratio, math.nan, math.nan, alpha, method)
        z = float(special.ndtri(1 - alpha / 2))  # standard normal quantile
        se = math.sqrt(1 / c1 + 1 / c2)
        log_rr = math.log(ratio)
        return RateRatio(ratio, math.exp(log_rr - z * se), math.exp(log_rr + z * se), alpha, method)
    raise ValueError(f"unknown method {method!r}")
