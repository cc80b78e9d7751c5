"""The veil-of-darkness test for racial bias in traffic stops.

Idea (Grogger, J. & Ridgeway, G. (2006), "Testing for racial profiling in traffic stops from behind a veil of
darkness", Journal of the American Statistical Association 101:878–887): officers can see a driver's race less
well after dark. If the minority share of stopped drivers is lower in the dark than in daylight *at the same
clock time*, that is evidence that race influenced who was stopped in daylight.

Implementation follows the final Stanford Open Policing analysis (``stanford-policylab/opp``
``lib/veil_of_darkness_test.R``; Pierson, E. et al. (2020), Nature Human Behaviour 4:736–745):

1. stops more than 0.5° from the median latitude/longitude are dropped (geocoding errors);
2. per date, sunset and civil dusk (sun 6° below the horizon) at the median point, from ``astral``;
3. ``is_dark`` = clock minute after dusk; the inter-twilight window keeps clock minutes strictly between
   the earliest dusk and the latest sunset in the data (times that are light on some dates, dark on others);
4. stops between sunset and dusk on their own date (neither light nor dark) are dropped;
5. logistic regression ``logit P(minority) = β0 + β·is_dark + ns(minute, 6 df) [+ district effects]``
   among stops of the two groups compared. β < 0 is evidence of bias against the minority group.

The spline term is the same function space as R's ``splines::ns(minute, df = 6)``: natural cubic splines
with boundary knots at the smallest and largest minute and 5 interior knots at the 1/6 … 5/6 quantiles of
*all* the minutes (R's default quantile, type 7 = NumPy's ``linear``). The basis is patsy's ``cr`` given those
knots explicitly; its columns differ from ``ns``'s, so the spline's own coefficients differ, but the fitted
model — β, its SE, the deviance — is R's. Left to choose its own knots, patsy takes quantiles of the
*distinct* minutes, which with tied clock times (every real data set) moves the knots and changes β.
``tests/test_veil.py`` checks β and SE against R's ``glm`` on a fixed data set (``tests/data/veil_golden.R``).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from safecity.analytics.errors import InputError

__all__ = [
    "SunTimes",
    "VeilDesign",
    "VeilFit",
    "VeilResult",
    "fit_veil_model",
    "model_matrix",
    "prepare_design",
    "spline_knots",
    "sun_times",
    "veil_of_darkness",
]

MAX_DEGREES_FROM_MEDIAN = 0.5
SPLINE_DF = 6


@dataclass(frozen=True)
class SunTimes:
    """Sunset and civil dusk on one date, as minutes after local midnight (clock time)."""

    date: dt.date
    sunset_minute: float
    dusk_minute: float


def _clock_minute(moment: dt.datetime) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60


def _minute_label(minute: float) -> str:
    whole = int(minute)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _zone(timezone: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"--timezone: {timezone!r} is not an IANA time zone name (e.g. America/Chicago)") from None


def sun_times(dates: Sequence[dt.date], lat: float, lng: float, timezone: str) -> dict[dt.date, SunTimes]:
    """Sunset and civil dusk for each distinct date at one point, in the given IANA time zone."""
    from astral import Observer
    from astral.sun import dusk, sunset

    zone = _zone(timezone)
    observer = Observer(latitude=lat, longitude=lng)
    out: dict[dt.date, SunTimes] = {}
    for day in sorted(set(dates)):
        try:
            set_at = sunset(observer, day, tzinfo=zone)
            dusk_at = dusk(observer, day, tzinfo=zone)
        except ValueError:
            # Polar day/night: the sun never sets (or never reaches 6° below) — no dusk to compare across.
            raise InputError(f"the sun does not set and reach civil dusk at {lat:.3f}, {lng:.3f} on {day}") from None
        out[day] = SunTimes(day, _clock_minute(set_at), _clock_minute(dusk_at))
    return out


def _check_timezone(timezone: str, lng: float, day: dt.date) -> None:
    """Refuse a zone whose standard offset is far from solar time at the point: every dusk would be wrong."""
    zone = _zone(timezone)
    offset = dt.datetime(day.year, 1, 15, 12, tzinfo=zone).utcoffset()
    hours = 0.0 if offset is None else offset.total_seconds() / 3600
    solar = lng / 15
    if abs(hours - solar) > 3:
        raise InputError(
            f"--timezone: {timezone} is UTC{hours:+g} in winter but the stops' median longitude {lng:.2f} is "
            f"about UTC{solar:+.0f}; give the time zone the stop times were recorded in"
        )


@dataclass(frozen=True)
class VeilResult:
    """The darkness coefficient and what went into it."""

    minority: str
    majority: str
    beta_dark: float  # log odds of "stopped driver is minority", dark vs light at the same clock time
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    odds_ratio: float
    n: int  # stops in the model
    n_dark: int
    n_light: int
    n_minority: int
    n_majority: int
    window_start: str  # HH:MM, exclusive (earliest dusk in the data)
    window_end: str  # HH:MM, exclusive (latest sunset in the data)
    window_start_minute: float
    window_end_minute: float
    median_lat: float
    median_lng: float
    timezone: str
    first_date: str
    last_date: str
    district_effects: bool
    spline_df: int
    dropped_other_groups: int
    dropped_far_from_median: int
    dropped_outside_window: int
    dropped_twilight: int
    alpha: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class VeilDesign:
    """The prepared model: outcome, design matrix (intercept, dark, spline columns, district dummies) and what
    went into it. `veil_of_darkness` fits it; the benchmark times a plain GLM on the same matrix."""

    y: Any  # numpy array, 1 = minority
    design: Any  # numpy array, column 1 is is_dark
    n_all: int
    dates_used: tuple[dt.date, dt.date]
    window_start: float
    window_end: float
    median_lat: float
    median_lng: float
    dropped_other: int
    dropped_far: int
    dropped_outside: int
    dropped_twilight: int


def _ordinals(dates: Sequence[dt.date]) -> Any:
    import numpy as np

    if isinstance(dates, np.ndarray) and np.issubdtype(dates.dtype, np.datetime64):
        # Days since 1970-01-01 → proleptic ordinals, without a Python object per stop.
        return dates.astype("datetime64[D]").astype(np.int64) + dt.date(1970, 1, 1).toordinal()
    return np.fromiter((d.toordinal() for d in dates), dtype=np.int64, count=len(dates))


def spline_knots(minute: Any) -> tuple[Any, tuple[float, float]]:
    """The knots of R's ``splines::ns(minute, df = 6)``: interior knots at the 1/6 … 5/6 quantiles of all
    values (ties counted, R's default type-7 quantile) and boundary knots at the range."""
    import numpy as np

    values = np.asarray(minute, dtype=float)
    probs = np.linspace(0, 100, SPLINE_DF + 1)[1:-1]
    interior = np.percentile(values, probs, method="linear")
    return interior, (float(values.min()), float(values.max()))


def model_matrix(minute: Any, dark: Any, districts: Any = None) -> Any:
    """Columns: intercept, is_dark, the 6 spline columns of clock minute, then one dummy per district but the
    first in sorted order (R's ``as.factor`` reference level). Same column space as R's
    ``model.matrix(~ is_dark + splines::ns(minute, df = 6) [+ as.factor(district)])``."""
    import numpy as np
    import patsy

    minute_arr = np.asarray(minute, dtype=float)
    dark_arr = np.asarray(dark, dtype=float)
    interior, (low, high) = spline_knots(minute_arr)
    if np.unique(np.concatenate(([low], interior, [high]))).size != SPLINE_DF + 1:
        # patsy's cr needs distinct knots; R would silently lower the spline's smoothness at a repeated knot.
        shown = ", ".join(_minute_label(k) for k in (low, *interior, high))
        raise InputError(
            f"the clock times are too concentrated for the {SPLINE_DF}-df spline: its knots (range and "
            f"sixths of the stops' times: {shown}) coincide; more stops share one recorded time than the "
            "spline can separate"
        )
    # Centred so that the 6 spline columns do not also span the intercept (uncentred, the design would be
    # rank-deficient, one effective df short).
    spline = np.asarray(patsy.cr(minute_arr, knots=interior, lower_bound=low, upper_bound=high, constraints="center"))
    columns = [np.ones((minute_arr.size, 1)), dark_arr[:, None], spline]
    if districts is not None:
        labels = np.asarray(districts, dtype=object)
        _levels, codes = np.unique(labels.astype(str), return_inverse=True)
        dummies = np.zeros((minute_arr.size, int(codes.max())), dtype=float)
        rows = np.flatnonzero(codes > 0)  # the first level is the reference
        dummies[rows, codes[rows] - 1] = 1.0
        columns.append(dummies)
    return np.hstack(columns)


@dataclass(frozen=True)
class VeilFit:
    """The logistic model's darkness term: what R's ``summary(glm(...))`` reports for ``is_dark``."""

    beta_dark: float
    se: float
    n: int
    deviance: float


def _fit(y: Any, design: Any) -> VeilFit:
    import numpy as np
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    try:
        fit = sm.GLM(y, design, family=sm.families.Binomial()).fit()
    except (PerfectSeparationError, np.linalg.LinAlgError) as exc:
        raise InputError(f"the logistic model could not be fitted ({exc}); try without --district") from None
    beta = float(fit.params[1])
    se = float(fit.bse[1])
    if not (math.isfinite(beta) and math.isfinite(se)):
        raise InputError("the logistic model did not converge; try without --district")
    return VeilFit(beta_dark=beta, se=se, n=int(np.asarray(y).size), deviance=float(fit.deviance))


def fit_veil_model(minute: Any, dark: Any, is_minority: Any, districts: Any = None) -> VeilFit:
    """Step 5 alone, on stops already reduced to the model's inputs (in the window, twilight removed):
    ``glm(is_minority ~ is_dark + splines::ns(minute, df = 6) [+ as.factor(district)], family = binomial)``."""
    import numpy as np

    y = np.asarray(is_minority, dtype=float)
    return _fit(y, model_matrix(minute, dark, districts))


def prepare_design(
    dates: Sequence[dt.date],
    minutes: Sequence[int],
    groups: Sequence[str],
    lat: Sequence[float],
    lng: Sequence[float],
    minority: str = "black",
    majority: str = "white",
    districts: Sequence[str] | None = None,
    timezone: str = "America/Chicago",
) -> VeilDesign:
    """Steps 1–4 of the method and the design matrix, vectorised: sun times are computed once per distinct
    date and mapped back to the stops by index, the spline basis once for all stops."""
    import numpy as np

    n_all = len(dates)
    sizes = {len(minutes), len(groups), len(lat), len(lng), n_all, len(districts) if districts is not None else n_all}
    if len(sizes) != 1:
        raise ValueError("dates, minutes, groups, lat, lng (and districts) must have the same length")
    if n_all == 0:
        raise InputError("no stops to analyse")
    if minority == majority:
        raise InputError(f"--minority and --majority are both {minority!r}; compare two different groups")
    group_arr = np.asarray(groups, dtype=object)
    is_min = group_arr == minority
    is_maj = group_arr == majority
    for option, name, mask in (("--minority", minority, is_min), ("--majority", majority, is_maj)):
        if not mask.any():
            present = sorted({str(g) for g in group_arr[: min(n_all, 200_000)]})
            found = ", ".join(repr(g) for g in present[:12])
            raise InputError(f"{option}: no stops with group {name!r} (values found: {found})")

    keep = np.flatnonzero(is_min | is_maj)
    lat_arr = np.asarray(lat, dtype=float)
    lng_arr = np.asarray(lng, dtype=float)
    mid_lat = float(np.median(lat_arr[keep]))
    mid_lng = float(np.median(lng_arr[keep]))
    near = keep[(np.abs(lat_arr[keep] - mid_lat) <= MAX_DEGREES_FROM_MEDIAN)
                & (np.abs(lng_arr[keep] - mid_lng) <= MAX_DEGREES_FROM_MEDIAN)]
    if near.size == 0:
        raise InputError(
            f"every stop is more than {MAX_DEGREES_FROM_MEDIAN}° from the median point {mid_lat:.3f}, {mid_lng:.3f}; "
            "analyse one city or region at a time"
        )
    ordinal = _ordinals(dates)[near]
    _check_timezone(timezone, mid_lng, dt.date.fromordinal(int(ordinal[0])))
    unique_days, day_index = np.unique(ordinal, return_inverse=True)
    sun = sun_times([dt.date.fromordinal(int(d)) for d in unique_days], mid_lat, mid_lng, timezone)
    sunset_by_day = np.array([sun[dt.date.fromordinal(int(d))].sunset_minute for d in unique_days])
    dusk_by_day = np.array([sun[dt.date.fromordinal(int(d))].dusk_minute for d in unique_days])
    window_start = float(dusk_by_day.min())
    window_end = float(sunset_by_day.max())
    if window_start >= window_end:
        raise InputError(
            f"no inter-twilight window: the earliest dusk ({_minute_label(window_start)}) is not before the latest "
            f"sunset ({_minute_label(window_end)}); the data need dates from more of the year"
        )
    minute_all = np.asarray(minutes, dtype=float)[near]
    sunset = sunset_by_day[day_index]
    dusk = dusk_by_day[day_index]
    in_window = (minute_all > window_start) & (minute_all < window_end)
    twilight = in_window & (minute_all > sunset) & (minute_all < dusk)
    used_mask = in_window & ~twilight
    used = near[used_mask]
    window = f"{_minute_label(window_start)}–{_minute_label(window_end)}"
    if used.size == 0:
        raise InputError(f"no stops fall in the inter-twilight window {window} (outside sunset–dusk)")

    y = is_min[used].astype(float)
    dark = (minute_all[used_mask] > dusk[used_mask]).astype(float)
    minute = minute_all[used_mask]
    n_used = int(used.size)
    n_dark = int(dark.sum())
    n_min = int(y.sum())
    if n_dark == 0 or n_dark == n_used:
        which = "light" if n_dark == 0 else "dark"
        raise InputError(f"all {n_used} stops in the window {window} are {which}; the test needs both")
    if n_min == 0 or n_min == n_used:
        absent = minority if n_min == 0 else majority
        raise InputError(f"no stops of group {absent!r} fall in the inter-twilight window {window}")
    distinct = int(np.unique(minute).size)
    if distinct <= SPLINE_DF:
        raise InputError(
            f"the stops in the window {window} have {distinct} distinct clock times; the {SPLINE_DF}-df spline "
            "needs more"
        )

    labels = None if districts is None else np.asarray(districts, dtype=object)[used]
    design = model_matrix(minute, dark, labels)
    used_days = ordinal[used_mask]
    return VeilDesign(
        y=y, design=design, n_all=n_all,
        dates_used=(dt.date.fromordinal(int(used_days.min())), dt.date.fromordinal(int(used_days.max()))),
        window_start=window_start, window_end=window_end, median_lat=mid_lat, median_lng=mid_lng,
        dropped_other=n_all - int(keep.size), dropped_far=int(keep.size - near.size),
        dropped_outside=int(near.size - in_window.sum()), dropped_twilight=int(twilight.sum()),
    )


def veil_of_darkness(
    dates: Sequence[dt.date],
    minutes: Sequence[int],
    groups: Sequence[str],
    lat: Sequence[float],
    lng: Sequence[float],
    minority: str = "black",
    majority: str = "white",
    districts: Sequence[str] | None = None,
    timezone: str = "America/Chicago",
    alpha: float = 0.05,
) -> VeilResult:
    """Fit the veil-of-darkness model to stops (``minutes`` = clock minute of the stop, 0–1439, local time).

    Raises :class:`InputError` when a group is absent, no stop falls in the inter-twilight window, or the
    window has no dark or no light stops (the model cannot be fitted then).
    """

    prepared = prepare_design(dates, minutes, groups, lat, lng, minority, majority, districts, timezone)
    y, design = prepared.y, prepared.design

    fit = _fit(y, design)
    beta, se = fit.beta_dark, fit.se
    z_crit = statistics.NormalDist().inv_cdf(1 - alpha / 2)
    z = beta / se
    n = int(y.size)
    n_dark = int(design[:, 1].sum())
    n_min = int(y.sum())
    return VeilResult(
        minority=minority,
        majority=majority,
        beta_dark=beta,
        se=se,
        ci_low=beta - z_crit * se,
        ci_high=beta + z_crit * se,
        z=z,
        p_value=2 * (1 - statistics.NormalDist().cdf(abs(z))),
        odds_ratio=math.exp(beta),
        n=n,
        n_dark=n_dark,
        n_light=n - n_dark,
        n_minority=n_min,
        n_majority=n - n_min,
        window_start=_minute_label(prepared.window_start),
        window_end=_minute_label(prepared.window_end),
        window_start_minute=prepared.window_start,
        window_end_minute=prepared.window_end,
        median_lat=prepared.median_lat,
        median_lng=prepared.median_lng,
        timezone=timezone,
        first_date=prepared.dates_used[0].isoformat(),
        last_date=prepared.dates_used[1].isoformat(),
        district_effects=districts is not None,
        spline_df=SPLINE_DF,
        dropped_other_groups=prepared.dropped_other,
        dropped_far_from_median=prepared.dropped_far,
        dropped_outside_window=prepared.dropped_outside,
        dropped_twilight=prepared.dropped_twilight,
        alpha=alpha,
    )
