"""`safecity import <type> FILE --agency ORI [--format F] [--mapping F] [--dry-run] [--strict] …` for every
registered record type: exit 0 all in, 1 some rejected, 2 nothing imported or the run could not start.

An app with an importable record type calls `add_record_type(subparsers, …)` from its `cli.register`; the
first call creates `safecity import`. Nothing here imports Django: the handler sets it up when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from safecity.core.cli import CLIError, ExitCode, Parser, Subparsers, setup_django, system_context

DEFAULT_BATCH_SIZE = 50000  # the same as spec.DEFAULT_BATCH_SIZE, which needs nothing but is kept light here


def _kinds(sub: Subparsers) -> Any:
    """The `safecity import` parser's sub-commands, creating `import` on first use."""
    existing = sub.choices.get("import")
    if existing is None:
        existing = sub.add_parser("import", help="import data files")
        existing.set_defaults(_import_kinds=existing.add_subparsers(dest="import_kind", required=True,
                                                                    parser_class=Parser))
    return existing.get_default("_import_kinds")


def add_record_type(sub: Subparsers, name: str, *, help: str, description: str, formats: Sequence[str],
                    format_help: str = "", default_format: str | None = None) -> argparse.ArgumentParser:
    """Add `safecity import <name>` with the framework's arguments; the app may add its own to the parser."""
    parser: argparse.ArgumentParser = _kinds(sub).add_parser(name, help=help, description=description)
    parser.add_argument("file", help="file to import")
    parser.add_argument("--agency", required=True, metavar="ORI", help="ORI of the agency the data belongs to")
    parser.add_argument("--format", required=default_format is None, default=default_format, dest="fmt",
                        help=format_help or None, choices=list(formats))
    parser.add_argument("--mapping", type=Path, help="mapping file (JSON or TOML)")
    parser.add_argument("--dry-run", action="store_true", help="check every row and report; write nothing")
    parser.add_argument("--strict", action="store_true", help="import nothing if any row is rejected")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
                        help=f"rows per committed batch (default {DEFAULT_BATCH_SIZE})")
    parser.add_argument("--error-report", type=Path, metavar="PATH",
                        help="where to write rejected rows as CSV (default FILE.errors.csv)")
    parser.set_defaults(func=cmd_import, record_type=name)
    return parser


def _show_progress() -> bool:
    # A bar is for a person watching; CI logs and pipes get only the summary line.
    return sys.stderr.isatty() and not os.environ.get("CI")


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CLIError(f"FILE: {path} does not exist or is not a file")
    if args.batch_size < 1:
        raise CLIError("--batch-size: must be at least 1")
    setup_django()
    from safecity.core.actors import CLI
    from safecity.core.importing import spec
    from safecity.core.importing.errors import ImportFailure, error_report_csv, is_error_report
    from safecity.core.importing.runner import run_import
    from safecity.core.models import Agency

    ori = args.agency.strip().upper()
    agency = Agency.objects.filter(ori=ori).first()
    if agency is None:
        raise CLIError(f"--agency: no agency with ORI {ori!r}")
    bar = None
    if _show_progress():
        from tqdm import tqdm

        bar = tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc="importing", file=sys.stderr,
                   mininterval=0.5)

    def progress(done: int) -> None:
        if bar is not None:
            bar.update(done - bar.n)

    opts = spec.ImportOptions(path=path, agency=agency, fmt=args.fmt, mapping_path=args.mapping,
                              dry_run=args.dry_run, strict=args.strict, batch_size=args.batch_size,
                              progress=progress, actor=CLI)
    try:
        with system_context():
            result = run_import(spec.get(args.record_type), opts)
    except ImportFailure as exc:
        raise CLIError(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    report = ""
    target: Path = args.error_report or path.with_name(path.name + ".errors.csv")
    if result.errors:
        try:
            target.write_text(error_report_csv(result.errors), encoding="utf-8")
            report = f"; errors in {target}"
        except OSError as exc:
            print(f"safecity: error: --error-report: cannot write {target}: {exc.strerror or exc}",
                  file=sys.stderr)
            return ExitCode.USAGE
    elif target.is_file() and is_error_report(target):
        # A report left by an earlier run of this file would describe problems this run no longer has.
        try:
            target.unlink()
            report = f"; removed the earlier error report {target}"
        except OSError:
            pass
    prefix = "dry run: " if args.dry_run else ""
    if not args.dry_run and result.imported:
        from safecity.core import warmup

        warmup.start_background()  # the analyses of the new data, computed before anyone opens them
    if result.status == "rejected":
        print(f"{prefix}strict: {result.rejected} of {result.rows_read} rows rejected, nothing imported{report}")
    else:
        print(f"{prefix}{result.summary()}{report}")
    return result.exit_code
