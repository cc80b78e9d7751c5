"""Veil of darkness on simulated stops with a planted darkness effect, and with none."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from safecity.analytics.errors import InputError
from safecity.analytics.veil import sun_times, veil_of_darkness

LAT, LNG, TZ = 41.88, -87.63, "America/Chicago"  # Chicago


def simulate(beta: float, n: int = 20_000, seed: int = 7) -> dict[str, list]:  # type: ignore[type-arg]
    """Stops on every day of 2019 between 16:00 and 22:00; P(black) depends smoothly on clock time and,
    when ``beta`` is non-zero, on darkness (log-odds shift ``beta``)."""
    rng = np.random.default_rng(seed)
    days = [dt.date(2019, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, n)]
    minutes = rng.integers(16 * 60, 22 * 60, n)
    sun = sun_times(days, LAT, LNG, TZ)
    dark = np.array([m > sun[d].dusk_minute for d, m in zip(days, minutes, strict=True)], dtype=float)
    # A time-of-day pattern the spline has to absorb (more minority drivers later in the evening, and a
    # curve): later clock times are also more often dark, so a model without the spline is confounded.
    hours = (minutes - 18 * 60) / 60
    logit = -0.4 + 0.5 * hours + 0.4 * np.sin(hours * math.pi / 2) + beta * dark
    black = rng.random(n) < 1 / (1 + np.exp(-logit))
    jitter = rng.normal(0, 0.05, (n, 2))
    return {
        "dates": days,
        "minutes": [int(m) for m in minutes],
        "groups": ["black" if b else "white" for b in black],
        "lat": list(LAT + jitter[:, 0]),
        "lng": list(LNG + jitter[:, 1]),
    }


def test_sun_times_are_astral_civil_dusk() -> None:
    sun = sun_times([dt.date(2020, 6, 21)], LAT, LNG, TZ)[dt.date(2020, 6, 21)]
    # NOAA solar calculator, Chicago 2020-06-21: sunset 20:29 CDT, civil dusk 21:04 CDT.
    assert sun.sunset_minute == pytest.approx(20 * 60 + 29, abs=1.5)
    assert sun.dusk_minute == pytest.approx(21 * 60 + 4, abs=1.5)


def test_recovers_planted_darkness_effect() -> None:
    result = veil_of_darkness(**simulate(-0.3), timezone=TZ)
    assert result.ci_low < -0.3 < result.ci_high
    assert result.ci_high < 0  # and it is detected
    # Window: earliest dusk (early December, ~16:53 CST) to latest sunset (late June, ~20:29 CDT).
    assert result.window_start.startswith("16:5")
    assert result.window_end.startswith("20:2") or result.window_end.startswith("20:3")
    assert result.n == result.n_dark + result.n_light == result.n_minority + result.n_majority
    assert result.dropped_outside_window > 0 and result.dropped_twilight > 0
    assert result.n + result.dropped_outside_window + result.dropped_twilight == 20_000


def test_finds_nothing_where_there_is_nothing() -> None:
    result = veil_of_darkness(**simulate(0.0), timezone=TZ)
    assert result.ci_low < 0 < result.ci_high
    assert abs(result.beta_dark) < 2 * result.se


def test_district_fixed_effects() -> None:
    data = simulate(-0.3, seed=11)
    districts = ["north" if la > LAT else "south" for la in data["lat"]]
    result = veil_of_darkness(**data, districts=districts, timezone=TZ)
    assert result.district_effects
    assert result.ci_low < -0.3 < result.ci_high


def test_far_stops_are_dropped() -> None:
    data = simulate(0.0, n=3000)
    data["lat"][0] = LAT + 3  # a mis-geocoded stop
    result = veil_of_darkness(**data, timezone=TZ)
    assert result.dropped_far_from_median == 1


def test_absent_group_is_named() -> None:
    data = simulate(0.0, n=500)
    with pytest.raises(InputError, match="--minority: no stops with group 'hispanic'"):
        veil_of_darkness(**data, minority="hispanic", timezone=TZ)


def test_no_stops_in_window() -> None:
    data = simulate(0.0, n=500)
    data["minutes"] = [600] * 500  # all at 10:00, broad daylight
    with pytest.raises(InputError, match="no stops fall in the inter-twilight window"):
        veil_of_darkness(**data, timezone=TZ)


def test_one_season_has_no_window() -> None:
    data = simulate(0.0, n=500)
    data["dates"] = [dt.date(2019, 6, 21)] * 500
    with pytest.raises(InputError, match="no inter-twilight window"):
        veil_of_darkness(**data, timezone=TZ)


def test_wrong_timezone_is_refused() -> None:
    with pytest.raises(InputError, match="--timezone: Europe/Paris"):
        veil_of_darkness(**simulate(0.0, n=500), timezone="Europe/Paris")
    with pytest.raises(InputError, match="--timezone: 'Mars/Olympus'"):
        veil_of_darkness(**simulate(0.0, n=500), timezone="Mars/Olympus")


def test_window_and_darkness_exact_counts() -> None:
    """Stops every 10 minutes 16:00–21:50 on three dates in Chicago. NOAA solar calculator (41.88, -87.63),
    2019: 15 Jan sunset 16:44 / dusk 17:15 CST; 15 Mar sunset 18:57 / dusk 19:25 CDT; 15 Jun sunset 20:27 /
    dusk 21:02 CDT. Window = (17:15, 20:27): 17:20…20:20, 19 clock times a date. 15 Jan: all 19 dark.
    15 Mar: 17:20…18:50 light (10), 19:00–19:20 twilight (3), 19:30…20:20 dark (6). 15 Jun: all 19 light."""
    days = [dt.date(2019, 1, 15), dt.date(2019, 3, 15), dt.date(2019, 6, 15)]
    dates, minutes, groups = [], [], []
    for k, day in enumerate(days):
        for minute in range(16 * 60, 22 * 60, 10):
            dates.append(day)
            minutes.append(minute)
            groups.append("black" if (minute // 10 + k) % 2 == 0 else "white")
    n = len(dates)
    lat, lng = [LAT] * n, [LNG] * n
    extra = [("hispanic", LAT, LNG), ("black", LAT + 1, LNG)]  # another group; a stop 1° from the median
    for group, la, ln in extra:
        dates.append(days[0])
        minutes.append(18 * 60)
        groups.append(group)
        lat.append(la)
        lng.append(ln)
    result = veil_of_darkness(dates, minutes, groups, lat, lng, timezone=TZ)
    assert (result.window_start, result.window_end) == ("17:15", "20:27")
    assert (result.n, result.n_dark, result.n_light) == (54, 25, 29)
    assert result.dropped_twilight == 3 and result.dropped_outside_window == 108 - 57
    assert result.dropped_other_groups == 1 and result.dropped_far_from_median == 1


def test_two_distant_cities_are_refused() -> None:
    data = simulate(0.0, n=400)
    data["lat"] = [LAT + (2 if i % 2 else -2) for i in range(400)]  # median falls between two clusters
    with pytest.raises(InputError, match="every stop is more than 0.5° from the median point"):
        veil_of_darkness(**data, timezone=TZ)
