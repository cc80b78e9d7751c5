"""`safecity import recordings FILE --agency ORI [--mapping M]`: the importer framework's command for body-worn
camera recordings' metadata (`policing.importers_recordings`)."""

from __future__ import annotations

from safecity.core.cli import Subparsers
from safecity.core.importing.cli import add_record_type


def register(sub: Subparsers) -> None:
    add_record_type(
        sub, "recordings", help="import body-worn camera recordings' metadata from a CSV", formats=("csv",),
        default_format="csv",
        description="Import recordings keyed by the evidence system's id: a CSV with external_id, started, ended "
                    "(local time unless a UTC offset is given), category (a retention category), and "
                    "camera_serial and/or employee_id; optionally cad_number. Other column names and category "
                    "codes through --mapping (TOML or JSON). Re-running the same file changes nothing; rejected "
                    "rows are listed in the error report (line, column, value, reason). Exit code 0: every row "
                    "is in; 1: some rows were rejected; 2: nothing imported or the run could not start.")
