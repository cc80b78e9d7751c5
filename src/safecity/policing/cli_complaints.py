"""`safecity import complaints FILE --agency ORI`: the importer framework's command for complaints and their
allegations (`policing.importers_complaints`)."""

from __future__ import annotations

from safecity.core.cli import Subparsers
from safecity.core.importing.cli import add_record_type


def register(sub: Subparsers) -> None:
    add_record_type(
        sub, "complaints", help="import complaints (one row per allegation) from a CSV", formats=("csv",),
        default_format="csv",
        description="Import complaints keyed by the agency's complaint_number: one row per allegation with "
                    "complaint_number, received_on, source, employee_id (the accused officer) and category; "
                    "optionally finding, finding_date, discipline, status, closed_on, occurred_on, channel and "
                    "the complainant's details (kept only in the complainant record, never in the report). "
                    "Rows with the same number make one complaint. Re-running the same file changes nothing; "
                    "rejected rows are listed in the error report. Exit code 0: every complaint is in; 1: some "
                    "were rejected; 2: nothing imported or the run could not start.")
