"""Body-worn camera recordings' metadata as a record type of the importer framework:
`safecity import recordings FILE --agency ORI [--mapping M]`.

A CSV with one recording per row, as an evidence system exports it. Columns: `external_id` (the evidence
system's id of the recording: the key), `started` and `ended` (ISO 8601 with or without a UTC offset, or
MM/DD/YYYY HH:MM[:SS]; without an offset, the city's local time), `category` (the retention category, one of
the rule pack `policing.bwc_retention`'s: it decides how long the recording is kept), and `camera_serial` and/or
`employee_id` (the file needs at least one of the two columns, each row at least one value). Optional:
`cad_number`. When only the camera is given, the officer is the one the camera was issued to when the recording
started; when only the officer is given, the camera is the one issued to them then (or none). A mapping names
other columns and recodes a vendor's categories (`import_columns`).

Re-importing a file changes nothing; a changed row updates the recording in place (its legal hold and purge
marks stay) with its before/after history. Rows are written by `policing.actions.recordings_import`, an
audited action run inside each batch's transaction. Everything parsing needs from the database (the agency's
officers, cameras, camera assignments) is read once when the plan is made.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from safecity.core.actors import Actor
from safecity.core.importing.csvplan import CsvPlan, CsvRecord
from safecity.core.importing.errors import ImportFailure, RowError, RowRejected
from safecity.core.importing.reading import CsvSource, SourceInfo
from safecity.core.importing.spec import Encoded, Format, ImportOptions, PreviewColumn, RecordType, Rows
from safecity.core.importing.store import ModelStore
from safecity.core.roles import Module
from safecity.policing import actions
from safecity.policing.actions.cameras import MAX_RECORDING
from safecity.policing.import_columns import load_mapping, parse_timestamp
from safecity.policing.models import (
    Camera,
    CameraAssignment,
    Officer,
    Recording,
    RecordingImportBatch,
    RecordingImportRowError,
)
from safecity.policing.retention import categories
from safecity.policing.vocab import RecordingCategory

FIELDS = ("camera_id", "officer_id", "started", "ended", "category", "cad_number")
READS = ("external_id", "camera_serial", "employee_id", "started", "ended", "category", "cad_number")
REQUIRED = ("external_id", "started", "ended", "category")
CATEGORY_LABELS = {str(label).lower(): value for value, label in RecordingCategory.choices}

# (start, end or None, who): one camera's assignments, or one officer's, sorted by start.
Spans = list[tuple[dt.datetime, dt.datetime | None, int]]


def _holder(spans: Spans, at: dt.datetime) -> int | None:
    """Who held the camera (or which camera the officer held) at `at`: issue ≤ at < return."""
    i = bisect.bisect_right([s[0] for s in spans], at) - 1
    if i < 0:
        return None
    _, returned, who = spans[i]
    return who if returned is None or at < returned else None


class RecordingStore(ModelStore):
    """`ModelStore`'s lookup and fingerprint; the writes go through the audited action."""

    def __init__(self, agency: Any, actor: Actor) -> None:
        super().__init__(Recording, agency, "external_id", FIELDS, batch_field="import_batch")
        self.actor = actor

    def write(self, new: list[Encoded], changed: list[tuple[int, Encoded]], batch_id: int | None) -> None:
        actions.recordings_import(actor=self.actor, agency=self.agency, batch_id=batch_id,
                                  new=[{"external_id": e[0], **e[3]} for e in new],
                                  changed={pk: {"external_id": e[0], **e[3]} for pk, e in changed})


class RecordingPlan(CsvPlan):
    key_label = "recording id"
    layout: ClassVar[str] = "body-worn camera recordings"

    def __init__(self, opts: ImportOptions, info: SourceInfo) -> None:
        agency = opts.agency
        self.mapping = load_mapping(opts.mapping_path, opts.mapping_label, READS)
        self.key_column = self.mapping.column("external_id")  # type: ignore[misc]  # per run: the mapping names it
        self.columns = tuple(self.mapping.column(f) for f in REQUIRED)  # type: ignore[misc]
        self.who = (self.mapping.column("camera_serial"), self.mapping.column("employee_id"))
        super().__init__(opts, info, RecordingStore(agency, opts.actor))
        self.expected = (f"a CSV of body-worn camera recordings ({', '.join(self.columns)} and "
                         f"{' or '.join(self.who)})")
        self.ori = agency.ori
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.now = timezone.now()
        self.categories = categories()
        self.officers = dict(Officer.objects.filter(agency=agency).values_list("employee_id", "pk"))
        self.cameras = dict(Camera.objects.filter(agency=agency).values_list("serial", "pk"))
        self.employee_ids = {pk: emp for emp, pk in self.officers.items()}
        self.serials = {pk: serial for serial, pk in self.cameras.items()}
        by_camera: dict[int, Spans] = defaultdict(list)
        by_officer: dict[int, Spans] = defaultdict(list)
        for camera, officer, start, end in CameraAssignment.objects.filter(agency=agency).order_by("started") \
                .values_list("camera_id", "officer_id", "started", "ended"):
            by_camera[camera].append((start, end, officer))
            by_officer[officer].append((start, end, camera))
        self.by_camera, self.by_officer = dict(by_camera), dict(by_officer)

    def source(self) -> Rows:
        rows = super().source()  # refuses a file without the required columns
        peek = CsvSource(self.info)
        next(peek.rows(), None)
        if not set(self.who) & set(peek.header):
            raise ImportFailure("FILE", f"this does not look like {self.expected}: it needs a column "
                                        f"{self.who[0]!r} or {self.who[1]!r} saying whose recording it is")
        return rows

    def parse(self, line: int, row: dict[str, str]) -> dict[str, Any]:
        get, column = self.mapping.get, self.mapping.column
        errors: list[RowError] = []

        def problem(field: str, reason: str, value: str | None = None) -> None:
            errors.append(RowError(line, column(field), row.get(column(field), "") if value is None else value,
                                   reason))

        if len(get(row, "external_id")) > 60:
            problem("external_id", "at most 60 characters")
        times: dict[str, dt.datetime | None] = {}
        for field in ("started", "ended"):
            times[field] = None
            if not get(row, field):
                problem(field, "this column is required")
                continue
            try:
                times[field] = parse_timestamp(get(row, field), self.tz, self.mapping.timestamp_format)
            except ValueError as exc:
                problem(field, str(exc))
        started, ended = times["started"], times["ended"]
        if started is not None and started > self.now:
            problem("started", "in the future")
        if started is not None and ended is not None:
            if ended <= started:
                problem("ended", "must be after the start")
            elif ended - started >= MAX_RECORDING:
                problem("ended", f"the recording would last {_span(ended - started)}; 24 hours or more is not "
                                 "plausible for a body-worn camera (check the dates)")
        category = get(row, "category")
        slug = category.lower().replace(" ", "_").replace("-", "_")
        category = slug if slug in self.categories else CATEGORY_LABELS.get(category.lower(), category)
        if category not in self.categories:
            problem("category", f"unknown category; use one of {', '.join(self.categories)}")
        cad = get(row, "cad_number")
        if len(cad) > 40:
            problem("cad_number", "at most 40 characters")
        serial, employee = get(row, "camera_serial"), get(row, "employee_id")
        camera_id = self.cameras.get(serial) if serial else None
        officer_id = self.officers.get(employee) if employee else None
        if serial and camera_id is None:
            problem("camera_serial", f"no camera with this serial at {self.ori}")
        if employee and officer_id is None:
            problem("employee_id", f"no officer with this employee id at {self.ori}")
        if not serial and not employee:
            problem("employee_id", "give the officer's employee id or the camera's serial", "")
        elif started is not None:
            if officer_id is None and camera_id is not None:
                officer_id = _holder(self.by_camera.get(camera_id, []), started)
                if officer_id is None:
                    problem("camera_serial", "the camera was not issued to anyone when the recording started "
                                             f"({timezone.localtime(started):%Y-%m-%d %H:%M}); give the "
                                             "officer's employee id")
            elif camera_id is None and officer_id is not None and not serial:
                camera_id = _holder(self.by_officer.get(officer_id, []), started)
        if errors:
            raise RowRejected(errors)
        return {"camera_id": camera_id, "officer_id": officer_id, "started": started, "ended": ended,
                "category": category, "cad_number": cad}

    def preview(self, prepared: CsvRecord) -> dict[str, Any]:
        v = prepared.values
        return {"line": prepared.line, "key": prepared.key,
                "officer": self.employee_ids.get(v["officer_id"], ""), "camera": self.serials.get(v["camera_id"], ""),
                "started": f"{timezone.localtime(v['started']):%Y-%m-%d %H:%M}",
                "minutes": round((v["ended"] - v["started"]).total_seconds() / 60, 1), "category": v["category"]}


def _span(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


class RecordingImport(RecordType):
    name = "recordings"
    noun = "camera recording"
    plural = "camera recordings"
    module = Module.POLICING
    rights = ("add", "change")
    url_namespace = "policing_recordings_import"
    formats = (Format("csv", "Recording metadata (CSV: external_id, started, ended, category, camera_serial and/or "
                             "employee_id, cad_number)"),)
    preview_columns = (PreviewColumn("line", "Line"), PreviewColumn("key", "Recording id"),
                       PreviewColumn("officer", "Officer employee id"), PreviewColumn("camera", "Camera serial"),
                       PreviewColumn("started", "Started"), PreviewColumn("minutes", "Minutes"),
                       PreviewColumn("category", "Category"))
    history_model = Recording

    @property
    def batch_model(self) -> type[RecordingImportBatch]:
        return RecordingImportBatch

    @property
    def error_model(self) -> type[RecordingImportRowError]:
        return RecordingImportRowError

    def plan(self, opts: ImportOptions, info: SourceInfo) -> RecordingPlan:
        return RecordingPlan(opts, info)


RECORDINGS_IMPORT = RecordingImport()
