"""safecity.analytics — pure-Python crime-analysis statistics (no Django imports).

Modules: :mod:`rates`, :mod:`poisson`, :mod:`control_chart`, :mod:`displacement`, :mod:`scan`,
:mod:`hotspots`, :mod:`near_repeat`, :mod:`age_adjust` (with :mod:`standard_population`), stop data
(:mod:`proportions`, :mod:`stops`, :mod:`veil`), early intervention (:mod:`early_intervention`, imported
by module name) and the ``analyze`` command line in :mod:`cli`.

The names below are loaded on first use (PEP 562 ``__getattr__``): importing the package, or its
command line, must not import SciPy (about two seconds) for callers that never compute a statistic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from safecity.analytics.age_adjust import AgeAdjustedRate, age_adjusted_rate
    from safecity.analytics.control_chart import WeeklyBand, weekly_control_bands, weekly_counts
    from safecity.analytics.displacement import HarmResult, WDDResult, wdd, wdd_harm
    from safecity.analytics.near_repeat import KnoxResult, knox_observed, knox_test
    from safecity.analytics.poisson import (
        RateRatio,
        c_test,
        min_expected,
        poisson_e_test,
        poisson_exact_ci,
        poisson_z,
        rate_ratio_ci,
    )
    from safecity.analytics.proportions import Proportion, proportion, wilson_ci
    from safecity.analytics.rates import percent_change, rate_per
    from safecity.analytics.scan import naus_scan_pvalue
    from safecity.analytics.stops import GroupRates, OutcomeRow, outcome_test, stop_rates
    from safecity.analytics.veil import VeilResult, veil_of_darkness

_HOME = {
    "AgeAdjustedRate": "age_adjust",
    "age_adjusted_rate": "age_adjust",
    "WeeklyBand": "control_chart",
    "weekly_control_bands": "control_chart",
    "weekly_counts": "control_chart",
    "HarmResult": "displacement",
    "WDDResult": "displacement",
    "wdd": "displacement",
    "wdd_harm": "displacement",
    "KnoxResult": "near_repeat",
    "knox_observed": "near_repeat",
    "knox_test": "near_repeat",
    "RateRatio": "poisson",
    "min_expected": "poisson",
    "c_test": "poisson",
    "poisson_e_test": "poisson",
    "poisson_exact_ci": "poisson",
    "poisson_z": "poisson",
    "rate_ratio_ci": "poisson",
    "percent_change": "rates",
    "rate_per": "rates",
    "naus_scan_pvalue": "scan",
    "Proportion": "proportions",
    "proportion": "proportions",
    "wilson_ci": "proportions",
    "GroupRates": "stops",
    "OutcomeRow": "stops",
    "outcome_test": "stops",
    "stop_rates": "stops",
    "VeilResult": "veil",
    "veil_of_darkness": "veil",
}

__all__ = [  # spelled out (not derived from _HOME) so that type checkers and linters can read it
    "AgeAdjustedRate",
    "GroupRates",
    "HarmResult",
    "KnoxResult",
    "OutcomeRow",
    "Proportion",
    "RateRatio",
    "VeilResult",
    "WDDResult",
    "WeeklyBand",
    "age_adjusted_rate",
    "c_test",
    "knox_observed",
    "knox_test",
    "min_expected",
    "naus_scan_pvalue",
    "outcome_test",
    "percent_change",
    "poisson_e_test",
    "poisson_exact_ci",
    "poisson_z",
    "proportion",
    "rate_ratio_ci",
    "rate_per",
    "stop_rates",
    "veil_of_darkness",
    "wdd",
    "wdd_harm",
    "weekly_control_bands",
    "weekly_counts",
    "wilson_ci",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])
