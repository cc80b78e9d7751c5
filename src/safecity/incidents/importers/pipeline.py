"""One import run: read → parse → validate → commit in batches, each batch its own audited transaction.

Every write of a run is an action in `incidents.actions` (`import_batch_start`, `_commit`, `_finish`,
`_reject`, `_fail`, `_heartbeat`); this module reads, parses, validates and counts, and hands each batch's
store write to `import_batch_commit`, which runs it inside the batch's transaction.

A batch commits its new and changed incidents, its rejected-row errors and the run's running totals
together, so a run killed midway leaves whole batches behind and a re-run finds them "unchanged". The run
also writes a heartbeat on its ImportBatch, so a killed run shows as interrupted instead of running forever,
and the re-run of the same file links to it.

At most IMPORT_MAX_STORED_ERRORS error rows are stored per import; every error also goes to the batch's
full report (`ImportBatch.report_path`), which is kept when it holds more than the stored rows.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from safecity.core import csvsafe
from safecity.core.actors import SYSTEM, Actor
from safecity.incidents import actions
from safecity.incidents.actions import IMPORT_ACTIONS
from safecity.incidents.importers.derive import Areas, Prepared, Validator
from safecity.incidents.importers.grouping import count_rows, grouped
from safecity.incidents.importers.mapping import (
    Mapping,
    RowParser,
    check_header,
    load_mapping,
    shipped_mapping,
)
from safecity.incidents.importers.nibrs import NibrsSource
from safecity.incidents.importers.reading import CsvSource, SourceInfo, inspect
from safecity.incidents.importers.records import ImportFailure, IncidentRec, RowError, RowRejected
from safecity.incidents.importers.store import Encoded, IncidentStore
from safecity.incidents.importers.worker import ParseWorker, use_worker

FORMATS = ("nibrs", "chicago", "nypd", "nypd_hate", "lapd", "code", "csv")
DEFAULT_BATCH_SIZE = 50000
__all__ = ["DEFAULT_BATCH_SIZE", "FORMATS", "IMPORT_ACTIONS", "ImportOptions", "ImportResult", "Importer",
           "check_permission", "error_report_csv", "preview_row", "run_import"]


@dataclass
class ImportOptions:
    path: Path
    agency: Any
    fmt: str
    mapping_path: Path | None = None
    dry_run: bool = False
    strict: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    actor: Actor = SYSTEM
    file_name: str = ""
    progress: Callable[[int], None] | None = None  # called with bytes read so far
    preview_rows: int = 0
    keep_errors: int | None = None  # errors kept in ImportResult.errors (None: all, for the command line)


@dataclass
class ImportResult:
    rows_read: int = 0
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    seconds: float = 0.0
    errors: list[RowError] = field(default_factory=list)
    batch: Any = None
    preview: list[dict[str, Any]] = field(default_factory=list)
    status: str = "done"
    encoding: str = "utf-8"
    errors_total: int = 0  # every error found; `errors` may hold only the first `keep_errors`

    @property
    def exit_code(self) -> int:
        if self.status == "rejected" or (self.rejected and not (self.imported or self.unchanged)):
            return 2
        return 1 if self.rejected else 0

    def summary(self) -> str:
        return (f"{self.rows_read} rows read, {self.imported} imported, {self.unchanged} unchanged, "
                f"{self.rejected} rejected in {self.seconds:.1f} s")


def error_report_csv(errors: list[RowError]) -> str:
    """Rejected rows with their raw source values, written through the formula-safe writer (finding 4)."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(["line", "field", "value", "reason"])
    for error in sorted(errors, key=lambda e: (e.line, e.field)):
        writer.writerow(error.as_row())
    return out.getvalue()


class _FullReport:
    """Every error of a run, appended batch by batch to the batch's errors.csv through error_report_csv."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.started = False

    def add(self, errors: list[RowError]) -> None:
        if not errors:
            return
        text = error_report_csv(errors)
        if self.started:
            text = text.split("\n", 1)[1]  # the header is written once
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a" if self.started else "w", encoding="utf-8", newline="") as out:
            out.write(text)
        self.started = True

    def discard(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


def check_permission(actor: Actor, agency: Any) -> None:
    """Importing needs add, change and delete in incidents for that agency; a refusal is itself audited."""
    actions.ensure_can_import(actor=actor, agency=agency)


# SQLite settings for the import connection only, restored afterwards (the web upload shares the request's
# connection). The default page cache is 2 MB: past a few hundred thousand incidents the indexes no longer
# fit, and every insert into the random `public_id` index and the (agency, incident_number) index reads and
# writes pages back through the OS; with 256 MB they stay in memory (measured: see docs/importing.md).
# Durability is unchanged: WAL with synchronous=NORMAL, as the site settings configure. temp_store=MEMORY
# was left out: inserts build no temporary b-trees, and SQLite refuses to change it inside a transaction
# (a web request or a test).
IMPORT_PRAGMAS = {"cache_size": "-262144"}  # 256 MB page cache


@contextmanager
def import_pragmas() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        saved = {}
        for name, value in IMPORT_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}")
            saved[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        if connection.connection is not None:  # not closed meanwhile
            with connection.cursor() as cursor:
                for name, value in saved.items():
                    cursor.execute(f"PRAGMA {name} = {int(value)}")


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
        check_header(mapping, csv_source.header)
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


def _chain(first: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from first
    yield from rest


def _mapping_for(opts: ImportOptions) -> Mapping | None:
    if opts.fmt == "nibrs":
        return None
    if opts.fmt == "csv":
        if opts.mapping_path is None:
            raise ImportFailure("--mapping", "the csv format needs a mapping file (JSON or TOML)")
        return load_mapping(opts.mapping_path)
    if opts.mapping_path is not None:
        return load_mapping(opts.mapping_path)  # a site's own crosswalk overrides the shipped one
    return shipped_mapping(opts.fmt)


class Importer:
    def __init__(self, opts: ImportOptions) -> None:
        from safecity.incidents.codes import current_codes

        if opts.fmt not in FORMATS:
            raise ImportFailure("--format", f"unknown format {opts.fmt!r}; choose one of {', '.join(FORMATS)}")
        if opts.batch_size < 1:
            raise ImportFailure("--batch-size", "must be at least 1")
        self.opts = opts
        self.mapping = _mapping_for(opts)
        self.info = inspect(opts.path)
        self.codes = current_codes()
        if not self.codes:
            raise ImportFailure("codes", "no NIBRS code table is loaded (run the migrations)")
        self.person_codes = frozenset(c for c, row in self.codes.items() if row.crime_against == "person")
        self.areas = Areas(opts.agency)
        self.store = IncidentStore(opts.agency.pk, opts.fmt, {c: row.pk for c, row in self.codes.items()})
        self.result = ImportResult(encoding=self.info.encoding)
        self.batch: Any = None
        self.max_stored = int(settings.IMPORT_MAX_STORED_ERRORS)
        self.stored_errors = 0
        self.report: _FullReport | None = None
        self.beat_every = float(settings.IMPORT_HEARTBEAT_SECONDS)
        self.last_beat = time.monotonic()
        self.beats = True  # off in the parsing process, which has no database; the writer beats for it

    def _source(self) -> _Source:
        return _Source(self.opts, self.info, self.mapping, self.person_codes)

    def run(self) -> ImportResult:
        # Records are short-lived and acyclic, so reference counting frees them; the cyclic collector
        # would only rescan the growing heap (measured at ~18% of a million-row run).
        enabled = gc.isenabled()
        gc.disable()
        try:
            with import_pragmas():
                return self._run()
        finally:
            if enabled:
                gc.enable()

    def _run(self) -> ImportResult:
        started = time.monotonic()
        opts = self.opts
        check_permission(opts.actor, opts.agency)
        source = self._source()  # fails on a bad header before anything is written
        validator = Validator(opts.agency, self.codes, settings.TIME_ZONE, source.number_field, self.areas)
        if not opts.dry_run:
            self.batch = actions.import_batch_start(
                actor=opts.actor, agency=opts.agency, fmt=opts.fmt, file_name=opts.file_name or opts.path.name,
                file_sha256=self.info.sha256, strict=opts.strict)
            self.result.batch = self.batch
            self.report = _FullReport(self.batch.report_path)
            self.report.discard()  # a folder left by an earlier database with the same batch id
        try:
            if opts.strict:
                errors = self._validate_only(source, validator)
                if errors:
                    self._finish_rejected(errors)
                    self._keep_report()
                    self.result.seconds = time.monotonic() - started
                    return self.result
                self.result = ImportResult(batch=self.batch, encoding=self.info.encoding)
                source = self._source()
            self._import(source, validator)
        except BaseException as exc:
            if self.batch is not None:
                actions.import_batch_fail(actor=opts.actor, batch=self.batch,
                                          reason=f"{type(exc).__name__}: {exc}")
            raise
        self._keep_report()
        self.result.seconds = time.monotonic() - started
        self.result.status = "done" if not self.result.rejected else "partial"
        if self.batch is not None:
            self._finish()
        return self.result

    # ---- passes ------------------------------------------------------------------------------------

    def _items(self, source: _Source, validator: Validator) -> Iterator[tuple[Prepared | None, list[RowError]]]:
        """Each source row as (prepared, []) or (None, errors), with duplicates and reading errors caught."""
        seen: dict[str, int] = {}
        number_field = source.number_field
        reading_errors = source.errors
        drained = 0
        count = 0
        for item in source:
            count += 1
            if count % 1000 == 0:
                self._beat()
            if len(reading_errors) > drained:
                for error in reading_errors[drained:]:
                    yield None, [error]
                drained = len(reading_errors)
            if isinstance(item, RowRejected):
                yield None, item.errors
                continue
            first = seen.get(item.incident_number)
            if first is not None:
                yield None, [RowError(item.line, number_field, item.incident_number,
                                      f"duplicate incident number in this file (first on line {first})")]
                continue
            seen[item.incident_number] = item.line
            checked = validator.check(item)
            if isinstance(checked, list):
                yield None, checked
            else:
                yield checked, []
        for error in reading_errors[drained:]:
            yield None, [error]

    def _validate_only(self, source: _Source, validator: Validator) -> list[RowError]:
        errors: list[RowError] = []
        for prepared, row_errors in self._items(source, validator):
            self.result.rows_read += 1
            if prepared is None:
                self.result.rejected += 1
                errors.extend(row_errors)
            self._report_progress(source.bytes())
        return errors

    # ---- heartbeat, re-runs and the error cap -------------------------------------------------------

    def _beat(self) -> None:
        """Say the run is alive, at most every IMPORT_HEARTBEAT_SECONDS (batch commits beat too)."""
        if not self.beats or self.batch is None or time.monotonic() - self.last_beat < self.beat_every:
            return
        actions.import_batch_heartbeat(batch=self.batch)
        self.last_beat = time.monotonic()

    def _to_store(self, errors: list[RowError]) -> list[RowError]:
        """The errors to store in the database, up to the cap for the whole run; every error goes to the full
        report."""
        if self.report is not None:
            self.report.add(errors)
        room = max(self.max_stored - self.stored_errors, 0)
        kept = errors[:room]
        self.stored_errors += len(kept)
        return kept

    def _keep_errors(self, errors: list[RowError]) -> None:
        result, keep = self.result, self.opts.keep_errors
        result.errors_total += len(errors)
        if keep is None:
            result.errors.extend(errors)
        elif len(result.errors) < keep:
            result.errors.extend(errors[:keep - len(result.errors)])

    def _keep_report(self) -> None:
        """The full report stays only when the database holds fewer errors than it."""
        if self.report is not None and self.result.errors_total <= self.stored_errors:
            self.report.discard()

    def _batches(self, source: _Source, validator: Validator) -> Iterator[_Batch]:
        """Batches of rows encoded for the writer (plain tuples), with their errors, preview rows and progress."""
        pending: list[Encoded] = []
        pending_errors: list[RowError] = []
        preview: list[dict[str, Any]] = []
        preview_left = self.opts.preview_rows
        rejected = 0
        encode = self.store.encode
        for prepared, row_errors in self._items(source, validator):
            if prepared is None:
                pending_errors.extend(row_errors)
                rejected += 1
            else:
                pending.append(encode(prepared))
                if preview_left:
                    preview.append(preview_row(prepared))
                    preview_left -= 1
            if len(pending) + rejected >= self.opts.batch_size:
                yield _Batch(pending, pending_errors, rejected, preview, source.bytes())
                pending, pending_errors, preview, rejected = [], [], [], 0
        if pending or rejected:
            yield _Batch(pending, pending_errors, rejected, preview, source.bytes())

    def _parse_in_worker(self, source: _Source, validator: Validator) -> Iterator[_Batch]:
        """What the parsing process runs (a fork of this one): read, parse, validate and encode; no database."""
        self.beats = False
        return self._batches(source, validator)

    def _import(self, source: _Source, validator: Validator) -> None:
        # A large file is parsed in a forked process that hands encoded batches to this one, so parsing
        # batch N+1 overlaps writing batch N (see importers/worker.py). Threads do not help: the work is
        # Python that holds the GIL (measured: a read-ahead thread was no faster).
        if use_worker(self.info.size):
            with ParseWorker(lambda: self._parse_in_worker(source, validator)) as worker:
                for batch in worker.batches(wait=self._beat):
                    self._write_batch(batch)
            self._report_progress(self.info.size)
        else:
            for batch in self._batches(source, validator):
                self._write_batch(batch)
            self._report_progress(source.bytes())

    def _write_batch(self, batch: _Batch) -> None:
        self.result.preview.extend(batch.preview)
        self._commit(batch.pending, batch.errors, batch.rejected)
        self._report_progress(batch.bytes_read)

    def _report_progress(self, done: int) -> None:
        if self.opts.progress is not None:
            self.opts.progress(done)

    def _commit(self, pending: list[Encoded], errors: list[RowError], rejected: int) -> None:
        """Write one batch: its incidents, its errors and the run's totals, with one audit event."""
        result = self.result
        existing = self.store.existing(e[0] for e in pending)
        new: list[Encoded] = []
        changed: list[tuple[int, Encoded]] = []
        backfill: list[tuple[int, str]] = []
        for e in pending:  # (incident number, content hash, line, …): see store.Encoded
            hit = existing.get(e[0])
            if hit is None:
                new.append(e)
            elif not self.store.digest_matches(hit[1], e[1]):
                changed.append((hit[0], e))
            elif hit[1] != e[1]:
                backfill.append((hit[0], e[1]))  # unchanged, stored before content_hash existed
        unchanged = len(pending) - len(new) - len(changed)
        counts = {"read": len(pending) + rejected, "inserted": len(new), "updated": len(changed),
                  "unchanged": unchanged, "rejected": rejected}
        if self.batch is None:  # dry run: count what would happen, write nothing
            self._add(counts, errors)
            return
        store = self.store

        def write() -> None:
            store.write(new, changed, self.batch.pk)
            store.backfill(backfill)

        totals = {
            "rows_total": result.rows_read + counts["read"],
            "rows_imported": result.imported + len(new) + len(changed),
            "rows_unchanged": result.unchanged + unchanged,
            "rows_rejected": result.rejected + rejected,
            "errors_total": result.errors_total + len(errors),
        }
        first_line = min([e[2] for e in pending] + [e.line for e in errors], default=0)
        actions.import_batch_commit(actor=self.opts.actor, batch=self.batch, write=write,
                                    changed_ids=[pk for pk, _ in changed], errors=self._to_store(errors),
                                    totals=totals, counts={**counts, "first_line": first_line})
        self.last_beat = time.monotonic()
        self._add(counts, errors)  # only after the commit, so totals never count a rolled-back batch

    def _add(self, counts: dict[str, int], errors: list[RowError]) -> None:
        self.result.rows_read += counts["read"]
        self.result.imported += counts["inserted"] + counts["updated"]
        self.result.unchanged += counts["unchanged"]
        self.result.rejected += counts["rejected"]
        self._keep_errors(errors)

    def _finish(self) -> None:
        result = self.result
        status = "failed" if result.rejected and not (result.imported or result.unchanged) else result.status
        result.status = status
        actions.import_batch_finish(
            actor=self.opts.actor, batch=self.batch, status=status,
            summary={"read": result.rows_read, "imported": result.imported, "unchanged": result.unchanged,
                     "rejected": result.rejected, "seconds": round(result.seconds, 2)})

    def _finish_rejected(self, errors: list[RowError]) -> None:
        self.result.status = "rejected"
        self.result.errors = []
        self._keep_errors(errors)
        if self.batch is None:
            return
        actions.import_batch_reject(actor=self.opts.actor, batch=self.batch, errors=self._to_store(errors),
                                    rows_total=self.result.rows_read, rows_rejected=self.result.rejected,
                                    errors_total=len(errors))


@dataclass
class _Batch:
    pending: list[Encoded]
    errors: list[RowError]
    rejected: int
    preview: list[dict[str, Any]]
    bytes_read: int


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
    """Import one file; raises ImportFailure (nothing written) for problems with the whole run."""
    return Importer(opts).run()
