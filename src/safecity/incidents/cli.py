"""`safecity import incidents FILE --agency ORI --format …`: the importer framework's command
(`core.importing.cli`) for the incident record type."""

from __future__ import annotations

from safecity.core.cli import Subparsers
from safecity.core.importing.cli import add_record_type

# Same as importers.FORMATS; not imported from there because that needs Django set up first.
FORMATS = ("nibrs", "chicago", "nypd", "lapd", "code", "csv")
FORMAT_HELP = ("nibrs = FBI NIBRS flat file; chicago, nypd, lapd = those cities' open-data exports; "
               "nypd_hate = NYPD hate crimes (one row per arrest or bias motive, grouped by complaint); "
               "code = Crime Open Database; csv = any table described by --mapping")


def register(sub: Subparsers) -> None:
    add_record_type(
        sub, "incidents", help="import incidents from a file", formats=FORMATS, format_help=FORMAT_HELP,
        description="Import incidents. Re-running the same file changes nothing; rejected rows are listed "
                    "in the error report (line, field, value, reason). Exit code 0: every row is in; "
                    "1: some rows were rejected; 2: nothing imported or the run could not start.")
<<<<<<< HEAD
    incidents.add_argument("file", help="file to import")
    incidents.add_argument("--agency", required=True, metavar="ORI", help="ORI of the agency the data belongs to")
    incidents.add_argument("--format", required=True, dest="fmt", help=FORMAT_HELP,
                           choices=["nibrs", "chicago", "nypd", "nypd_hate", "lapd", "code", "csv"])
    incidents.add_argument("--mapping", type=Path, help="mapping file (JSON or TOML); required for --format csv")
    incidents.add_argument("--dry-run", action="store_true", help="check every row and report; write nothing")
    incidents.add_argument("--strict", action="store_true", help="import nothing if any row is rejected")
    incidents.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
                           help=f"rows per committed batch (default {DEFAULT_BATCH_SIZE})")
    incidents.add_argument("--error-report", type=Path, metavar="PATH",
                           help="where to write rejected rows as CSV (default FILE.errors.csv)")
    incidents.set_defaults(func=cmd_import_incidents)


def _show_progress() -> bool:
    # A bar is for a person watching; CI logs and pipes get only the summary line.
    return sys.stderr.isatty() and not os.environ.get("CI")


def cmd_import_incidents(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CLIError(f"FILE: {path} does not exist or is not a file")
    if args.batch_size < 1:
        raise CLIError("--batch-size: must be at least 1")
    setup_django()
    from safecity.core.actors import CLI
    from safecity.core.models import Agency
    from safecity.incidents.importers import ImportFailure, ImportOptions, error_report_csv, run_import

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

    opts = ImportOptions(path=path, agency=agency, fmt=args.fmt, mapping_path=args.mapping,
                         dry_run=args.dry_run, strict=args.strict, batch_size=args.batch_size,
                         progress=progress, actor=CLI)
    try:
        with system_context():
            result = run_import(opts)
    except ImportFailure as exc:
        raise CLIError(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    report = ""
    if result.errors:
        target = args.error_report or path.with_name(path.name + ".errors.csv")
        try:
            target.write_text(error_report_csv(result.errors), encoding="utf-8")
            report = f"; errors in {target}"
        except OSError as exc:
            print(f"safecity: error: --error-report: cannot write {target}: {exc.strerror or exc}",
                  file=sys.stderr)
            return ExitCode.USAGE
    elif args.error_report is None and not args.dry_run:
        # A clean run leaves no FILE.errors.csv from an earlier run to be mistaken for this one's (issue 8).
        stale = path.with_name(path.name + ".errors.csv")
        if stale.is_file():
            try:
                stale.unlink()
                report = f"; removed the previous run's {stale.name}"
            except OSError as exc:
                report = f"; could not remove the previous run's {stale.name}: {exc.strerror or exc}"
    prefix = "dry run: " if args.dry_run else ""
    if result.status == "rejected":
        print(f"{prefix}strict: {result.rejected} of {result.rows_read} rows rejected, nothing imported{report}")
    else:
        print(f"{prefix}{result.summary()}{report}")
    return result.exit_code
=======
>>>>>>> kit-importer
