"""safecity.analytics — pure-Python crime-analysis statistics (no Django imports).

Modules: :mod:`rates`, :mod:`poisson`, :mod:`control_chart`, :mod:`displacement`, :mod:`scan`,
:mod:`hotspots`, :mod:`near_repeat`, :mod:`age_adjust` (with :mod:`standard_population`) and the
``analyze`` command line in :mod:`cli`.
"""

from safecity.analytics.age_adjust import AgeAdjustedRate, age_adjusted_rate
from safecity.analytics.control_chart import WeeklyBand, weekly_control_bands, weekly_counts
from safecity.analytics.displacement import HarmResult, WDDResult, wdd, wdd_harm
from safecity.analytics.near_repeat import KnoxResult, knox_observed, knox_test
from safecity.analytics.poisson import (
    RateRatio,
    c_test,
    poisson_e_test,
    poisson_exact_ci,
    poisson_z,
    rate_ratio_ci,
)
from safecity.analytics.rates import percent_change, rate_per
from safecity.analytics.scan import naus_scan_pvalue

__all__ = [
    "AgeAdjustedRate",
    "HarmResult",
    "KnoxResult",
    "RateRatio",
    "WDDResult",
    "WeeklyBand",
    "age_adjusted_rate",
    "c_test",
    "knox_observed",
    "knox_test",
    "naus_scan_pvalue",
    "percent_change",
    "poisson_e_test",
    "poisson_exact_ci",
    "poisson_z",
    "rate_ratio_ci",
    "rate_per",
    "wdd",
    "wdd_harm",
    "weekly_control_bands",
    "weekly_counts",
]
