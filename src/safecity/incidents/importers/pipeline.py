"""Incidents as a record type of the importer framework (`safecity.core.importing`).

The framework runs every import the same way (batches, audit, idempotency, kill-safety, heartbeat, error
report, worker process, pages, API, command line); this module declares what is particular to incidents:
the formats (a NIBRS flat file, or a CSV read through a mapping), the parsing into `IncidentRec`, the
validation and derived facts (`derive.Validator`), the key (agency + incident number), the content hash and
the raw-SQL/COPY store (`store.IncidentStore`, the sanctioned fast path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from django.conf import settings

from safecity.core.actors import Actor
from safecity.core.importing import actions as batch_actions
from safecity.core.importing.errors import error_report_csv
from safecity.core.importing.reading import CsvSource, SourceInfo
from safecity.core.importing.runner import IMPORT_PRAGMAS, ImportResult, import_pragmas
from safecity.core.importing.runner import run_import as run_any
from safecity.core.importing.spec import DEFAULT_BATCH_SIZE, Format, ImportOptions, Plan, PreviewColumn, RecordType
from safecity.core.roles import Module
from safecity.incidents.actions import IMPORT_ACTIONS
from safecity.incidents.importers.derive import Areas, Prepared, Validator
from safecity.incidents.importers.grouping import count_rows, grouped
from safecity.incidents.importers.mapping import Mapping, RowParser, check_header, load_mapping, shipped_mapping
from safecity.incidents.importers.nibrs import NibrsSource
from safecity.incidents.importers.records import ImportFailure, IncidentRec, RowError, RowRejected
from safecity.incidents.importers.store import Encoded, IncidentStore
from safecity.incidents.models import ImportBatch, ImportRowError, Incident

FORMATS = ("nibrs", "chicago", "nypd", "nypd_hate", "lapd", "code", "csv")
__all__ = ["DEFAULT_BATCH_SIZE", "FORMATS", "IMPORT_ACTIONS", "IMPORT_PRAGMAS", "INCIDENTS", "ImportOptions",
           "ImportResult", "IncidentImport", "check_permission", "error_report_csv", "import_pragmas",
           "preview_row", "run_import"]


class _Source:
    """A format's records plus the reading errors (encoding, column count) raised along the way."""

    def __init__(self, opts: ImportOptions, info: SourceInfo, mapping: Mapping | None,
                 person_codes: frozenset[str]) -> None:
        zone = settings.TIME_ZONE
        self.number_field = "incident_number"
        self.reader: NibrsSource | CsvSource
        self._records: Iterator[IncidentRec | RowRejected]
        self.bytes: Callable[[], int]
        if mapping is None:
            nibrs = NibrsSource(info, opts.agency.ori, zone)
            self.reader = nibrs
            self._records = nibrs.records()
            self.bytes = lambda: nibrs.lines.bytes_read
            return
        csv_source = CsvSource(info, mapping.delimiter)
        self.reader = csv_source
        parser = RowParser(mapping, person_codes, zone)
        self.number_field = parser.number_column
        rows = csv_source.rows()
        first = next(rows, None)  # reads the header, so the mapping can be checked before anything runs
        try:
            check_header(mapping, csv_source.header)
        except ImportFailure as exc:
            # The file, not the mapping, is what is usually wrong: say so in the user's terms.
            raise ImportFailure("FILE", f"this does not look like a CSV with the columns of {_described(mapping)}: "
                                        f"{exc.field.split(': ', 1)[-1]}: {exc.message}") from None
        self.bytes = lambda: csv_source.lines.bytes_read

        pending = [first] if first is not None else []
        if mapping.group_rows:
            counts = count_rows(info, mapping.delimiter, parser.number)
            self._records = grouped(_chain(pending, rows), parser.parse, parser.number, counts, self.number_field,
                                    mapping.victims_from_first_row)
            return

        def records() -> Iterator[IncidentRec | RowRejected]:
            for row in _chain(pending, rows):
                try:
                    yield parser.parse(row.line, row.values)
                except RowRejected as exc:
                    yield exc

        self._records = records()

    @property
    def errors(self) -> list[RowError]:
        return self.reader.errors

    def __iter__(self) -> Iterator[IncidentRec | RowRejected]:
        return self._records


def _described(mapping: Mapping) -> str:
    label = mapping.label
    if label.startswith("--"):
        return f"the mapping given with {label}"
    return label


def _chain(first: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from first
    yield from rest


def _mapping_for(opts: ImportOptions) -> Mapping | None:
    if opts.fmt == "nibrs":
        return None
    if opts.mapping_path is not None:
        # Required for csv (checked by the framework); with a shipped format, a site's own crosswalk.
        return load_mapping(opts.mapping_path, label=opts.mapping_label)
    return shipped_mapping(opts.fmt)


class IncidentPlan(Plan):
    key_label: ClassVar[str] = "incident number"
    # A NIBRS line too short for the header or with no known segment level is not a NIBRS line at all.
    structural_fields = frozenset({"encoding", "row", "segment", "level"})

    def __init__(self, opts: ImportOptions, info: SourceInfo) -> None:
        from safecity.incidents.codes import current_codes

        self.opts, self.info = opts, info
        self.mapping = _mapping_for(opts)
        self.codes = current_codes()
        if not self.codes:
            raise ImportFailure("codes", "no NIBRS code table is loaded (run the migrations)")
        self.person_codes = frozenset(c for c, row in self.codes.items() if row.crime_against == "person")
        self.areas = Areas(opts.agency)
        self.store: IncidentStore = IncidentStore(opts.agency.pk, opts.fmt,
                                                  {c: row.pk for c, row in self.codes.items()})
        self.expected = ("a NIBRS flat file (fixed-width segments, one per line)" if self.mapping is None
                         else f"a CSV with the columns of {_described(self.mapping)}")
        self.validator: Validator | None = None

    def source(self) -> _Source:
        source = _Source(self.opts, self.info, self.mapping, self.person_codes)
        self.key_field = source.number_field
        self.validator = Validator(self.opts.agency, self.codes, settings.TIME_ZONE, source.number_field, self.areas)
        return source

    def key(self, record: IncidentRec) -> str:
        return record.incident_number

    def line(self, record: IncidentRec) -> int:
        return record.line

    def validate(self, record: IncidentRec) -> Prepared | list[RowError]:
        assert self.validator is not None, "source() first"
        return self.validator.check(record)

    def encode(self, prepared: Prepared) -> Encoded:
        return self.store.encode(prepared)

    def preview(self, prepared: Prepared) -> dict[str, Any]:
        return preview_row(prepared)


class IncidentImport(RecordType):
    name = "incidents"
    noun = "incident"
    plural = "incidents"
    module = Module.INCIDENTS
    rights = IMPORT_ACTIONS
    url_namespace = "incidents_import"
    formats = (
        Format("nibrs", "NIBRS flat file (FBI segments)"),
        Format("chicago", "Chicago 'Crimes – 2001 to Present'"),
        Format("nypd", "NYPD complaint data"),
        Format("nypd_hate", "NYPD hate crimes (bias motive per offense)"),
        Format("lapd", "LAPD crime data"),
        Format("code", "Crime Open Database (CODE)"),
        Format("csv", "Other CSV, described by a mapping file", needs_mapping=True),
    )
    preview_columns = (
        PreviewColumn("line", "Line"), PreviewColumn("incident_number", "Incident"),
        PreviewColumn("occurred_date", "Local date"), PreviewColumn("block_address", "Block"),
        PreviewColumn("offenses", "Offenses"), PreviewColumn("primary_offense", "Primary"),
        PreviewColumn("victims", "Victims"), PreviewColumn("firearm", "Firearm"),
    )
    history_model = Incident
    preview_caption = "First rows as they will be stored (addresses are kept to the block)"

    @property
    def batch_model(self) -> type[ImportBatch]:
        return ImportBatch

    @property
    def error_model(self) -> type[ImportRowError]:
        return ImportRowError

    def plan(self, opts: ImportOptions, info: SourceInfo) -> IncidentPlan:
        return IncidentPlan(opts, info)


INCIDENTS = IncidentImport()
if tuple(f.code for f in INCIDENTS.formats) != FORMATS:  # pragma: no cover
    raise RuntimeError("IncidentImport.formats is out of step with FORMATS")


def check_permission(actor: Actor, agency: Any) -> None:
    """Importing needs add, change and delete in incidents for that agency; a refusal is itself audited."""
    batch_actions.ensure_can_import(INCIDENTS, actor=actor, agency=agency)


def preview_row(p: Prepared) -> dict[str, Any]:
    rec = p.rec
    return {
        "line": rec.line, "incident_number": rec.incident_number,
        "occurred": rec.occurred_from.astimezone(dt.UTC).isoformat(), "occurred_date": p.occurred_date,
        "block_address": rec.block_address, "offenses": ", ".join(o.code for o in rec.offenses),
        "primary_offense": p.primary_offense, "victims": len(rec.victims), "firearm": p.is_firearm,
        "labels": p.sensitivity,
    }


def run_import(opts: ImportOptions) -> ImportResult:
    """Import one incidents file; raises ImportFailure (nothing written) for problems with the whole run."""
    return run_any(INCIDENTS, opts)
