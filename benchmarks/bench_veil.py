"""Veil of darkness on 1,000,000 simulated stops (issue 9: ≤ 30 s), beside one plain statsmodels GLM fit on the
same prepared design matrix in the same run (the ratio says what the preparation costs over the fit).

The stops: two years of dates, clock minutes across the day, Black/White drivers (plus a share of other
groups that the method drops), points within 0.05° of a Chicago-area centre, five districts, and a planted
darkness effect of −0.3 log odds; the script checks the estimate recovers it within its 95% interval.

    python benchmarks/bench_veil.py [--stops N] [--district-effects]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

BETA = -0.3
LIMIT_SECONDS = 30.0


def simulate(n: int, seed: int = 7) -> dict[str, object]:
    import numpy as np

    from safecity.analytics.veil import sun_times

    rng = np.random.default_rng(seed)
    first = dt.date(2023, 1, 1)
    days = 730
    day = rng.integers(0, days, n)
    lat = 41.85 + rng.uniform(-0.05, 0.05, n)
    lng = -87.65 + rng.uniform(-0.05, 0.05, n)
    minute = rng.integers(0, 1440, n)
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    sun = sun_times(dates, 41.85, -87.65, "America/Chicago")
    dusk = np.array([sun[d].dusk_minute for d in dates])[day]
    dark = minute > dusk
    logit = -0.8 + BETA * dark + 0.2 * np.sin(minute / 1440 * 2 * math.pi)
    black = rng.random(n) < 1 / (1 + np.exp(-logit))
    groups = np.where(black, "black", "white").astype(object)
    groups[rng.random(n) < 0.15] = "hispanic"
    districts = np.array(["D1", "D2", "D3", "D4", "D5"], dtype=object)[rng.integers(0, 5, n)]
    as_dates = np.datetime64(first.isoformat(), "D") + day
    return {"dates": as_dates, "minutes": minute, "groups": groups, "lat": lat, "lng": lng, "districts": districts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=1_000_000)
    parser.add_argument("--district-effects", action="store_true")
    args = parser.parse_args(argv)

    import statsmodels.api as sm

    from safecity.analytics.veil import prepare_design, veil_of_darkness

    data = simulate(args.stops)
    districts = data["districts"] if args.district_effects else None
    common = dict(dates=data["dates"], minutes=data["minutes"], groups=data["groups"], lat=data["lat"],
                  lng=data["lng"], districts=districts, timezone="America/Chicago")
    veil_of_darkness(**common)  # warm: imports of patsy/statsmodels and astral are not the method's cost
    started = time.perf_counter()
    result = veil_of_darkness(**common)
    total = time.perf_counter() - started
    design = prepare_design(**common)
    started = time.perf_counter()
    fit = sm.GLM(design.y, design.design, family=sm.families.Binomial()).fit()
    glm = time.perf_counter() - started
    print(f"veil of darkness, {args.stops:,} stops ({result.n:,} in the window {result.window_start}–"
          f"{result.window_end}{', district effects' if districts is not None else ''}): {total:.2f} s "
          f"(limit {LIMIT_SECONDS:.0f} s)")
    print(f"  one statsmodels GLM fit on the same {design.design.shape[0]:,} × {design.design.shape[1]} matrix: "
          f"{glm:.2f} s; ratio {total / glm:.2f}")
    print(f"  β = {result.beta_dark:.4f} (SE {result.se:.4f}, 95% CI {result.ci_low:.4f} to {result.ci_high:.4f}); "
          f"planted {BETA}; plain fit β = {float(fit.params[1]):.4f}")
    ok = total <= LIMIT_SECONDS and result.ci_low <= BETA <= result.ci_high
    if not ok:
        print("  FAILED: over the time limit or the planted effect outside the interval")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
