from __future__ import annotations

import pytest
from scipy import stats

from safecity.analytics.scan import naus_scan_pvalue


def test_spiegelhalter_example() -> None:
    # Reference §4.9 / ptools test-scan.R: scanw(208, 2, 0.6, 6) = 0.0390 (COOLSerdash 0.03902238).
    assert naus_scan_pvalue(208, 2, 0.6, 6) == pytest.approx(0.03902238, abs=5e-4)


def test_weekly_example() -> None:
    # Reference §4.9: scanw(260, 1, 1, 6) = 0.4868 (ptools test compares to 3 decimals: 0.487).
    p = naus_scan_pvalue(260, 1, 1, 6)
    assert round(p, 3) == 0.487
    # Far larger than the naive fixed-week probability.
    assert p > 100 * stats.poisson.sf(5, 1)


def test_monotone_in_observed_and_periods() -> None:
    assert naus_scan_pvalue(100, 2, 1, 8) < naus_scan_pvalue(100, 2, 1, 6)
    assert naus_scan_pvalue(50, 2, 1, 6) < naus_scan_pvalue(200, 2, 1, 6)
    assert naus_scan_pvalue(10, 1, 1, 0) == 1.0


def test_invalid() -> None:
    with pytest.raises(ValueError):
        naus_scan_pvalue(1, 2, 1, 3)
    with pytest.raises(ValueError):
        naus_scan_pvalue(10, 1, 0, 3)
