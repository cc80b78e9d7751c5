"""`make bench`: run every benchmark in turn; each prints its own figures and the same-process baseline.

Environment: BENCH_IMPORT_ROWS (default 1,000,000), BENCH_COMPSTAT_INCIDENTS (default 5,000,000),
BENCH_DATABASE_URL (PostgreSQL for the CompStat and PostgreSQL import runs; default the local server),
BENCH_LOAD_SECONDS (load per page in the 50-user benchmark, default 20), BENCH_LOAD_DATABASE_URL (its
PostgreSQL database; skipped when the server does not answer).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench")
PG_IMPORT = os.environ.get("BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safecity_bench_import")


def fresh_database(url: str) -> None:
    """(Re)create an empty PostgreSQL database for the import benchmark, so every run starts the same."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(script: str, *args: str) -> int:
    path = HERE / script
    if not path.exists():
        print(f"-- {script}: missing, skipped")
        return 0
    print(f"\n== {script} {' '.join(args)}", flush=True)
    return subprocess.call([sys.executable, str(path), *args])


def run_pg_import(rows: str) -> int:
    fresh_database(PG_IMPORT)
    return run("bench_import.py", "--rows", rows, "--database-url", PG_IMPORT)


def main() -> int:
    rows = os.environ.get("BENCH_IMPORT_ROWS", "1000000")
    incidents = os.environ.get("BENCH_COMPSTAT_INCIDENTS", "5000000")
    codes = [
        run("bench_startup.py"),
        run("bench_analytics.py"),
        run("bench_early_intervention.py"),
        run("bench_veil.py"),
        run("bench_import.py", "--rows", rows),
        run_pg_import(rows),
        run("bench_compstat.py", "--incidents", incidents, "--database-url", PG),
        run("bench_load.py", "--seconds", os.environ.get("BENCH_LOAD_SECONDS", "20")),
    ]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
