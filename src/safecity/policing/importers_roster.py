"""The officer roster as a record type of the importer framework: `safecity import officers FILE --agency ORI`.

A CSV with one officer per row and the columns `employee_id` (the key: the agency's permanent personnel
number), `last_name`, `first_name`, `badge_number`, `rank` (a `Rank` value: officer, sergeant, …),
`unit_code` (a unit of the agency, or empty), `status` (active, leave, restricted, suspended, separated),
`hire_date` and `separation_date` (YYYY-MM-DD or MM/DD/YYYY, may be empty; required when separated).
Re-importing a file changes nothing; a changed row updates the officer in place with its history.

The assignment history follows the file (`RosterStore`): a new officer with a unit gets a first assignment
from the hire date; an officer whose unit or rank changes gets the open assignment ended the day before the
import and a new one starting on the import date. A move with an earlier date goes through the reassignment
page instead. Demographics (sex, race, birth year) and the account link are not imported.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safecity.core.importing.csvplan import CsvPlan
from safecity.core.importing.errors import RowError, RowRejected
from safecity.core.importing.reading import SourceInfo
from safecity.core.importing.spec import Encoded, Format, ImportOptions, PreviewColumn, RecordType
from safecity.core.importing.store import ModelStore
from safecity.core.roles import Module
from safecity.policing.models import (
    Assignment,
    Officer,
    OfficerStatus,
    Rank,
    RosterImportBatch,
    RosterImportRowError,
    Unit,
)

FIELDS = ("last_name", "first_name", "badge_number", "rank", "unit_id", "status", "hire_date", "separation_date")


def _date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007  (a calendar date)
        except ValueError:
            continue
    return None


class RosterStore(ModelStore):
    """`ModelStore` for officers that keeps the assignment history in step with the file's unit and rank."""

    def write(self, new: list[Encoded], changed: list[tuple[int, Encoded]], batch_id: int | None) -> None:
        today = timezone.localdate()
        before = {o.pk: (o.unit_id, o.rank) for o in Officer.objects.filter(pk__in=[pk for pk, _ in changed])}
        super().write(new, changed, batch_id)
        rows: list[Assignment] = []
        if new:
            created = Officer.objects.filter(agency=self.agency, employee_id__in=[e[0] for e in new],
                                             unit__isnull=False)
            rows += [Assignment(agency=self.agency, officer=o, unit_id=o.unit_id, rank=o.rank,
                                started=o.hire_date or today) for o in created]
        moved = [pk for pk, e in changed
                 if e[3]["unit_id"] is not None and (e[3]["unit_id"], e[3]["rank"]) != before.get(pk)]
        for officer in Officer.objects.filter(pk__in=moved):
            current = officer.assignments.filter(ended__isnull=True).order_by("-started").first()
            if current is not None and current.started >= today:
                current.unit_id, current.rank = officer.unit_id, officer.rank
                current.save(update_fields=["unit", "rank", "last_updated"])
                continue
            if current is not None:
                current.ended = today - dt.timedelta(days=1)
                current.save(update_fields=["ended", "last_updated"])
            rows.append(Assignment(agency=self.agency, officer=officer, unit_id=officer.unit_id, rank=officer.rank,
                                   started=today))
        Assignment.objects.bulk_create(rows)


class RosterPlan(CsvPlan):
    columns = ("employee_id", "last_name", "first_name", "badge_number", "rank", "unit_code", "status", "hire_date",
               "separation_date")
    key_column = "employee_id"
    key_label = "employee id"
    layout = "an officer roster"

    def __init__(self, opts: ImportOptions, info: SourceInfo, store: ModelStore) -> None:
        super().__init__(opts, info, store)
        self.ori = opts.agency.ori
        self.units = dict(Unit.objects.filter(agency=opts.agency).values_list("code", "id"))
        self.unit_codes = {pk: code for code, pk in self.units.items()}
        self.today = timezone.localdate()

    def parse(self, line: int, row: dict[str, str]) -> dict[str, Any]:
        errors: list[RowError] = []
        for column in ("last_name", "first_name"):
            if not row[column].strip():
                errors.append(RowError(line, column, "", "this column is required"))
        rank = row["rank"].strip().lower()
        if rank not in Rank.values:
            errors.append(RowError(line, "rank", row["rank"], f"not one of {', '.join(Rank.values)}"))
        status = row["status"].strip().lower() or OfficerStatus.ACTIVE
        if status not in OfficerStatus.values:
            errors.append(RowError(line, "status", row["status"], f"not one of {', '.join(OfficerStatus.values)}"))
        code = row["unit_code"].strip().upper()
        unit_id = self.units.get(code) if code else None
        if code and unit_id is None:
            errors.append(RowError(line, "unit_code", row["unit_code"], f"no unit with this code at {self.ori}"))
        dates: dict[str, dt.date | None] = {}
        for column in ("hire_date", "separation_date"):
            raw = row[column].strip()
            dates[column] = _date(raw) if raw else None
            if raw and dates[column] is None:
                errors.append(RowError(line, column, raw, "not a date (YYYY-MM-DD or MM/DD/YYYY)"))
            elif dates[column] is not None and dates[column] > self.today:  # type: ignore[operator]
                errors.append(RowError(line, column, raw, "in the future"))
        if status == OfficerStatus.SEPARATED and not row["separation_date"].strip():
            errors.append(RowError(line, "separation_date", "", "required when the status is separated"))
        if errors:
            raise RowRejected(errors)
        return {"last_name": row["last_name"].strip(), "first_name": row["first_name"].strip(),
                "badge_number": row["badge_number"].strip(), "rank": rank, "unit_id": unit_id, "status": status,
                "hire_date": dates["hire_date"], "separation_date": dates["separation_date"]}

    def preview(self, prepared: Any) -> dict[str, Any]:
        values = prepared.values
        return {"line": prepared.line, "key": prepared.key,
                "name": f"{values['last_name']}, {values['first_name']}", "rank": values["rank"],
                "unit": self.unit_codes.get(values["unit_id"], ""), "status": values["status"]}


class RosterImport(RecordType):
    name = "officers"
    noun = "officer"
    plural = "officers"
    module = Module.POLICING
    rights = ("add", "change")
    url_namespace = "policing_roster_import"
    formats = (Format("csv", "Officer roster (CSV: employee_id, names, badge, rank, unit_code, status, dates)"),)
    preview_columns = (PreviewColumn("line", "Line"), PreviewColumn("key", "Employee id"),
                       PreviewColumn("name", "Name"), PreviewColumn("rank", "Rank"), PreviewColumn("unit", "Unit"),
                       PreviewColumn("status", "Status"))
    history_model = Officer

    @property
    def batch_model(self) -> type[RosterImportBatch]:
        return RosterImportBatch

    @property
    def error_model(self) -> type[RosterImportRowError]:
        return RosterImportRowError

    def plan(self, opts: ImportOptions, info: SourceInfo) -> RosterPlan:
        return RosterPlan(opts, info, RosterStore(Officer, opts.agency, "employee_id", FIELDS))


OFFICERS_IMPORT = RosterImport()
