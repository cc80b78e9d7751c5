from __future__ import annotations

import math

import pytest

from safecity.analytics.poisson import (
    c_test,
    poisson_e_test,
    poisson_exact_ci,
    poisson_z,
    rate_ratio_ci,
)


@pytest.mark.parametrize(("current", "past"), [(25, 16), (9, 4), (36, 25)])
def test_poisson_z_vectors(current: int, past: int) -> None:
    # 2(√25 − √16) = 2(√9 − √4) = 2(√36 − √25) = 2, worked by hand from the formula.
    assert poisson_z(current, past) == pytest.approx(2.0)


def test_poisson_z_average_of_prior_periods() -> None:
    assert poisson_z(25, [10, 22]) == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("c1", "c2", "expected"),
    [
        (3, 0, 0.0884),
        (0, 3, 0.0884),
        (6, 2, 0.1749),
        (2, 6, 0.1749),
        (20, 10, 0.0688),
        (25, 16, 0.1648),
        (9, 4, 0.1830),
        (20, 20, 1.0),
    ],
)
def test_e_test_vectors(c1: int, c2: int, expected: float) -> None:
    # ptools testthat vectors (Wheeler).
    assert poisson_e_test(c1, c2) == pytest.approx(expected, abs=5e-5)


def test_e_test_undefined_for_zero_counts() -> None:
    assert math.isnan(poisson_e_test(0, 0))


def test_e_test_exposure_and_large_counts() -> None:
    # Doubling both counts and exposures keeps the rates; larger counts give a smaller p.
    assert poisson_e_test(40, 20, 2, 2) < poisson_e_test(20, 10)
    assert 0 < poisson_e_test(3000, 2800) < 0.05
    assert poisson_e_test(20, 10, alternative="greater") < poisson_e_test(20, 10)
    assert poisson_e_test(20, 10, alternative="less") > 0.9


def test_c_test_vectors() -> None:
    assert c_test(25, 16) == pytest.approx(0.2110, abs=5e-5)
    assert c_test(6, 2) == pytest.approx(0.289, abs=5e-4)


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.390), (25, 16.179, 36.905)],
)
def test_garwood_ci_published(count: int, low: float, high: float) -> None:
    lo, hi = poisson_exact_ci(count)
    assert lo == pytest.approx(low, abs=6e-4)
    assert hi == pytest.approx(high, abs=6e-4)


def test_rate_ratio_ci() -> None:
    wald = rate_ratio_ci(25, 16, method="wald")
    assert wald.ratio == pytest.approx(25 / 16)
    se = math.sqrt(1 / 25 + 1 / 16)
    assert wald.low == pytest.approx(25 / 16 * math.exp(-1.959964 * se), rel=1e-5)
    exact = rate_ratio_ci(25, 16)
    assert exact.low < 25 / 16 < exact.high
    # Exact interval includes 1 exactly when the two-sided C-test is not significant.
    assert exact.low < 1 and c_test(25, 16) > 0.05
    with_exposure = rate_ratio_ci(25, 16, t1=2, t2=1)
    assert with_exposure.ratio == pytest.approx(25 / 32)
    assert with_exposure.high == pytest.approx(exact.high / 2)
    zero_past = rate_ratio_ci(5, 0)
    assert math.isinf(zero_past.ratio) and math.isinf(zero_past.high) and zero_past.low > 0


@pytest.mark.parametrize("bad", [-1, float("nan")])
def test_negative_counts_rejected(bad: float) -> None:
    with pytest.raises(ValueError):
        poisson_z(bad, 3)
    with pytest.raises(ValueError):
        poisson_e_test(bad, 3)
    with pytest.raises(ValueError):
        poisson_exact_ci(bad)
