"""Benchmark the Knox near-repeat test on the Chicago 2016 burglary file.

Usage: ``uv run python benchmarks/bench_analytics.py [--csv PATH] [--permutations 999] [--limit 5]``

Times (a) one pass of the observed Knox table (the same-process baseline) and (b) the full Knox
test with 4 spatial x 2 temporal bands and 999 permutations, prints both, their ratio, and
PASS/FAIL against the absolute limit (default 5 s). Exit status 1 on FAIL.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from safecity.analytics.csv_input import read_events
from safecity.analytics.near_repeat import knox_observed, knox_test

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CSV = REPO / "src" / "safecity" / "analytics" / "tests" / "data" / "chicago_burglary_2016.csv"
SPACE_BANDS = [1.0, 100.0, 200.0, 300.0]
TIME_BANDS = [2.0, 4.0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--limit", type=float, default=5.0, help="absolute time limit in seconds")
    parser.add_argument("--seed", type=int, default=12345)
    args = parser.parse_args(argv)

    events = read_events(args.csv, "x", "y", "date_single", "%d/%m/%Y")
    t_days = events.days_since_first()
    print(f"events: {len(events.x)}  bands: space {SPACE_BANDS} m x time {TIME_BANDS} days")

    knox_observed(events.x, events.y, t_days, SPACE_BANDS, TIME_BANDS)  # warm-up (imports, caches)
    baseline_runs = []
    for _ in range(3):
        start = time.perf_counter()
        observed = knox_observed(events.x, events.y, t_days, SPACE_BANDS, TIME_BANDS)
        baseline_runs.append(time.perf_counter() - start)
    baseline = min(baseline_runs)

    start = time.perf_counter()
    result = knox_test(
        events.x, events.y, t_days, SPACE_BANDS, TIME_BANDS, permutations=args.permutations, seed=args.seed
    )
    full = time.perf_counter() - start

    assert (result.observed == observed).all()
    print(f"observed table (rows = distance bands): {observed.tolist()}")
    print(f"baseline: one observed-table pass      {baseline:8.4f} s (best of 3)")
    print(f"knox_test with {args.permutations} permutations  {full:8.4f} s")
    print(f"ratio full / baseline                  {full / baseline:8.1f}x")
    passed = full <= args.limit
    print(f"absolute limit {args.limit:g} s: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
