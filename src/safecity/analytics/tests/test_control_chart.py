from __future__ import annotations

import datetime as dt

import pytest

from safecity.analytics.control_chart import weekly_control_bands, weekly_counts


def test_weekly_counts_monday_weeks_fill_zeros() -> None:
    days = [dt.date(2024, 1, 1), dt.date(2024, 1, 7), dt.date(2024, 1, 22)]  # Mon, Sun, Mon
    assert weekly_counts(days) == [
        (dt.date(2024, 1, 1), 2),
        (dt.date(2024, 1, 8), 0),
        (dt.date(2024, 1, 15), 0),
        (dt.date(2024, 1, 22), 1),
    ]
    assert weekly_counts([]) == []


def test_poisson_sqrt_bands_hand_checked() -> None:
    # Prior 8 weeks average 4 -> sqrt = 2; z = 3 -> low (2 - 1.5)^2 = 0.25, high (2 + 1.5)^2 = 12.25.
    counts = [4] * 8 + [13, 12, 0]
    bands = weekly_control_bands(counts)
    assert all(b.low is None for b in bands[:8])
    week8 = bands[8]
    assert week8.baseline_mean == pytest.approx(4.0)
    assert week8.low == pytest.approx(0.25)
    assert week8.high == pytest.approx(12.25)
    assert week8.flag == "high"
    # Week 9: prior mean (7·4 + 13)/8 = 5.125 -> high (sqrt(5.125) + 1.5)^2 ≈ 14.54, so 12 is inside.
    assert bands[9].high == pytest.approx((5.125**0.5 + 1.5) ** 2)
    assert bands[9].flag is None
    # Week 10: prior mean (6·4 + 13 + 12)/8 = 6.125 -> low (sqrt(6.125) − 1.5)^2 ≈ 0.95, so 0 is low.
    assert bands[10].low == pytest.approx((6.125**0.5 - 1.5) ** 2)
    assert bands[10].flag == "low"


def test_low_flag_and_floor_at_zero() -> None:
    bands = weekly_control_bands([16] * 8 + [3])
    # sqrt(16) = 4 -> low (4 - 1.5)^2 = 6.25
    assert bands[8].low == pytest.approx(6.25)
    assert bands[8].flag == "low"
    small = weekly_control_bands([1] * 8 + [0])
    assert small[8].low == 0.0


def test_empirical_sd_method() -> None:
    counts = [2, 4, 2, 4, 2, 4, 2, 4, 10]
    band = weekly_control_bands(counts, method="empirical_sd")[8]
    sd = (8 / 7) ** 0.5  # sample sd of alternating 2/4
    assert band.low == pytest.approx(max(0.0, 3 - 3 * sd))
    assert band.high == pytest.approx(3 + 3 * sd)
    assert band.flag == "high"


def test_invalid_input() -> None:
    with pytest.raises(ValueError):
        weekly_control_bands([1, -1])
    with pytest.raises(ValueError):
        weekly_control_bands([1], window=0)
