"""Benchmark early-intervention scoring: 5,000 officers, 3 years of simulated events.

Usage: ``uv run python benchmarks/bench_early_intervention.py [--officers 5000] [--stops-per-year 100] [--limit 10]``

Volumes per officer per year: ~1 use of force, 0.5 complaints (a fifth sustained), 0.2 pursuits, injuries in a
third of uses of force, `--stops-per-year` stops with 5% searched. Times (a) the baseline — one plain
`np.bincount` of the same event arrays by officer × kind — and (b) the full scoring at four as-of dates (every
window of the rule pack, CPDP percentiles within unit and within assignment, the rules, the score) plus the
evaluation against the following year's outcome; prints both, their ratio and PASS/FAIL against the absolute
limit (default 10 s). Exit status 1 on FAIL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

import numpy as np

from safecity.analytics.early_intervention import (
    Events,
    Kind,
    Roster,
    ThresholdRule,
    adverse_outcome,
    evaluate,
    score,
)

RULES = [
    ThresholdRule("uof-3-90", "force", "count", 90, 3),
    ThresholdRule("complaints-2-180", "complaints", "count", 180, 2),
    ThresholdRule("pursuits-2-180", "pursuits", "count", 180, 2),
    ThresholdRule("injuries-2-365", "injuries", "count", 365, 2),
    ThresholdRule("uof-top5-unit", "force", "percentile", 365, 95, peer="unit"),
    ThresholdRule("complaints-top5-assignment", "complaints", "percentile", 365, 95, peer="assignment"),
    ThresholdRule("searches-top5-unit", "searches", "percentile", 365, 95, peer="unit"),
]


def simulate(n: int, stops_per_year: float, seed: int) -> tuple[Events, Roster, int]:
    rng = np.random.default_rng(seed)
    end = dt.date(2026, 6, 30).toordinal()
    days = 3 * 365
    risk = np.exp(rng.normal(-0.32, 0.8, n))
    parts_o, parts_k = [], []
    for kind, rate in ((Kind.FORCE, 1.0), (Kind.COMPLAINT, 0.5), (Kind.SUSTAINED, 0.1), (Kind.PURSUIT, 0.2),
                       (Kind.INJURY, 0.33), (Kind.SERIOUS_FORCE, 0.05)):
        c = rng.poisson(rate * 3 * risk)
        parts_o.append(np.repeat(np.arange(n), c))
        parts_k.append(np.full(int(c.sum()), kind))
    stops = rng.poisson(stops_per_year * 3, n)
    so = np.repeat(np.arange(n), stops)
    parts_o.append(so)
    parts_k.append(np.full(so.size, Kind.STOP))
    searched = so[rng.random(so.size) < 0.05 * np.minimum(risk[so], 4)]
    parts_o.append(searched)
    parts_k.append(np.full(searched.size, Kind.SEARCH))
    officer = np.concatenate(parts_o).astype(np.int64)
    kind = np.concatenate(parts_k).astype(np.int64)
    day = (end - rng.integers(0, days, officer.size)).astype(np.int64)
    roster = Roster(service_start=end - rng.integers(200, 9000, n), service_end=np.full(n, 10**9, dtype=np.int64),
                    unit=rng.integers(0, 40, n), assignment=rng.integers(0, 6, n))
    return Events(officer, day, kind), roster, end


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--officers", type=int, default=5000)
    parser.add_argument("--stops-per-year", type=float, default=100.0)
    parser.add_argument("--limit", type=float, default=10.0, help="absolute time limit in seconds")
    parser.add_argument("--seed", type=int, default=2193)
    args = parser.parse_args(argv)

    events, roster, end = simulate(args.officers, args.stops_per_year, args.seed)
    n = roster.n
    stops, force = int((events.kind == Kind.STOP).sum()), int((events.kind == Kind.FORCE).sum())
    print(f"officers: {n}  events: {events.officer.size:,} (stops {stops:,}, uses of force {force:,})")

    baseline_runs = []
    for _ in range(3):
        start = time.perf_counter()
        np.bincount(events.officer * len(Kind) + events.kind, minlength=n * len(Kind))
        baseline_runs.append(time.perf_counter() - start)
    baseline = min(baseline_runs)

    start = time.perf_counter()
    as_ofs = [end - 365 - 90 * i for i in range(4)]
    flagged = 0
    for t in as_ofs:
        scoring = score(events, roster, t, RULES)
        outcome = adverse_outcome(events, n, t, 365)
        result = evaluate(scoring, outcome, [50, 100, 250])
        flagged += int(scoring.flagged.sum())
    full = time.perf_counter() - start

    print(f"last as-of: flagged {int(scoring.flagged.sum())}, positives {result.positives}, "
          f"precision@100 {result.at_k[1].precision:.3f} (base rate {result.base_rate:.3f})")
    print(f"baseline: one bincount by officer x kind     {baseline:8.4f} s (best of 3)")
    print(f"scoring + evaluation at {len(as_ofs)} as-of dates       {full:8.4f} s")
    print(f"ratio full / baseline                        {full / baseline:8.1f}x")
    passed = full <= args.limit
    print(f"absolute limit {args.limit:g} s: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
