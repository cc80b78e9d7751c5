"""Load benchmark: the analysis pages and the incident list under 50 signed-in users, on the real server.

Usage::

    uv run python benchmarks/bench_load.py [--users 50] [--seconds 20] [--wait 1 3] [--backends sqlite,postgres]
        [--database-url postgres://…] [--pages compstat,trends,…] [--p95-ms 300] [--warm-ms 100]

For each database (SQLite, and PostgreSQL when it answers at ``--database-url``) it

1. builds the demo city (``safecity demo``, ~98,000 incidents) in its own var directory under
   ``bench-results/load/`` unless one is already there, and makes ``--users`` analysts of the Riverton
   Police Department (through the audited actions) with a generated password kept in that directory;
2. starts ``safecity serve`` (gunicorn with its defaults) on a free loopback port;
3. signs every user in through the real sign-in form (GET the form, POST user name, password, the banner
   acknowledgement and the CSRF token) and keeps the session cookies, then waits for the result-cache
   warm-up the server started (core/warmup.py) to finish, as a deployed server's would have before a meeting;
4. times single requests per page: the first (cold: computed) and the median of ten more (warm);
5. runs locust headless per page with ``--users`` users, each opening the page, reading it for a random
   1–3 s (``--wait``; ``--wait 0 0`` sends requests back to back, like wrk), and again. The users arrive over
   ``--ramp`` seconds (default 10), as people open their laptops at a meeting, and the statistics are reset
   once the last has arrived, so the ``--seconds`` that follow measure 50 users at once in steady state;
   ``--ramp 0`` instead starts all of them in the same instant (50 simultaneous first requests);
6. prints p50/p95/max, requests/s and errors per page with pass/fail against the targets (p95 ≤ 300 ms with
   no errors under load, a warm request ≤ 100 ms), and exits 1 if any page fails. The first "page",
   ``baseline``, is ``/healthz`` signed in: every middleware and no work, measured under the same load in
   the same run; "p95/base" divides each page's p95 by its p95, which says more than the milliseconds on a
   machine other programs are also using.

The server runs with the demo settings (``SAFECITY_DEMO_MODE=true``, ``SAFECITY_CJI_MODE=false``) and with the
sign-in and API rate limits raised, because every simulated user comes from 127.0.0.1 where a real meeting
comes from many addresses; nothing else differs from ``make demo``. All traffic stays on loopback and every run
is bounded by ``--seconds``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench-results" / "load"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/safecity_bench_load"
PAGES: dict[str, tuple[str, str]] = {  # name: (path, text the answer must contain)
    # The same-run yardstick: a signed-in request through every middleware (session, user, CSP, audit
    # context) to a view that does nothing. On a shared machine the pages' p95 is read against this one's.
    "baseline": ("/healthz", '"ok"'),
    "compstat": ("/incidents/stats/", "<table"),
    "trends": ("/incidents/stats/trends/", "<table"),
    "hotspots": ("/incidents/stats/hotspots/", "<table"),
    "firearm": ("/incidents/stats/firearm/", "<table"),
    "incident-list": ("/incidents/", "<table"),
    "incident-api": ("/api/v1/incidents/?limit=50", '"items"'),
}
DEMO_ENV = {"SAFECITY_DEMO_MODE": "true", "SAFECITY_CJI_MODE": "false", "SAFECITY_CITY_NAME": "Riverton",
            "SAFECITY_RATE_LIMIT_SIGNIN_PER_MINUTE": "100000", "SAFECITY_RATE_LIMIT_API_PER_MINUTE": "1000000"}


# ---- set-up (runs in a child process with the backend's environment) ------------------------------------

def setup(users: int) -> dict[str, Any]:
    """Migrate, build the demo city if it is not there, and make the benchmark's analysts. Returns their names
    and password."""
    import secrets

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from safecity.core import actions
    from safecity.core.actors import CLI
    from safecity.core.models import Agency, User
    from safecity.core.roles import Role
    from safecity.demo.build import POLICE_ORI, build_demo
    from safecity.demo.incidents import analyze_incident_tables
    from safecity.incidents.models import Incident

    call_command("migrate", verbosity=0)
    if not Incident.objects.filter(agency__ori=POLICE_ORI).exists():
        started = time.perf_counter()
        build_demo(out=sys.stderr)
        print(f"demo city built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    analyze_incident_tables()  # a database built before the demo builder did this itself
    police = Agency.objects.get(ori=POLICE_ORI)
    secret_file = Path(settings.VAR_DIR) / "bench-users.json"
    if secret_file.exists():
        password = json.loads(secret_file.read_text())["password"]
    else:
        password = f"bench-{secrets.token_urlsafe(24)}"
        secret_file.write_text(json.dumps({"password": password}))
        secret_file.chmod(0o600)
    names = []
    for i in range(1, users + 1):
        name = f"bench-analyst-{i:03d}"
        user = User.objects.filter(username=name).first()
        if user is None:
            user = actions.user_create(actor=CLI, username=name, email=f"{name}@riverton.example",
                                       password=password, first_name="Bench", last_name=f"Analyst {i}",
                                       home_agency=police)
            actions.role_grant(actor=CLI, user=user, agency=police, role=Role.ANALYST)
        elif not user.check_password(password):
            raise SystemExit(f"{name} exists with another password: delete {Path(settings.VAR_DIR)} and run again")
        names.append(name)
    return {"users": names, "password": password, "incidents": Incident.objects.count(),
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]}


# ---- the run (parent process) ----------------------------------------------------------------------------

def _pg_reachable(url: str) -> bool:
    try:
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL run
        print(f"-- PostgreSQL at {url} not usable ({str(exc).splitlines()[0]}): skipped")
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see its log")
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer {base}/readyz within {timeout:.0f} s")


def sign_in(base: str, username: str, password: str) -> dict[str, str]:
    """Sign in through the real form; returns the session's cookies."""
    import requests

    s = requests.Session()
    form = s.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if form.status_code != 200 or token is None:
        raise SystemExit(f"sign-in form: status {form.status_code}, no CSRF token")
    answer = s.post(f"{base}/accounts/login/", data={
        "csrfmiddlewaretoken": token.group(1), "username": username, "password": password, "acknowledge": "on",
    }, headers={"Referer": f"{base}/accounts/login/"}, allow_redirects=False, timeout=30)
    if answer.status_code != 302 or "/accounts/login" in answer.headers.get("Location", ""):
        raise SystemExit(f"sign-in of {username} failed: status {answer.status_code}")
    return {c.name: c.value for c in s.cookies if c.value is not None}


def single_requests(base: str, cookies: dict[str, str], path: str, repeat: int = 10) -> tuple[float, float]:
    """(first request ms, median of `repeat` more) for one signed-in user, one request at a time."""
    import requests

    s = requests.Session()
    s.cookies.update(cookies)
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        r = s.get(f"{base}{path}", allow_redirects=False, timeout=120)
        times.append((time.perf_counter() - started) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"{path}: status {r.status_code} for a signed-in analyst")
    return times[0], statistics.median(times[1:])


def run_locust(base: str, sessions_file: Path, path: str, expect: str, users: int, seconds: int,
               wait: tuple[float, float], prefix: Path, ramp: float) -> dict[str, float]:
    """Start `users` users over `ramp` seconds, then measure `seconds` of steady load (statistics are reset
    when the last user has started). With ramp 0 every user sends its first request in the same instant."""
    env = {**os.environ, "BENCH_LOAD_SESSIONS": str(sessions_file), "BENCH_LOAD_PATH": path,
           "BENCH_LOAD_EXPECT": expect, "BENCH_LOAD_WAIT_MIN": str(wait[0]), "BENCH_LOAD_WAIT_MAX": str(wait[1])}
    rate = users / ramp if ramp > 0 else users
    cmd = [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("load_locustfile.py")), "--headless",
           "-u", str(users), "-r", f"{rate:g}", "-t", f"{math.ceil(ramp + seconds)}s", "--host", base,
           "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0"]
    if ramp > 0:
        cmd.append("--reset-stats")
    with open(f"{prefix}.log", "w") as log:
        subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=ramp + seconds + 120,
                       check=False)
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["Name"] == "Aggregated"]
    if not rows:
        raise SystemExit(f"locust wrote no statistics; see {prefix}.log")
    row = rows[0]
    return {"requests": float(row["Request Count"]), "errors": float(row["Failure Count"]),
            "p50": float(row["50%"]), "p95": float(row["95%"]), "max": float(row["Max Response Time"]),
            "rps": float(row["Requests/s"])}


_ACCESS = re.compile(r'"GET (?P<path>\S+) HTTP/[\d.]+" \d{3} .* (?P<ms>\d+)ms$')


def server_p95(log_file: Path, offset: int, path: str) -> tuple[float, int]:
    """p95 of the time the server's workers spent on `path` (the access log's last field, core/cli.py), from
    byte `offset` of its log; and the new offset. Beside the p95 locust sees, it separates time in the page's
    own work from time spent waiting for a worker (and in the load generator)."""
    with open(log_file, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
        end = f.tell()
    times = sorted(int(m["ms"]) for m in map(_ACCESS.search, text.splitlines()) if m and m["path"] == path)
    if not times:
        return float("nan"), end
    return float(times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]), end


def _is_warmup(proc: Any) -> bool:
    import psutil

    try:
        return "warm" in proc.cmdline() and "tasks" in proc.cmdline()
    except psutil.Error:
        return False


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the server: the gunicorn master and its workers (not the
    warm-up process `safecity serve` starts). Divided by the requests served it is a figure that does not
    depend on what else the machine is running."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            if _is_warmup(proc):
                continue
            with contextlib.suppress(psutil.NoSuchProcess):
                t = proc.cpu_times()
                total += t.user + t.system
        return total
    except psutil.NoSuchProcess:
        return 0.0


def wait_for_warmup(pid: int, timeout: float = 900) -> float | None:
    """Wait for the result-cache warm-up `safecity serve` started (core/warmup.py) to finish, as a deployed
    server would have before a meeting; seconds waited, None when there was none."""
    import psutil

    started = time.perf_counter()
    seen = False
    while time.perf_counter() - started < timeout:
        try:
            warming = [p for p in psutil.Process(pid).children(recursive=True) if _is_warmup(p)]
        except psutil.NoSuchProcess:
            return None
        if not warming:
            return time.perf_counter() - started if seen else None
        seen = True
        time.sleep(1)
    raise SystemExit(f"the warm-up did not finish within {timeout:.0f} s")


def bench_backend(name: str, database_url: str, args: argparse.Namespace) -> bool:
    var = OUT / name
    var.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **DEMO_ENV, "SAFECITY_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    print(f"\n-- {name}: set-up (demo city and {args.users} analysts; first run builds the city)", flush=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--setup", "--users", str(args.users)], env=env, cwd=REPO,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr[-3000:])
        raise SystemExit(f"{name}: set-up failed")
    info = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"   {info['incidents']:,} incidents ({info['database']}), set-up {time.perf_counter() - started:.0f} s")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    safecity = Path(sys.executable).with_name("safecity")
    log = open(var / "server.log", "w")  # noqa: SIM115 - open for the server's lifetime
    server = subprocess.Popen([str(safecity), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    ok = True
    try:
        _wait_ready(base, server)
        server_started = started = time.perf_counter()
        sessions = [sign_in(base, u, info["password"]) for u in info["users"]]
        print(f"   {len(sessions)} users signed in through the sign-in form in {time.perf_counter() - started:.1f} s"
              f" (server: safecity serve on {base})")
        waited = wait_for_warmup(server.pid)
        if waited is not None:
            print(f"   the server's result-cache warm-up finished {time.perf_counter() - server_started:.0f} s "
                  f"after it answered (waited {waited:.0f} s more for it after the sign-ins)")
        sessions_file = var / "sessions.json"
        sessions_file.write_text(json.dumps(sessions))
        print(f"   load: {args.users} users started over {args.ramp:g} s, then {args.seconds} s measured per page, "
              f"wait {args.wait[0]:g}–{args.wait[1]:g} s between a user's requests;\n"
              f"   targets p95 ≤ {args.p95_ms:g} ms, 0 errors, warm ≤ {args.warm_ms:g} ms")
        print(f"   machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the run")
        print(f"   {'page':<14} {'first ms':>9} {'warm ms':>8} {'requests':>9} {'req/s':>7} {'p50 ms':>7} "
              f"{'p95 ms':>7} {'max ms':>7} {'errors':>7} {'cpu ms/req':>10} {'p95/base':>8} {'srv p95':>7}  result")
        base_p95 = 0.0
        for page in args.pages:
            path, expect = PAGES[page]
            first, warm = single_requests(base, sessions[0], path)
            cpu_before = server_cpu_seconds(server.pid)
            log.flush()
            offset = (var / "server.log").stat().st_size
            stats = run_locust(base, sessions_file, path, expect, args.users, args.seconds, tuple(args.wait),
                               var / f"locust-{page}", args.ramp)
            cpu_ms = (server_cpu_seconds(server.pid) - cpu_before) * 1000 / max(stats["requests"], 1)
            srv_p95, _ = server_p95(var / "server.log", offset, path)
            passed = stats["p95"] <= args.p95_ms and stats["errors"] == 0 and warm <= args.warm_ms
            ok = ok and passed
            if page == "baseline":
                base_p95 = stats["p95"]
            ratio = f"{stats['p95'] / base_p95:>8.1f}" if base_p95 else f"{'':>8}"
            print(f"   {page:<14} {first:>9.0f} {warm:>8.1f} {stats['requests']:>9.0f} {stats['rps']:>7.1f} "
                  f"{stats['p50']:>7.0f} {stats['p95']:>7.0f} {stats['max']:>7.0f} {stats['errors']:>7.0f} "
                  f"{cpu_ms:>10.1f} {ratio} {srv_p95:>7.0f}  {'PASS' if passed else 'FAIL'}", flush=True)
        print(f"   (load average {os.getloadavg()[0]:.1f} after the run; cpu ms/req is the server's own CPU time "
              f"per request served, which other programs on the machine do not change much; srv p95 is the p95 of "
              f"the time a worker spent on the request, from the access log, so p95 − srv p95 is queueing)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20, help="load per page (default 20)")
    parser.add_argument("--wait", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"),
                        help="seconds a user reads a page before the next request (default 1 3; 0 0 = none)")
    parser.add_argument("--ramp", type=float, default=10,
                        help="seconds over which the users start, not measured (default 10; 0 = all at once)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--p95-ms", type=float, default=300)
    parser.add_argument("--warm-ms", type=float, default=100)
    args = parser.parse_args(argv)
    if args.setup:
        print(json.dumps(setup(args.users)))
        return 0
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in args.pages if p not in PAGES]
    if unknown:
        parser.error(f"--pages: unknown {', '.join(unknown)} (choose from {', '.join(PAGES)})")
    if not 1 <= args.users <= 500 or not 1 <= args.seconds <= 600:
        parser.error("--users must be 1–500 and --seconds 1–600")
    results = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "sqlite":
            results.append(bench_backend("sqlite", "", args))
        elif backend == "postgres":
            if _pg_reachable(args.database_url):
                results.append(bench_backend("postgres", args.database_url, args))
        else:
            parser.error(f"--backends: unknown {backend!r} (sqlite, postgres)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
