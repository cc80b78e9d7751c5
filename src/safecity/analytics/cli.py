"""``analyze`` command line: near-repeat (Knox), grid hot spots (Gi*), count-change and stop-data tests.

Embed in another argparse CLI with :func:`register` (or :func:`add_analyze_parser` + :func:`run_analyze`),
or run stand-alone: ``python -m safecity.analytics.cli analyze change --current 12 --past 5``.
Bad input prints one ``safecity: error: ...`` line to stderr and exits with status 2.
NumPy and SciPy are imported by the handlers, not here: building the parser (``safecity --help``,
every other ``safecity`` command) must not pay the second or two they take to import.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from safecity.analytics.errors import InputError

if TYPE_CHECKING:
    from safecity.analytics.near_repeat import KnoxResult

__all__ = ["add_analyze_parser", "main", "register", "run_analyze"]

EXIT_BAD_INPUT = 2


class _OneLineParser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors are a single stderr line (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def add_analyze_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register the ``analyze`` command and its sub-commands on an argparse sub-parser set."""
    analyze = subparsers.add_parser(
        "analyze", help="crime analysis statistics (near-repeat, hot spots, change, stop data)"
    )
    commands = analyze.add_subparsers(
        dest="analyze_command",
        metavar="{near-repeat,hotspots,change,veil-of-darkness,outcome-test}",
        parser_class=_OneLineParser,
    )
    commands.required = True

    near = commands.add_parser("near-repeat", help="Knox near-repeat test on a CSV of dated events")
    near.add_argument("csv", metavar="CSV", help="input CSV file with a header row")
    near.add_argument("--x", required=True, help="column with x coordinates (projected, e.g. metres)")
    near.add_argument("--y", required=True, help="column with y coordinates")
    near.add_argument("--date", required=True, help="column with event dates")
    near.add_argument("--date-format", default="%d/%m/%Y", help="strptime format (default %%d/%%m/%%Y)")
    near.add_argument("--space-bands", required=True, help="comma-separated distance limits, e.g. 1,100,200")
    near.add_argument("--time-bands", required=True, help="comma-separated day limits, e.g. 2,4")
    near.add_argument("--permutations", default="999", help="Monte Carlo permutations (default 999)")
    near.add_argument("--seed", default=None, help="random seed for reproducible p-values")
    near.add_argument("--nrc-compatible", action="store_true", help="Near Repeat Calculator [a,b) bins")
    near.add_argument("--json", action="store_true", help="print machine-readable JSON")

    hot = commands.add_parser("hotspots", help="grid counts and Getis-Ord Gi* hot spots")
    hot.add_argument("csv", metavar="CSV", help="input CSV file with a header row")
    hot.add_argument("--x", required=True, help="column with x coordinates (projected)")
    hot.add_argument("--y", required=True, help="column with y coordinates")
    hot.add_argument("--cell-size", default="250", help="grid cell size in coordinate units (default 250)")
    hot.add_argument("--top", default="10", help="number of hottest cells to list (default 10)")
    hot.add_argument("--permutations", default="0", help="Gi* permutations for pseudo p-values (default 0)")
    hot.add_argument("--seed", default=None, help="random seed for the permutations")
    hot.add_argument("--json", action="store_true", help="print machine-readable JSON")

    change = commands.add_parser("change", help="is a change between two counts real? (Poisson tests)")
    change.add_argument("--current", required=True, help="current-period count")
    change.add_argument("--past", required=True, help="past-period count")
    change.add_argument("--alpha", default="0.05", help="confidence-interval alpha (default 0.05)")
    change.add_argument("--json", action="store_true", help="print machine-readable JSON")

    _add_stop_parsers(commands)


def _add_stop_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    veil = commands.add_parser("veil-of-darkness", help="veil-of-darkness test for racial bias in stops")
    veil.add_argument("csv", metavar="CSV", help="stops CSV with a header row (one row per stop)")
    veil.add_argument("--date", required=True, help="column with the stop date")
    veil.add_argument("--time", required=True, help="column with the local clock time, HH:MM (24-hour)")
    veil.add_argument("--race", required=True, help="column with the stopped person's race/ethnicity")
    veil.add_argument("--lat", required=True, help="column with latitude (WGS84 degrees)")
    veil.add_argument("--lng", required=True, help="column with longitude (WGS84 degrees)")
    veil.add_argument("--minority", default="black", help="group tested for bias (default black)")
    veil.add_argument("--majority", default="white", help="comparison group (default white)")
    veil.add_argument("--district", default=None, help="column for district fixed effects (optional)")
    veil.add_argument("--date-format", default="%Y-%m-%d", help="strptime format (default %%Y-%%m-%%d)")
    veil.add_argument(
        "--timezone",
        default=None,
        help="IANA zone of the clock times (default $SAFECITY_TIME_ZONE, else America/Chicago)",
    )
    veil.add_argument("--json", action="store_true", help="print machine-readable JSON")

    outcome = commands.add_parser("outcome-test", help="search and hit rates by group (outcome test)")
    outcome.add_argument("csv", metavar="CSV", help="stops CSV with a header row (one row per stop)")
    outcome.add_argument("--race", required=True, help="column with the stopped person's race/ethnicity")
    outcome.add_argument("--searched", required=True, help="column: was a search conducted (TRUE/FALSE/NA)")
    outcome.add_argument("--contraband", required=True, help="column: was contraband found (TRUE/FALSE/NA)")
    outcome.add_argument("--district", default=None, help="column to also report per district (optional)")
    outcome.add_argument("--arrested", default=None, help="column: arrest made (TRUE/FALSE/NA), optional")
    outcome.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _parse_bands(option: str, raw: str) -> list[float]:
    values: list[float] = []
    for part in raw.split(","):
        text = part.strip()
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"{option}: {text!r} is not a number (expected e.g. 1,100,200)") from None
        if not math.isfinite(value) or value <= 0:
            raise InputError(f"{option}: band limits must be positive numbers, got {text!r}")
        values.append(value)
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise InputError(f"{option}: band limits must be strictly increasing, got {raw!r}")
    return values


def _parse_int(option: str, raw: str | None, minimum: int = 0) -> int:
    if raw is None:
        raise InputError(f"{option}: a value is required")
    try:
        value = int(raw.strip())
    except ValueError:
        raise InputError(f"{option}: {raw!r} is not a whole number") from None
    if value < minimum:
        raise InputError(f"{option}: must be at least {minimum}, got {value}")
    return value


def _parse_float(option: str, raw: str, low: float, high: float | None = None) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{option}: {raw!r} is not a number") from None
    if not math.isfinite(value) or value <= low or (high is not None and value >= high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"greater than {low:g}"
        raise InputError(f"{option}: must be {bound}, got {raw!r}")
    return value


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf"
    return f"{value:.{digits}f}"


def _print_knox(result: KnoxResult) -> None:
    kind = "NRC-compatible [a,b) bins" if result.nrc_compatible else "bins [0,b0], (b0,b1], ..."
    print(f"Knox near-repeat test: {result.n_events} events, {result.permutations} permutations, {kind}")
    width = max(len(s) for s in [*result.space_labels, "distance"]) + 2
    cols = result.time_labels
    for title, table, digits in (
        ("Observed pairs", result.observed, 0),
        ("Expected pairs (mean of permutations)", result.expected, 1),
        ("Knox ratio (observed / expected)", result.ratios, 2),
        ("p-value", result.p_values, 3),
    ):
        print(f"\n{title} (rows: distance, columns: days)")
        print("distance".ljust(width) + "".join(c.rjust(14) for c in cols))
        for label, row in zip(result.space_labels, table.tolist(), strict=True):
            print(label.ljust(width) + "".join(_fmt(float(v), digits).rjust(14) for v in row))


def _run_near_repeat(args: argparse.Namespace) -> int:
    from safecity.analytics.csv_input import read_events
    from safecity.analytics.near_repeat import knox_test

    space = _parse_bands("--space-bands", args.space_bands)
    time = _parse_bands("--time-bands", args.time_bands)
    permutations = _parse_int("--permutations", args.permutations)
    seed = None if args.seed is None else _parse_int("--seed", args.seed)
    events = read_events(args.csv, args.x, args.y, args.date, args.date_format)
    if len(events.x) < 2:
        raise InputError(f"CSV: {args.csv} needs at least two events for a Knox test")
    result = knox_test(
        events.x,
        events.y,
        events.days_since_first(),
        space,
        time,
        permutations=permutations,
        seed=seed,
        nrc_compatible=args.nrc_compatible,
    )
    if args.json:
        payload = {"command": "near-repeat", "csv": str(args.csv), "seed": seed, **result.to_dict()}
        print(json.dumps(payload, indent=2))
    else:
        _print_knox(result)
    return 0


def _run_hotspots(args: argparse.Namespace) -> int:
    from safecity.analytics.csv_input import read_events
    from safecity.analytics.hotspots import grid_counts, grid_gi_star, top_cells

    cell_size = _parse_float("--cell-size", args.cell_size, 0.0)
    top = _parse_int("--top", args.top)
    permutations = _parse_int("--permutations", args.permutations)
    seed = None if args.seed is None else _parse_int("--seed", args.seed)
    events = read_events(args.csv, args.x, args.y)
    counts = grid_counts(events.x, events.y, cell_size)
    grid = counts.grid
    if grid.n_rows * grid.n_cols > 1_000_000:
        raise InputError(
            f"--cell-size: {cell_size:g} gives {grid.n_rows * grid.n_cols} cells; use a larger cell"
        )
    if grid.n_rows * grid.n_cols < 2:
        raise InputError(f"--cell-size: {cell_size:g} gives a single cell; use a smaller cell")
    gi = grid_gi_star(counts, permutations=permutations, seed=seed)
    cells = top_cells(counts, gi, top)
    p_sim = gi.p_sim
    rows: list[dict[str, Any]] = []
    for cell in cells:
        row: dict[str, Any] = {
            "row": cell.row,
            "col": cell.col,
            "x_centre": cell.x_centre,
            "y_centre": cell.y_centre,
            "count": cell.count,
            "gi_star_z": cell.z,
            "p_norm_two_sided": cell.p_norm,
        }
        if p_sim is not None:
            row["p_sim"] = float(p_sim[cell.row * grid.n_cols + cell.col])
        rows.append(row)
    if args.json:
        payload = {
            "command": "hotspots",
            "csv": str(args.csv),
            "n_events": int(counts.counts.sum()),
            "grid": {
                "x_min": grid.x_min,
                "y_min": grid.y_min,
                "cell_size": grid.cell_size,
                "n_rows": grid.n_rows,
                "n_cols": grid.n_cols,
            },
            "weights": "queen contiguity, binary (Gi*)",
            "permutations": permutations,
            "top_cells": rows,
        }
        print(json.dumps(payload, indent=2))
        return 0
    print(
        f"Grid hot spots: {int(counts.counts.sum())} events, {grid.n_rows} x {grid.n_cols} cells "
        f"of {cell_size:g}, Getis-Ord Gi* with queen contiguity"
    )
    print(
        f"{'rank':>4} {'row':>5} {'col':>5} {'x_centre':>14} {'y_centre':>14} "
        f"{'count':>6} {'Gi* z':>8} {'p':>10}"
    )
    for rank, row in enumerate(rows, start=1):
        print(
            f"{rank:>4} {row['row']:>5} {row['col']:>5} {row['x_centre']:>14.1f} {row['y_centre']:>14.1f} "
            f"{row['count']:>6} {row['gi_star_z']:>8.2f} {row['p_norm_two_sided']:>10.2e}"
        )
    return 0


def _run_change(args: argparse.Namespace) -> int:
    from safecity.analytics.poisson import poisson_e_test, poisson_exact_ci, poisson_z, rate_ratio_ci
    from safecity.analytics.rates import percent_change

    current = _parse_int("--current", args.current)
    past = _parse_int("--past", args.past)
    alpha = _parse_float("--alpha", args.alpha, 0.0, 1.0)
    z = poisson_z(current, past)
    e_p = poisson_e_test(current, past)
    rr = rate_ratio_ci(current, past, alpha=alpha, method="exact")
    ci_current = poisson_exact_ci(current, alpha)
    pct = percent_change(current, past)
    payload: dict[str, Any] = {
        "command": "change",
        "current": current,
        "past": past,
        "difference": current - past,
        "percent_change": pct,
        "poisson_z": z,
        "e_test_p": _finite_or_none(e_p),
        "rate_ratio": _finite_or_none(rr.ratio),
        "rate_ratio_ci": [_finite_or_none(rr.low), _finite_or_none(rr.high)],
        "rate_ratio_ci_method": "exact conditional binomial (Clopper-Pearson)",
        "current_exact_ci": list(ci_current),
        "alpha": alpha,
        "flag": "significant (|Z| >= 3)"
        if abs(z) >= 3
        else ("notable (|Z| >= 2)" if abs(z) >= 2 else "none"),
    }
    if args.json:
        print(json.dumps(payload, indent=2))
        return 0
    level = f"{100 * (1 - alpha):g}%"
    print(f"Current {current} vs past {past} (difference {current - past:+d})")
    print(f"  percent change      {_fmt(pct, 1) + '%' if pct is not None else 'n/a (past is 0)'}")
    print(f"  Poisson Z           {z:.3f}  ({payload['flag']})")
    print(f"  E-test p (2-sided)  {_fmt(e_p, 4) if not math.isnan(e_p) else 'n/a (both counts 0)'}")
    print(f"  rate ratio          {_fmt(rr.ratio)}  {level} exact CI [{_fmt(rr.low)}, {_fmt(rr.high)}]")
    print(f"  current count       {level} Garwood CI [{_fmt(ci_current[0])}, {_fmt(ci_current[1])}]")
    return 0


def run_analyze(args: argparse.Namespace) -> int:
    """Run a parsed ``analyze`` sub-command; returns 0 on success, 2 on bad input."""
    from safecity.analytics.stops_cli import run_outcome_test, run_veil_of_darkness

    handlers = {
        "near-repeat": _run_near_repeat,
        "hotspots": _run_hotspots,
        "change": _run_change,
        "veil-of-darkness": run_veil_of_darkness,
        "outcome-test": run_outcome_test,
    }
    command = getattr(args, "analyze_command", None)
    handler = handlers.get(command) if isinstance(command, str) else None
    if handler is None:
        print(f"safecity: error: analyze: unknown sub-command {command!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return handler(args)
    except (InputError, ValueError) as exc:
        print(f"safecity: error: analyze {command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``analyze`` to a ``safecity``-style command whose handlers are found in ``args.func``."""
    add_analyze_parser(subparsers)
    subparsers.choices["analyze"].set_defaults(func=run_analyze)


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point: ``analyze ...`` arguments; returns the process exit status."""
    parser = _OneLineParser(prog="safecity")
    subparsers = parser.add_subparsers(dest="command", parser_class=_OneLineParser)
    subparsers.required = True
    add_analyze_parser(subparsers)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    return run_analyze(args)


if __name__ == "__main__":
    sys.exit(main())
