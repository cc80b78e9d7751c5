"""`safecity import stops`: stops in the Stanford Open Policing schema, on the importer framework.

By default the file has the OPP's standard column names (`raw_row_number` is the stop's id; `date`, `time`,
`lat`, `lng`, `subject_race`, …, see `stops_opp.OPP_FIELDS`); any OPP column may be absent and counts as not
recorded, except the id, `date` and `subject_race`. A mapping file (TOML or JSON, like incidents'
`data/mappings/`) names other columns and recodes values, e.g. a city's race codes to OPP values::

    name = "Riverton RMS stop export"
    date_format = "%m/%d/%Y"          # strptime; default %Y-%m-%d
    time_format = "%H%M"              # default HH:MM or HH:MM:SS
    [columns]                          # OPP field = the file's column
    stop_id = "STOP_NO"
    date = "STOP_DATE"
    subject_race = "RACE_CD"
    [values.subject_race]              # the file's value = OPP value (matched ignoring case)
    B = "black"
    W = "white"

The OPP value rules (Hispanic overrides race, ages outside 10–110 → NA, strictest outcome, contraband NA
without a known search, a search with no basis → probable cause) are in `stops_opp.standardise`. District
and beat come from the file (codes) or, when not given, from lat/lng (`core.geo.AreaIndex`); the officer is
linked by `officer_id` = the roster's employee id. Rows are keyed by the stop id: re-running a file changes
nothing, a changed row is updated in place with its before/after history.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from safecity.core.importing.csvplan import CsvPlan, CsvRecord
from safecity.core.importing.errors import RowError, RowRejected
from safecity.core.importing.reading import SourceInfo
from safecity.core.importing.spec import Format, ImportOptions, PreviewColumn, RecordType
from safecity.core.importing.store import ModelStore
from safecity.core.roles import Module
from safecity.policing.import_columns import ColumnMapping, read_mapping_file
from safecity.policing.models import Stop, StopImportBatch, StopImportRowError
from safecity.policing.stops_opp import OPP_FIELDS, ValueProblems, is_missing, standardise

__all__ = ["STOPS", "StopImport", "StopMapping", "StopPlan", "load_stop_mapping"]

MAPPINGS_DIR = Path(__file__).resolve().parent / "data" / "mappings"
KEY = "stop_id"
DEFAULT_KEY_COLUMN = "raw_row_number"  # the OPP's id of a row
REQUIRED = ("date", "subject_race")
# What the store fingerprints and writes (FKs by their id columns).
FIELDS = ("date", "time", "location", "lat", "lng", "district_id", "beat_id", "subject_race", "subject_sex",
          "subject_age", "type", "officer_id", "reason_for_stop", "violation", "arrest_made", "citation_issued",
          "warning_issued", "outcome", "frisk_performed", "search_conducted", "search_person", "search_vehicle",
          "search_basis", "contraband_found", "contraband_drugs", "contraband_weapons", "contraband_other")


class StopMapping(ColumnMapping):
    """Which column holds each OPP field and how its values are recoded (the default: OPP names as they are)."""

    FORMATS: ClassVar[dict[str, str]] = {"date_format": "%Y-%m-%d", "time_format": ""}
    FIELD_WORD: ClassVar[str] = "OPP field"
    VALUE_WORD: ClassVar[str] = "OPP value"

    def __init__(self, spec: dict[str, Any], label: str) -> None:
        super().__init__(spec, label, sorted({KEY, *OPP_FIELDS}))

    def column(self, field: str) -> str:
        if field == KEY:
            return self.explicit.get(KEY, DEFAULT_KEY_COLUMN)
        return self.explicit.get(field, field)


def load_stop_mapping(path: Path | None, label: str = "--mapping") -> StopMapping:
    return StopMapping(read_mapping_file(path, label) if path else {}, label)


class StopPlan(CsvPlan):
    key_label = "stop id"
    layout: ClassVar[str] = "Stanford Open Policing stops"

    def __init__(self, opts: ImportOptions, info: SourceInfo) -> None:
        from django.utils import timezone

        from safecity.core.geo import AreaIndex
        from safecity.core.models import Beat, District
        from safecity.policing import selectors

        self.mapping = load_stop_mapping(opts.mapping_path, opts.mapping_label)
        self.key_column = self.mapping.column(KEY)  # type: ignore[misc]  # per run: the mapping names it
        # Only the id and the two required fields must be columns of the file; every other OPP column may be
        # absent (not recorded), but a column a mapping names explicitly must be there.
        must = [self.key_column, *(self.mapping.column(f) for f in REQUIRED)]
        must += [c for f, c in self.mapping.explicit.items() if f != KEY and c not in must]
        self.columns = tuple(dict.fromkeys(must))  # type: ignore[misc]  # per run: the mapping names them
        agency = opts.agency
        self.today = timezone.localdate()
        # Everything parse() needs from the database is read once here (the parsing may run in a fork).
        self.districts = dict(District.objects.filter(agency=agency).values_list("code", "pk"))
        self.beats = {code: (pk, district) for code, pk, district in
                      Beat.objects.filter(agency=agency).values_list("code", "pk", "district_id")}
        self.officers = selectors.officer_ids_by_employee_id(actor=opts.actor, agency=agency)
        self.areas = AreaIndex(agency)
        super().__init__(opts, info, ModelStore(Stop, agency, KEY, FIELDS, batch_field="import_batch"))
        self.expected = (f"a CSV of stops with the columns of the Stanford Open Policing schema "
                         f"({', '.join(self.columns)})" if opts.mapping_path is None else
                         f"a CSV with the columns of mapping {opts.mapping_path.name} ({', '.join(self.columns)})")

    def parse(self, line: int, row: dict[str, str]) -> dict[str, Any]:
        mapping = self.mapping
        raw: dict[str, str] = {}
        origin: dict[str, str] = {}  # OPP field → the file's column, for messages
        for field in OPP_FIELDS:
            column = mapping.column(field)
            if column in row:
                raw[field] = mapping.recode(field, row[column])
                origin[field] = column
        errors: list[RowError] = []
        try:
            values = standardise(raw, date_format=mapping.date_format, time_format=mapping.time_format,
                                 today=self.today)
        except ValueProblems as exc:
            values = {}
            errors += [RowError(line, origin.get(p.field, p.field), row.get(origin.get(p.field, ""), p.value),
                                p.reason) for p in exc.problems]
        # The codes are checked even when a value above is bad, so one pass names every problem of the row.
        district_code, beat_code, employee = (
            "" if is_missing(raw.get(f, "")) else raw.get(f, "").strip() for f in ("district", "beat", "officer_id"))
        district_id: int | None = None
        beat_id: int | None = None
        if beat_code:
            found = self.beats.get(beat_code)
            if found is None:
                errors.append(RowError(line, origin["beat"], beat_code, "no beat with this code in the agency"))
            else:
                beat_id, district_id = found
        if district_code:
            district_id = self.districts.get(district_code)
            if district_id is None:
                errors.append(RowError(line, origin["district"], district_code,
                                       "no district with this code in the agency"))
        officer_id: int | None = None
        if employee:
            officer_id = self.officers.get(employee)
            if officer_id is None:
                errors.append(RowError(line, origin["officer_id"], employee,
                                       "no officer with this employee id in the agency's roster"))
        if errors:
            raise RowRejected(errors)
        for key in ("district_code", "beat_code", "officer_employee_id"):
            values.pop(key)
        if not district_code and not beat_code and values["lat"] is not None:
            district, beat = self.areas.locate(values["lng"], values["lat"])
            district_id = district.pk if district is not None else None
            beat_id = beat.pk if beat is not None else None
        values.update(district_id=district_id, beat_id=beat_id, officer_id=officer_id)
        return values

    def preview(self, prepared: CsvRecord) -> dict[str, Any]:
        v = prepared.values
        when = v["date"].isoformat() if isinstance(v["date"], dt.date) else ""
        if v["time"] is not None:
            when += f" {v['time']:%H:%M}"
        return {"line": prepared.line, "key": prepared.key, "when": when, "subject_race": v["subject_race"],
                "type": v["type"], "search": {True: "yes", False: "no", None: "NA"}[v["search_conducted"]],
                "outcome": v["outcome"] or "none"}


class StopImport(RecordType):
    name = "stops"
    noun = "stop"
    plural = "stops"
    module = Module.POLICING
    url_namespace = "policing_stops_import"
    formats = (Format("opp", "Stanford Open Policing schema (CSV; other columns and codes through a mapping)"),)
    preview_columns = (
        PreviewColumn("line", "Line"), PreviewColumn("key", "Stop id"), PreviewColumn("when", "Date and time"),
        PreviewColumn("subject_race", "Race"), PreviewColumn("type", "Type"), PreviewColumn("search", "Searched"),
        PreviewColumn("outcome", "Outcome"),
    )
    history_model = Stop

    @property
    def batch_model(self) -> type[StopImportBatch]:
        return StopImportBatch

    @property
    def error_model(self) -> type[StopImportRowError]:
        return StopImportRowError

    def plan(self, opts: ImportOptions, info: SourceInfo) -> StopPlan:
        return StopPlan(opts, info)


STOPS = StopImport()
