"""Benchmark the CompStat selector over millions of incidents on PostgreSQL.

Usage::

    uv run python benchmarks/bench_compstat.py [--incidents 5000000] [--database-url postgres://…]
        [--agencies 10] [--share 0.2] [--runs 7] [--limit-ms 300] [--reload]

Creates (or reuses) a benchmark database, migrates it, and bulk-loads synthetic incidents with one offense
each (and victims for crimes against persons) through ``COPY … FROM STDIN`` (psycopg ``cursor.copy``).
The incidents are spread over ``--agencies`` agencies and five years ending today; the measured agency
holds ``--share`` of them. It then times ``compstat()`` for that agency as an analyst of it (median of
``--runs`` warm runs) and, as a same-process baseline, a bare ``SELECT count(*)`` over the agency's rows,
and prints both and their ratio. Exit status 1 if the median exceeds ``--limit-ms``.

After loading, the tables are clustered on (agency, occurred_date) — each agency's rows stored together, as
in the agency-sharded deployment the models are designed for — and vacuumed (so index-only scans work).
The indexes are exactly those the migrations create.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/safecity_bench"
ORI_PREFIX = "ZB"
# primary offense code, share of incidents (roughly a US city's Group A mix), crime against a person?
MIX = [("09A", 0.001, True), ("11A", 0.008, True), ("120", 0.035, False), ("13A", 0.07, True),
       ("13B", 0.13, True), ("220", 0.08, False), ("23C", 0.08, False), ("23F", 0.09, False), ("23H", 0.11, False),
       ("240", 0.07, False), ("200", 0.004, False), ("290", 0.11, False), ("35A", 0.05, False), ("26A", 0.062, False),
       ("23D", 0.1, False)]
VIOLENT = {"09A", "11A", "120", "13A"}
def _vacuum() -> None:
    """Drop indexes earlier versions of this benchmark added, then refresh statistics and visibility maps."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'proposed_%%' OR indexname LIKE 'bench_%%'")
        for (name,) in c.fetchall():
            c.execute(f'DROP INDEX IF EXISTS "{name}"')
        for table in ("incidents_incident", "incidents_offense", "incidents_victim"):
            c.execute(f"VACUUM ANALYZE {table}")


def _ensure_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _agencies(n: int) -> list:  # type: ignore[type-arg]
    from safecity.core import actions
    from safecity.core.models import Agency

    out = []
    for i in range(n):
        ori = f"{ORI_PREFIX}{i:07d}"
        agency = Agency.objects.filter(ori=ori).first() or actions.agency_create(
            actor="system", ori=ori, name=f"Benchmark agency {i}", agency_type="police", jurisdiction="Bench",
            state="ZZ")
        actions.agency_population_set(actor="system", agency=agency, year=dt.datetime.now(dt.UTC).year,
                                      population=1_000_000)
        out.append(agency)
    return out


def _geography(agency) -> tuple[list[int], list[int], list[int]]:  # type: ignore[no-untyped-def]
    from safecity.core import actions

    district_ids, beat_ids, beat_district = [], [], []
    for d in range(5):
        geom = {"type": "Polygon", "coordinates": [[[d, 0], [d + 1, 0], [d + 1, 1], [d, 1], [d, 0]]]}
        district = actions.district_save(actor="system", agency=agency, code=str(d + 1), name=f"District {d + 1}",
                                         geometry=geom, population=200_000)
        district_ids.append(district.pk)
        for b in range(6):
            bgeom = {"type": "Polygon", "coordinates": [[[d + b / 6, 0], [d + (b + 1) / 6, 0], [d + (b + 1) / 6, 1],
                                                         [d + b / 6, 1], [d + b / 6, 0]]]}
            beat = actions.beat_save(actor="system", district=district, code=f"{d + 1}{b + 1:02d}",
                                     name=f"Beat {d + 1}{b + 1:02d}", geometry=bgeom, population=33_000)
            beat_ids.append(beat.pk)
            beat_district.append(district.pk)
    return district_ids, beat_ids, beat_district


def _load(n: int, agencies: list, share: float, chunk: int = 250_000) -> float:  # type: ignore[type-arg]
    """COPY n incidents (+ offenses, + victims of person crimes). Returns seconds taken."""
    from django.db import connection

    from safecity.incidents.models import OffenseCode

    started = time.perf_counter()
    code_id = dict(OffenseCode.objects.values_list("code", "id"))
    codes = np.array([m[0] for m in MIX])
    probs = np.array([m[1] for m in MIX])
    probs /= probs.sum()
    person = np.array([m[2] for m in MIX])
    violent = np.array([c in VIOLENT for c in codes])
    code_ids = np.array([code_id[c] for c in codes])
    geo = {a.pk: _geography(a) for a in agencies}
    weights = np.array([share] + [(1 - share) / (len(agencies) - 1)] * (len(agencies) - 1))
    agency_ids = np.array([a.pk for a in agencies])
    today = dt.datetime.now(dt.UTC).date()
    first = today - dt.timedelta(days=5 * 365)
    epoch = dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC)
    rng = np.random.default_rng(7)
    connection.ensure_connection()
    raw = connection.connection  # psycopg connection
    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM incidents_incident")
        next_id = c.fetchone()[0] + 1
    done = 0
    while done < n:
        k = min(chunk, n - done)
        ids = np.arange(next_id, next_id + k)
        ag = rng.choice(len(agencies), size=k, p=weights)
        kind = rng.choice(len(codes), size=k, p=probs)
        secs = rng.integers(0, 5 * 365 * 86400, size=k)
        beat_idx = rng.integers(0, 30, size=k)
        shot = person[kind] & (rng.random(k) < 0.12) & np.isin(codes[kind], ["09A", "13A"])
        sens = np.where(rng.random(k) < 0.01, 8, 0)
        inc_lines = []
        off_lines = []
        vic_lines = []
        now = dt.datetime.now(dt.UTC).isoformat()
        for i in range(k):
            iid = int(ids[i])
            a_pk = int(agency_ids[ag[i]])
            d_ids, b_ids, b_dist = geo[a_pk]
            b = int(beat_idx[i])
            when = epoch + dt.timedelta(seconds=int(secs[i]))
            day = when.date().isoformat()
            ci = int(kind[i])
            code = codes[ci]
            is_shot = bool(shot[i])
            fatal = code == "09A"
            nvic = 1 if person[ci] else 0
            inc_lines.append(
                f"{iid}\t00000000-0000-4000-8000-{iid:012x}\t{int(sens[i])}\t{now}\t{now}\t{a_pk}\tB{iid}\t"
                f"{when.isoformat()}\t{day}\t\t0.5\t{b / 6:.4f}\t{b_dist[b]}\t{b_ids[b]}\t\tN\t"
                f"{'t' if is_shot else 'f'}\t{'t' if violent[ci] else 'f'}\t{'t' if is_shot else 'f'}\t"
                f"{'t' if fatal else 'f'}\t{nvic}\t1\t{code}\tbench\n")
            off_lines.append(f"{a_pk}\t{iid}\t1\t{int(code_ids[ci])}\t{day}\tf\t[]\t[]\t[\"88\"]\t\t"
                             f"{'t' if is_shot else 'f'}\n")
            if nvic:
                vic_lines.append(f"{a_pk}\t{iid}\t1\tI\t[]\t[\"{code}\"]\t\t{'t' if fatal else 'f'}\t"
                                 f"{'t' if is_shot else 'f'}\t\t\t\t\n")
        with raw.cursor() as cur:
            with cur.copy("COPY incidents_incident (id, public_id, sensitivity, created, last_updated, agency_id, "
                          "incident_number, occurred_from, occurred_date, block_address, latitude, longitude, "
                          "district_id, beat_id, location_type, cleared_exceptionally, is_firearm, is_violent, "
                          "is_shooting, is_fatal, victim_count, offense_count, primary_offense, source) "
                          "FROM STDIN") as copy:
                copy.write("".join(inc_lines))
            with cur.copy("COPY incidents_offense (agency_id, incident_id, seq, code_id, occurred_date, attempted, "
                          "weapon_codes, gang_codes, bias_codes, location_type, is_firearm) FROM STDIN") as copy:
                copy.write("".join(off_lines))
            with cur.copy("COPY incidents_victim (agency_id, incident_id, seq, victim_type, injury_codes, "
                          "offense_codes, relationship, is_fatal, is_shot, sex, race, ethnicity, age) "
                          "FROM STDIN") as copy:
                copy.write("".join(vic_lines).replace("\t\t\t\t\n", "\t\t\t\t\\N\n"))
        raw.commit()
        next_id += k
        done += k
        print(f"  loaded {done:,} / {n:,} incidents ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as c:
        c.execute("SELECT setval(pg_get_serial_sequence('incidents_incident', 'id'), %s)", [next_id])
        # Store each agency's rows together, as an agency-sharded/partitioned deployment does (the models
        # make agency the leading key of every large table), then set the visibility map and statistics.
        print("  clustering by (agency, occurred_date) and vacuuming …", flush=True)
        c.execute("CLUSTER incidents_incident USING incident_agency_date")
        c.execute("CLUSTER incidents_offense USING offense_agency_date")
        for table in ("incidents_incident", "incidents_offense", "incidents_victim"):
            c.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--incidents", type=int, default=5_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--share", type=float, default=0.1, help="share of incidents in the measured agency")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--limit-ms", type=float, default=300.0)
    parser.add_argument("--reload", action="store_true", help="delete and reload the benchmark incidents")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url must be a PostgreSQL URL")
    _ensure_database(args.database_url)
    _setup_django(args.database_url)

    from django.db import connection

    from safecity.conftest import make_persona
    from safecity.core.models import User
    from safecity.core.roles import Role
    from safecity.incidents.models import Incident
    from safecity.incidents.stats.compstat import compstat
    from safecity.incidents.stats.scope import latest_date, resolve_scope

    agencies = _agencies(args.agencies)
    target = agencies[0]
    have = Incident.objects.filter(agency__ori__startswith=ORI_PREFIX).count()
    if args.reload or have != args.incidents:
        if have:
            print(f"removing {have:,} earlier benchmark incidents …", flush=True)
            with connection.cursor() as c:
                c.execute("TRUNCATE incidents_victim, incidents_offense, incidents_arrestee, incidents_offender, "
                          "incidents_property, incidents_incident")
        print(f"loading {args.incidents:,} incidents over {args.agencies} agencies with COPY …", flush=True)
        secs = _load(args.incidents, agencies, args.share)
        print(f"load: {secs:.1f} s ({args.incidents / secs:,.0f} incidents/s incl. offenses and victims)")
    _vacuum()
    user = User.objects.filter(username="bench_analyst").first() or make_persona("bench_analyst", target, Role.ANALYST)
    scope = resolve_scope(user, target.ori)
    as_of = latest_date(user, scope)
    agency_rows = Incident.objects.filter(agency=target).count()
    print(f"incidents in database: {Incident.objects.count():,}; in {target.ori}: {agency_rows:,}; as of {as_of}")

    def timed(fn) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000

    def bare_count() -> None:
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM incidents_incident WHERE agency_id = %s", [target.pk])
            c.fetchone()

    def run() -> None:
        compstat(user=user, scope=scope, as_of=as_of)

    run()
    bare_count()  # warm caches
    base = statistics.median(timed(bare_count) for _ in range(args.runs))
    comp = statistics.median(timed(run) for _ in range(args.runs))
    report = compstat(user=user, scope=scope, as_of=as_of)
    rows = {r.key: r.cells["ytd"] for r in report.rows}
    print(f"YTD violent {rows['violent'].current:,} vs {rows['violent'].prior:,}; property {rows['property'].current:,}"
          f" vs {rows['property'].prior:,}")
    print(f"baseline SELECT count(*) over the agency's {agency_rows:,} rows: {base:8.1f} ms (median of {args.runs})")
    print(f"compstat() agency-wide, 3 windows x 2 years, 12 categories: {comp:8.1f} ms (median of {args.runs})")
    print(f"ratio compstat / count(*): {comp / base:6.2f}x")
    passed = comp <= args.limit_ms
    print(f"target {args.limit_ms:g} ms: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
