from __future__ import annotations

import numpy as np
import pytest

from safecity.analytics.age_adjust import age_adjusted_rate
from safecity.analytics.standard_population import US2000_11_GROUPS, US2000_19_GROUPS, standard_weights


def test_standard_population_data() -> None:
    # NCHS standard million sums to 1,000,000; Census P25-1130 total 274,633,642 (SEER).
    assert sum(g.standard_population for g in US2000_11_GROUPS) == 1_000_000
    assert sum(g.standard_population for g in US2000_19_GROUPS) == 274_633_642
    w11 = np.array(standard_weights("us2000_11"))
    w19 = np.array(standard_weights("us2000_19"))
    assert w11[0] == pytest.approx(0.013818)
    assert w11[-1] == pytest.approx(0.015508)
    # Aggregating the 19 Census groups reproduces the NCHS 11-group weights (to rounding).
    groups = [[0], [1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11], [12, 13], [14, 15], [16, 17], [18]]
    aggregated = np.array([w19[idx].sum() for idx in groups])
    assert np.allclose(aggregated, w11, atol=3e-6)


def test_hand_checkable_two_group_example() -> None:
    # Young: 1 event / 1,000; old: 3 / 1,000; standard 25% young, 75% old.
    # AAR = (0.25·0.001 + 0.75·0.003)·100,000 = 250; crude = 4/2,000·100,000 = 200.
    res = age_adjusted_rate([1, 3], [1000, 1000], [0.25, 0.75])
    assert res.rate == pytest.approx(250.0)
    assert res.crude_rate == pytest.approx(200.0)
    # Var = 0.25²·1/1000² + 0.75²·3/1000² -> SE = sqrt(1.75)/1000 per person.
    assert res.se == pytest.approx(np.sqrt(1.75) / 1000 * 100_000)
    assert res.ci_low < 250 < res.ci_high
    # Standard given as counts instead of shares gives the same answer.
    assert age_adjusted_rate([1, 3], [1000, 1000], [250, 750]).rate == pytest.approx(250.0)


def test_uniform_rates_equal_the_rate() -> None:
    res = age_adjusted_rate([10] * 11, [100_000] * 11)
    assert res.rate == pytest.approx(10.0)
    res19 = age_adjusted_rate([5] * 19, [50_000] * 19, "us2000_19")
    assert res19.rate == pytest.approx(10.0)


def test_fay_feuer_reduces_to_garwood_for_one_group() -> None:
    # With one age group the gamma interval equals the exact Poisson (Garwood) interval.
    res = age_adjusted_rate([10], [100_000], [1.0])
    assert res.ci_low == pytest.approx(4.795, abs=1e-3)
    assert res.ci_high == pytest.approx(18.390, abs=1e-3)


def test_invalid() -> None:
    with pytest.raises(ValueError):
        age_adjusted_rate([1, 2], [10, 10])  # 11 groups expected
    with pytest.raises(ValueError):
        age_adjusted_rate([1], [0], [1.0])
    with pytest.raises(ValueError):
        age_adjusted_rate([1], [10], "us1940")
