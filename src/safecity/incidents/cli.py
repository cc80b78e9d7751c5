"""`safecity import incidents FILE --agency ORI --format …`: the importer framework's command
(`core.importing.cli`) for the incident record type."""

from __future__ import annotations

from safecity.core.cli import Subparsers
from safecity.core.importing.cli import add_record_type

# Same as importers.FORMATS; not imported from there because that needs Django set up first.
FORMATS = ("nibrs", "chicago", "nypd", "nypd_hate", "lapd", "code", "csv")
FORMAT_HELP = ("nibrs = FBI NIBRS flat file; chicago, nypd, lapd = those cities' open-data exports; "
               "nypd_hate = NYPD hate crimes (one row per arrest or bias motive, grouped by complaint); "
               "code = Crime Open Database; csv = any table described by --mapping")


def register(sub: Subparsers) -> None:
    add_record_type(
        sub, "incidents", help="import incidents from a file", formats=FORMATS, format_help=FORMAT_HELP,
        description="Import incidents. Re-running the same file changes nothing; rejected rows are listed "
                    "in the error report (line, field, value, reason). Exit code 0: every row is in; "
                    "1: some rows were rejected; 2: nothing imported or the run could not start.")
