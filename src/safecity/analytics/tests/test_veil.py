"""Veil of darkness on simulated stops with a planted darkness effect, and with none."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from safecity.analytics.errors import InputError
from safecity.analytics.veil import fit_veil_model, spline_knots, sun_times, veil_of_darkness

LAT, LNG, TZ = 41.88, -87.63, "America/Chicago"  # Chicago
DATA = Path(__file__).parent / "data"
PLAIN = "is_minority ~ is_dark + splines::ns(minute, df = 6)"
WITH_DISTRICT = PLAIN + " + as.factor(district)"


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


def _fixture() -> dict[str, list]:  # type: ignore[type-arg]
    with (DATA / "veil_fixture.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        "minute": [int(r["minute"]) for r in rows],
        "dark": [int(r["is_dark"]) for r in rows],
        "is_minority": [int(r["is_minority"]) for r in rows],
        "district": [r["district"] for r in rows],
    }


def _golden() -> dict:  # type: ignore[type-arg]
    return json.loads((DATA / "veil_golden.json").read_text())  # type: ignore[no-any-return]


def test_spline_knots_are_r_ns_knots() -> None:
    """R's ns() puts interior knots at quantiles of all values, ties included; patsy's own choice (quantiles of
    the distinct values) differs on tied clock minutes, and with it β."""
    spline = _golden()["spline"]
    interior, boundary = spline_knots(_fixture()["minute"])
    assert list(interior) == pytest.approx(spline["knots"], rel=1e-9)
    assert list(boundary) == pytest.approx(spline["boundary_knots"], rel=1e-9)


@pytest.mark.parametrize(("model", "with_district"), [(PLAIN, False), (WITH_DISTRICT, True)])
def test_matches_r_glm_with_ns(model: str, with_district: bool) -> None:
    """β, SE, n and deviance of R 4.2's glm(..., family = binomial) on the same rows (veil_golden.R)."""
    data = _fixture()
    expected = _golden()["models"][model]
    fit = fit_veil_model(data["minute"], data["dark"], data["is_minority"], data["district"] if with_district else None)
    assert fit.n == expected["n"]
    assert fit.beta_dark == pytest.approx(expected["beta_dark"], rel=1e-6)
    assert fit.se == pytest.approx(expected["se"], rel=1e-5)
    # Equal maximised likelihoods: the spline columns span the same space as ns()'s.
    assert fit.deviance == pytest.approx(expected["deviance"], rel=1e-8)


def test_golden_fixture_is_reproducible(tmp_path: Path) -> None:
    """The committed CSV is what its generator writes, so R and this test read the rows the script describes."""
    spec = importlib.util.spec_from_file_location("make_veil_fixture", DATA / "make_veil_fixture.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "veil_fixture.csv"
    module.main(out)
    assert out.read_bytes() == (DATA / "veil_fixture.csv").read_bytes()
    assert (DATA / "veil_fixture.csv").stat().st_size < 300_000


def test_concentrated_clock_times_are_refused() -> None:
    """Over a third of the stops at one recorded minute make two of ns()'s quantile knots coincide."""
    rng = np.random.default_rng(3)
    minutes = [1100] * 400 + [int(m) for m in rng.integers(1020, 1230, 600)]
    dark = [int(m > 1120) for m in minutes]
    minority = [int(b) for b in rng.random(1000) < 0.4]
    with pytest.raises(InputError, match="clock times are too concentrated for the 6-df spline"):
        fit_veil_model(minutes, dark, minority)
