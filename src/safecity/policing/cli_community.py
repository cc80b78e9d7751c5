"""`safecity import surveys`: resident survey results (see `policing.import_surveys`)."""

from __future__ import annotations

from safecity.core.cli import Subparsers
from safecity.core.importing.cli import add_record_type


def register(sub: Subparsers) -> None:
    add_record_type(
        sub, "surveys", help="import resident survey results from a CSV", formats=("csv",), default_format="csv",
        description="Import survey results: one row per wave, district and item with the columns wave, district, "
                    "item, n, agree (agree: a count, or a percentage such as 62.5%%). The wave must exist. "
                    "Re-running the same file changes nothing. Exit code 0: every row is in; 1: some rows were "
                    "rejected; 2: nothing imported or the run could not start.")
