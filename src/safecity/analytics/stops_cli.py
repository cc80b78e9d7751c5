"""Handlers for ``safecity analyze veil-of-darkness`` and ``safecity analyze outcome-test``.

Rows with a required value not recorded (empty or NA) are left out and counted, as the Stanford Open
Policing analyses do; a value that is present but unreadable stops the command with its file line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from typing import Any

from safecity.analytics.csv_input import read_columns
from safecity.analytics.errors import InputError
from safecity.analytics.stops_input import (
    is_missing,
    parse_bool,
    parse_clock_minute,
    parse_date,
    parse_degrees,
)

__all__ = ["run_outcome_test", "run_veil_of_darkness"]

DEFAULT_TIMEZONE = "America/Chicago"  # the project's default SAFECITY_TIME_ZONE


def _pct(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{100 * value:.1f}%"


def run_veil_of_darkness(args: argparse.Namespace) -> int:
    from safecity.analytics.veil import veil_of_darkness

    columns = {"--date": args.date, "--time": args.time, "--race": args.race, "--lat": args.lat, "--lng": args.lng}
    if args.district is not None:
        columns["--district"] = args.district
    timezone = args.timezone or os.environ.get("SAFECITY_TIME_ZONE") or DEFAULT_TIMEZONE
    minority = args.minority.strip().lower()
    majority = args.majority.strip().lower()
    table = read_columns(args.csv, columns)
    dates, minutes, groups, lats, lngs, districts = [], [], [], [], [], []
    missing = 0
    for row in range(len(table.lines)):
        if any(is_missing(table.cells[option][row]) for option in columns):
            missing += 1
            continue
        dates.append(parse_date(table, "--date", row, args.date_format))
        minutes.append(parse_clock_minute(table, "--time", row))
        groups.append(table.cells["--race"][row].lower())
        lats.append(parse_degrees(table, "--lat", row, 90))
        lngs.append(parse_degrees(table, "--lng", row, 180))
        if args.district is not None:
            districts.append(table.cells["--district"][row])
    if not dates:
        raise InputError(f"CSV: {args.csv} has no row with all of {', '.join(columns)} recorded")
    result = veil_of_darkness(
        dates,
        minutes,
        groups,
        lats,
        lngs,
        minority=minority,
        majority=majority,
        districts=districts if args.district is not None else None,
        timezone=timezone,
    )
    payload: dict[str, Any] = {
        "command": "veil-of-darkness",
        "csv": str(args.csv),
        "rows_read": len(table.lines),
        "dropped_missing": missing,
        **result.to_dict(),
    }
    if args.json:
        print(json.dumps(payload, indent=2))
        return 0
    level = f"{100 * (1 - result.alpha):g}%"
    print(
        f"Veil of darkness: {result.minority} vs {result.majority}, {result.n} stops "
        f"({result.first_date} to {result.last_date}), {result.timezone}"
    )
    print(
        f"  inter-twilight window  {result.window_start}–{result.window_end} (earliest dusk to latest sunset), "
        f"sun times at {result.median_lat:.4f}, {result.median_lng:.4f}"
    )
    print(
        f"  in the model           {result.n_dark} dark, {result.n_light} light; "
        f"{result.n_minority} {result.minority}, {result.n_majority} {result.majority}"
    )
    print(
        f"  left out               {missing} not recorded, {result.dropped_other_groups} other groups, "
        f"{result.dropped_far_from_median} > 0.5° from the median, {result.dropped_outside_window} outside "
        f"the window, {result.dropped_twilight} between sunset and dusk"
    )
    effects = " + district fixed effects" if result.district_effects else ""
    print(f"  model                  logit P({result.minority}) ~ dark + natural spline(minute, 6 df){effects}")
    print(
        f"  darkness coefficient   {result.beta_dark:.4f} log odds (SE {result.se:.4f}), {level} CI "
        f"[{result.ci_low:.4f}, {result.ci_high:.4f}], p = {result.p_value:.3g}"
    )
    if result.ci_high < 0:
        reading = f"fewer {result.minority} drivers among stops after dark: consistent with bias in daylight stops"
    elif result.ci_low > 0:
        reading = f"more {result.minority} drivers among stops after dark: no sign of the bias this test looks for"
    else:
        reading = "the interval includes 0: no detectable difference between dark and light"
    print(f"  reading                {reading}")
    return 0


def run_outcome_test(args: argparse.Namespace) -> int:
    from safecity.analytics.stops import ALL, outcome_test, stop_rates

    columns = {"--race": args.race, "--searched": args.searched, "--contraband": args.contraband}
    if args.district is not None:
        columns["--district"] = args.district
    if args.arrested is not None:
        columns["--arrested"] = args.arrested
    table = read_columns(args.csv, columns)
    groups: list[str] = []
    searched: list[bool | None] = []
    contraband: list[bool | None] = []
    arrested: list[bool | None] = []
    districts: list[str] = []
    missing_race = 0
    for row in range(len(table.lines)):
        race = table.cells["--race"][row]
        if is_missing(race):
            missing_race += 1
            continue
        groups.append(race.lower())
        searched.append(parse_bool(table, "--searched", row))
        contraband.append(parse_bool(table, "--contraband", row))
        if args.arrested is not None:
            arrested.append(parse_bool(table, "--arrested", row))
        if args.district is not None:
            raw = table.cells["--district"][row]
            districts.append("(not recorded)" if is_missing(raw) else raw)
    if not groups:
        raise InputError(f"--race: column {args.race!r} has no recorded values in {args.csv}")
    rows = outcome_test(groups, searched, contraband, districts if args.district is not None else None)
    rates = stop_rates(groups, searched, arrested if args.arrested is not None else None)
    if args.json:
        payload = {
            "command": "outcome-test",
            "csv": str(args.csv),
            "rows_read": len(table.lines),
            "dropped_missing_race": missing_race,
            "ci": "95% Wilson score",
            "groups": [r.to_dict() for r in rows],
            "rates": [r.to_dict() for r in rates],
        }
        print(json.dumps(payload, indent=2))
        return 0
    print(f"Outcome test: {len(groups)} stops ({missing_race} without a recorded race left out); 95% Wilson CIs")
    header = f"{'district':<16} {'group':<24} {'stops':>8} {'searches':>9} {'search rate (CI)':>26} "
    print(header + f"{'hits':>6} {'hit rate (CI)':>26}")
    for r in rows:
        s, h = r.search_rate, r.hit_rate
        print(
            f"{r.district[:16]:<16} {r.group[:24]:<24} {r.stops:>8} {r.searches:>9} "
            f"{_pct(s.value) + ' (' + _pct(s.low) + '–' + _pct(s.high) + ')':>26} {r.hits:>6} "
            f"{_pct(h.value) + ' (' + _pct(h.low) + '–' + _pct(h.high) + ')':>26}"
        )
    if args.arrested is not None:
        print("\nArrest rate (arrests / stops with a recorded arrest flag)")
        for g in rates:
            a = g.arrest_rate
            if a is not None:
                print(
                    f"{ALL:<16} {g.group[:24]:<24} {a.successes:>8} / {a.trials:<8} "
                    f"{_pct(a.value)} ({_pct(a.low)}–{_pct(a.high)})"
                )
    print("\nA lower hit rate for a group suggests it is searched on less evidence; see docs/analytics.md.")
    return 0
