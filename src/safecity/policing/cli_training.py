"""`safecity import training|officers FILE --agency ORI`: the importer framework's commands for training
attendance and the officer roster."""

from __future__ import annotations

from safecity.core.cli import Subparsers
from safecity.core.importing.cli import add_record_type


def register(sub: Subparsers) -> None:
    add_record_type(
        sub, "training", help="import training attendance (completions) from a CSV", formats=("csv",),
        default_format="csv",
        description="Import training completions: a CSV with employee_id, course_code, completed_on "
                    "(YYYY-MM-DD) and hours (empty = the course's hours), optionally score and passed. Re-running "
                    "the same file changes nothing; rejected rows (unknown officer or course, bad date or hours) "
                    "are listed in the error report with line, column, value and reason. Exit code 0: every row "
                    "is in; 1: some rows were rejected; 2: nothing imported or the run could not start.")
    add_record_type(
        sub, "officers", help="import the officer roster from a CSV", formats=("csv",), default_format="csv",
        description="Import officers keyed by employee_id: a CSV with employee_id, last_name, first_name, "
                    "badge_number, rank, unit_code, status, hire_date, separation_date. A unit or rank change "
                    "starts a new assignment on the import date. Re-running the same file changes nothing; "
                    "rejected rows are listed in the error report. Exit code 0: every row is in; 1: some rows "
                    "were rejected; 2: nothing imported or the run could not start.")
