"""CPU time and queries of one warm request per page, in-process (no server, no other users): where a page's
time goes when nothing else competes for the machine.

Usage (after ``bench_load.py`` has built its demo city)::

    uv run python benchmarks/profile_pages.py [--var bench-results/load/sqlite] [--repeat 20]
        [--pages compstat,incident-list] [--profile incident-list]

For each page it signs in the first benchmark analyst (a real session, as the server would have), requests
the page once (cold: this process computes or reads the cached analysis), then ``--repeat`` more times and
prints the median CPU time (``time.process_time``: this process only, though a machine busy with other
programs still slows it), the median wall time, the number of SQL queries and the number of Python function
calls (cProfile) of one warm request — the last two do not depend on the machine at all. ``--profile PAGE``
also prints the top of a cProfile of the warm requests of that page and its queries.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_load import DEMO_ENV, PAGES  # noqa: E402 - the path above makes it importable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var", default=str(REPO / "bench-results" / "load" / "sqlite"))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--profile", default="", help="print a cProfile of this page's warm requests")
    args = parser.parse_args(argv)
    os.environ.update({**DEMO_ENV, "SAFECITY_VAR_DIR": args.var})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from safecity.core.models import User

    user = User.objects.get(username="bench-analyst-001")
    client = Client()
    client.force_login(user)
    print(f"{'page':<14} {'first ms':>9} {'cpu ms':>7} {'wall ms':>8} {'queries':>8} {'py calls':>9}")
    for page in [p.strip() for p in args.pages.split(",") if p.strip()]:
        path, expect = PAGES[page]
        started = time.perf_counter()
        response = client.get(path)
        first = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or expect.encode() not in response.content:
            raise SystemExit(f"{path}: status {response.status_code}")
        cpu, wall = [], []
        profiler = cProfile.Profile() if page == args.profile else None
        for _ in range(args.repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            client.get(path)
            if profiler:
                profiler.disable()
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counter = cProfile.Profile()
        counter.enable()
        client.get(path)
        counter.disable()
        calls = pstats.Stats(counter).total_calls  # type: ignore[attr-defined]  # set by Stats, not in the stubs
        print(f"{page:<14} {first:>9.0f} {statistics.median(cpu):>7.1f} {statistics.median(wall):>8.1f} "
              f"{len(queries):>8} {calls:>9,}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue())
            for q in queries.captured_queries:
                print(f"   {q['time']}s {q['sql'][:220]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
