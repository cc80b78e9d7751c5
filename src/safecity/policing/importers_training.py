"""Training attendance as a record type of the importer framework: `safecity import training FILE --agency ORI`.

A CSV with one completion per row. Required columns: `employee_id` (the agency's personnel number),
`course_code` (a course of the agency, see /m/policing/training/courses/), `completed_on` (YYYY-MM-DD or
MM/DD/YYYY) and `hours` (hours credited; empty = the course's hours). Optional: `score` (0–100) and `passed`
(yes/no, true/false, 1/0; default yes). A row is keyed by employee id + course code + date, so re-importing a
file changes nothing and a corrected row updates the stored one (with its before/after history). An unknown
officer or course rejects the row naming its line and column; the other rows go in.

The officers and courses of the agency are read once when the plan is made (a plan must not touch the
database while the file is parsed, which may happen in a forked process).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from safecity.core.importing.csvplan import CsvPlan, CsvRecord
from safecity.core.importing.errors import RowError, RowRejected
from safecity.core.importing.reading import SourceInfo
from safecity.core.importing.spec import Format, ImportOptions, PreviewColumn, RecordType
from safecity.core.importing.store import ModelStore
from safecity.core.roles import Module
from safecity.policing.models import Attendance, Course, Officer, TrainingImportBatch, TrainingImportRowError
from safecity.policing.models.training import attendance_key

FIELDS = ("officer_id", "course_id", "completed_on", "hours", "score", "passed")
YES = {"y", "yes", "true", "1", "pass", "passed"}
NO = {"n", "no", "false", "0", "fail", "failed"}


def _date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007  (a calendar date, no time of day)
        except ValueError:
            continue
    return None


class TrainingPlan(CsvPlan):
    columns = ("employee_id", "course_code", "completed_on", "hours")
    key_column = "employee_id"
    key_label = "completion (employee id, course code, date)"
    layout = "training attendance"

    def __init__(self, opts: ImportOptions, info: SourceInfo, store: ModelStore) -> None:
        super().__init__(opts, info, store)
        agency = opts.agency
        self.ori = agency.ori
        self.officers = dict(Officer.objects.filter(agency=agency).values_list("employee_id", "id"))
        self.officer_names = {pk: emp for emp, pk in self.officers.items()}
        self.courses = {code: (pk, hours) for code, pk, hours in
                        Course.objects.filter(agency=agency).values_list("code", "id", "hours")}
        self.course_codes = {pk: code for code, (pk, _) in self.courses.items()}
        self.today = timezone.localdate()

    def _record(self, line: int, values: dict[str, str]) -> CsvRecord | RowRejected:
        try:
            parsed = self.parse(line, values)
        except RowRejected as exc:
            return exc
        key = parsed.pop("_key")
        return CsvRecord(line, key, parsed)

    def parse(self, line: int, row: dict[str, str]) -> dict[str, Any]:
        errors: list[RowError] = []
        employee = row["employee_id"].strip()
        officer_id = self.officers.get(employee)
        if not employee:
            errors.append(RowError(line, "employee_id", "", "this column is required"))
        elif officer_id is None:
            errors.append(RowError(line, "employee_id", employee, f"no officer with this employee id at {self.ori}"))
        code = row["course_code"].strip().upper()
        course = self.courses.get(code)
        if not code:
            errors.append(RowError(line, "course_code", "", "this column is required"))
        elif course is None:
            errors.append(RowError(line, "course_code", row["course_code"].strip(),
                                   f"no course with this code at {self.ori} (add it under Training → Courses)"))
        completed = _date(row["completed_on"])
        if completed is None:
            errors.append(RowError(line, "completed_on", row["completed_on"].strip(),
                                   "not a date (YYYY-MM-DD or MM/DD/YYYY)"))
        elif completed > self.today:
            errors.append(RowError(line, "completed_on", row["completed_on"].strip(), "in the future"))
        hours: Decimal | None = None
        raw_hours = row["hours"].strip()
        if raw_hours:
            try:
                hours = Decimal(raw_hours).quantize(Decimal("0.01"))
            except InvalidOperation:
                errors.append(RowError(line, "hours", raw_hours, "not a number"))
            else:
                if not Decimal("0") < hours <= Decimal("200"):
                    errors.append(RowError(line, "hours", raw_hours, "must be more than 0 and at most 200"))
        elif course is not None:
            hours = Decimal(course[1]).quantize(Decimal("0.01"))
        score: Decimal | None = None
        raw_score = (row.get("score") or "").strip()
        if raw_score:
            try:
                score = Decimal(raw_score).quantize(Decimal("0.01"))
            except InvalidOperation:
                errors.append(RowError(line, "score", raw_score, "not a number"))
            else:
                if not Decimal("0") <= score <= Decimal("100"):
                    errors.append(RowError(line, "score", raw_score, "must be between 0 and 100"))
        raw_passed = (row.get("passed") or "").strip().lower()
        if raw_passed and raw_passed not in YES | NO:
            errors.append(RowError(line, "passed", row.get("passed", ""), "not yes or no"))
        if errors:
            raise RowRejected(errors)
        assert completed is not None and course is not None
        return {"_key": attendance_key(employee, code, completed.isoformat()), "officer_id": officer_id,
                "course_id": course[0], "completed_on": completed, "hours": hours, "score": score,
                "passed": raw_passed not in NO}

    def preview(self, prepared: CsvRecord) -> dict[str, Any]:
        values = prepared.values
        return {"line": prepared.line, "employee_id": self.officer_names.get(values["officer_id"], ""),
                "course_code": self.course_codes.get(values["course_id"], ""),
                "completed_on": values["completed_on"], "hours": values["hours"],
                "passed": "yes" if values["passed"] else "no"}


class TrainingImport(RecordType):
    name = "training"
    noun = "training completion"
    plural = "training completions"
    module = Module.POLICING
    rights = ("add", "change")
    url_namespace = "policing_training_import"
    formats = (Format("csv", "Training attendance (CSV: employee_id, course_code, completed_on, hours)"),)
    preview_columns = (PreviewColumn("line", "Line"), PreviewColumn("employee_id", "Employee id"),
                       PreviewColumn("course_code", "Course"), PreviewColumn("completed_on", "Completed on"),
                       PreviewColumn("hours", "Hours"), PreviewColumn("passed", "Passed"))
    history_model = Attendance

    @property
    def batch_model(self) -> type[TrainingImportBatch]:
        return TrainingImportBatch

    @property
    def error_model(self) -> type[TrainingImportRowError]:
        return TrainingImportRowError

    def plan(self, opts: ImportOptions, info: SourceInfo) -> TrainingPlan:
        return TrainingPlan(opts, info, ModelStore(Attendance, opts.agency, "record_key", FIELDS,
                                                   batch_field="import_batch"))


TRAINING = TrainingImport()
