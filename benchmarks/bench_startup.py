"""Start-up time of the `safecity` command, each command as a ratio to `python -c pass` in the same run.

Usage: ``uv run python benchmarks/bench_startup.py [--runs 7]``

Every command runs once to warm up (byte-code is written to a private cache directory, so a
`PYTHONDONTWRITEBYTECODE` environment does not turn the measurement into a compile benchmark), then
`--runs` times; the best run counts, because on a shared machine noise only ever adds time. Commands that
use the database run against a fresh, migrated SQLite file. Limits (issue 7): `safecity --help` and the
other help pages 0.2 s (that is the start-up every command pays before its handler runs); a command that
does not need SciPy, such as a database command with Django's own set-up, 0.3 s. Reported without a limit:
`analyze change`, which needs SciPy. The limits are absolute seconds on an idle machine; the ratios are
what compare across machines and loads. Exit status 1 if a limit is missed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (label, argv after `safecity`, absolute limit in seconds or None)
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("safecity --help", ["--help"], 0.2),
    ("safecity import incidents --help", ["import", "incidents", "--help"], 0.2),
    ("safecity analyze --help", ["analyze", "--help"], 0.2),
    ("safecity analyze change --current 5 --past 3 (needs SciPy)", ["analyze", "change", "--current", "5",
                                                                      "--past", "3"], None),
    ("safecity users unlock nobody (Django set-up + 1 query)", ["users", "unlock", "nobody"], 0.3),
    ("safecity audit verify (Django set-up + the chain)", ["audit", "verify"], 0.3),
    # Reported without a limit: the URL-conf check imports every view and the API, and through the
    # incident statistics modules NumPy, SciPy and Shapely.
    ("safecity manage check (system checks, whole URL conf)", ["manage", "check"], None),
]


def _safecity() -> list[str]:
    script = Path(sys.executable).parent / "safecity"
    return [str(script)] if script.exists() else [sys.executable, "-m", "safecity.cli"]


def best_time(argv: list[str], env: dict[str, str], runs: int) -> float:
    subprocess.run(argv, env=env, capture_output=True, check=False)  # warm-up: byte-code, disk cache
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="safecity-startup-") as tmp:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache"),
               "SAFECITY_SQLITE_PATH": str(Path(tmp) / "bench.sqlite3"), "CI": "1"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("DATABASE_URL", None)
        subprocess.run([*_safecity(), "manage", "migrate", "--noinput", "-v", "0"], env=env, check=True,
                       capture_output=True)
        baseline = best_time([sys.executable, "-c", "pass"], env, args.runs)
        print(f"baseline: python -c pass {baseline * 1000:8.1f} ms (best of {args.runs})")
        failed = False
        for label, command, limit in COMMANDS:
            took = best_time([*_safecity(), *command], env, args.runs)
            verdict = ""
            if limit is not None:
                ok = took <= limit
                failed = failed or not ok
                verdict = f"  limit {limit:.1f} s: {'PASS' if ok else 'FAIL'}"
            print(f"{label:<62} {took * 1000:8.1f} ms  {took / baseline:6.1f}x pass{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
