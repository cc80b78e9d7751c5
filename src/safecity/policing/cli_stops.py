"""`safecity import stops FILE --agency ORI [--mapping F] [--dry-run]`: the importer framework's command
(`core.importing.cli`) for stops in the Stanford Open Policing schema (`policing.imports_stops`)."""

from __future__ import annotations

from safecity.core.cli import Subparsers
from safecity.core.importing.cli import add_record_type


def register(sub: Subparsers) -> None:
    add_record_type(
        sub, "stops", help="import police stops (Stanford Open Policing schema)", formats=("opp",),
        default_format="opp",
        format_help="opp = the Stanford Open Policing standard columns; other column names and value codes "
                    "through --mapping (TOML or JSON)",
        description="Import stops. The file has the Stanford Open Policing column names (raw_row_number, date, "
                    "time, lat, lng, subject_race, …) unless --mapping names others. Re-running the same file "
                    "changes nothing; rejected rows are listed in the error report (line, field, value, reason). "
                    "Exit code 0: every row is in; 1: some rows were rejected; 2: nothing imported or the run "
                    "could not start.")
