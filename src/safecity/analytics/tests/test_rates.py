from __future__ import annotations

import pytest

from safecity.analytics.rates import percent_change, rate_per


def test_rate_per_100k() -> None:
    assert rate_per(25, 500_000) == pytest.approx(5.0)
    assert rate_per(3, 1_000, per=1_000) == pytest.approx(3.0)
    assert rate_per(3, 0) is None


def test_percent_change() -> None:
    # Wheeler's YTD example: 1 vs 2 homicides is a naive -50%.
    assert percent_change(1, 2) == pytest.approx(-50.0)
    assert percent_change(36, 52) == pytest.approx(-30.769, abs=1e-3)  # NYPD "31% decline" example
    assert percent_change(5, 0) is None


def test_negative_inputs_rejected() -> None:
    with pytest.raises(ValueError):
        rate_per(-1, 10)
    with pytest.raises(ValueError):
        percent_change(1, -2)
