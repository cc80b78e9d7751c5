"""One import run, for any record type: read → map → validate → stage → commit in batches.

Every write of a run is a batch action (`core.importing.actions`: start, commit, finish, reject, fail,
heartbeat); this module reads, validates and counts, and hands each batch's store write to `batch_commit`,
which runs it inside the batch's transaction. The record type's `Plan` supplies the source, validation,
key, content hash, encoder and store; everything below is the same for every type:

* a batch commits its new and changed records, its rejected-row errors and the run's running totals
  together, so a run killed midway leaves whole batches behind and a re-run finds them "unchanged";
* the key (agency + the record's key) and content hash decide new / changed / unchanged (idempotency);
* a heartbeat on the batch shows a killed run as interrupted, and the re-run of the same file links to it;
* at most IMPORT_MAX_STORED_ERRORS error rows are stored per import; every error also goes to the batch's
  full report (`report_path`), kept when it holds more than the stored rows;
* a file none of whose first rows can be read at all is refused as a whole ("this does not look like …")
  before anything is written, instead of being "imported" as hundreds of rejected rows;
* large files are parsed in a forked process (`core.importing.worker`), overlapped with writing.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from safecity.core.importing import actions
from safecity.core.importing.errors import FullReport, ImportFailure, RowError, RowRejected
from safecity.core.importing.reading import inspect
from safecity.core.importing.spec import Encoded, ImportOptions, Plan, RecordType
from safecity.core.importing.worker import ParseWorker, use_worker

# How many records are looked at before deciding a file is not of the declared kind at all.
SNIFF_RECORDS = 50


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
    reasons: Counter[str] = field(default_factory=Counter)  # every error's reason (up to a colon) → count

    @property
    def nothing_to_import(self) -> bool:
        """Every row was rejected: there is nothing to commit, and the page says why instead of offering to."""
        return bool(self.rejected) and not (self.imported or self.unchanged)

    def top_reasons(self, count: int = 3) -> list[tuple[str, int]]:
        return self.reasons.most_common(count)

    @property
    def exit_code(self) -> int:
        if self.status == "rejected" or (self.rejected and not (self.imported or self.unchanged)):
            return 2
        return 1 if self.rejected else 0

    def summary(self) -> str:
        return (f"{self.rows_read} rows read, {self.imported} imported, {self.unchanged} unchanged, "
                f"{self.rejected} rejected in {self.seconds:.1f} s")


# SQLite settings for the import connection only, restored afterwards (the web upload shares the request's
# connection). The default page cache is 2 MB: past a few hundred thousand rows the indexes no longer fit,
# and every insert into a random-key index reads and writes pages back through the OS; with 256 MB they stay
# in memory (measured: see docs/importing.md). Durability is unchanged: WAL with synchronous=NORMAL, as the
# site settings configure. temp_store=MEMORY was left out: inserts build no temporary b-trees, and SQLite
# refuses to change it inside a transaction (a web request or a test).
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


def not_this_kind(plan: Plan, errors: list[RowError]) -> ImportFailure:
    """'this does not look like <expected>: <the commonest reason> (lines …)', naming the file."""
    reasons = Counter(e.reason.split(":")[0] for e in errors)
    reason, _ = reasons.most_common(1)[0]
    example = next(e for e in errors if e.reason.startswith(reason))
    lines = sorted({e.line for e in errors if e.reason.startswith(reason)})
    where = ", ".join(str(n) for n in lines[:5]) + (" …" if len(lines) > 5 else "")
    detail = example.reason if len(example.reason) <= 160 else example.reason[:157] + "…"
    plural = "s" if len(lines) > 1 else ""
    rows = len({e.line for e in errors})
    return ImportFailure("FILE", f"this does not look like {plan.expected}: {detail} (line{plural} {where}); "
                                 f"none of its first {rows} rows could be read, so nothing was imported. "
                                 "Check the file and the format chosen.")


class Importer:
    def __init__(self, rt: RecordType, opts: ImportOptions) -> None:
        rt.check_options(opts)
        if opts.batch_size < 1:
            raise ImportFailure("--batch-size", "must be at least 1")
        self.rt = rt
        self.opts = opts
        self.info = inspect(opts.path)
        self.plan = rt.plan(opts, self.info)
        self.result = ImportResult(encoding=self.info.encoding)
        self.batch: Any = None
        self.max_stored = int(settings.IMPORT_MAX_STORED_ERRORS)
        self.stored_errors = 0
        self.report: FullReport | None = None
        self.beat_every = float(settings.IMPORT_HEARTBEAT_SECONDS)
        self.last_beat = time.monotonic()
        self.beats = True  # off in the parsing process, which has no database; the writer beats for it
        self.sniffing = False  # still deciding whether the file is of the declared kind at all

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
        opts, rt = self.opts, self.rt
        actions.ensure_can_import(rt, actor=opts.actor, agency=opts.agency)
        source = _Sniffed.plain(self.plan.source())  # fails on a bad header before anything is written
        if not opts.dry_run:
            self.batch = actions.batch_start(
                rt, actor=opts.actor, agency=opts.agency, fmt=opts.fmt, file_name=opts.file_name or opts.path.name,
                file_sha256=self.info.sha256, strict=opts.strict)
            self.result.batch = self.batch
            self.report = FullReport(self.batch.report_path)
            self.report.discard()  # a folder left by an earlier database with the same batch id
        try:
            if opts.strict:
                errors = self._validate_only(source)
                if errors:
                    self._finish_rejected(errors)
                    self._keep_report()
                    self.result.seconds = time.monotonic() - started
                    return self.result
                self.result = ImportResult(batch=self.batch, encoding=self.info.encoding)
                source = _Sniffed.plain(self.plan.source())
            self._import(source)
        except BaseException as exc:
            if self.batch is not None:
                actions.batch_fail(rt, actor=opts.actor, batch=self.batch, reason=f"{type(exc).__name__}: {exc}")
            raise
        self._keep_report()
        self.result.seconds = time.monotonic() - started
        self.result.status = "done" if not self.result.rejected else "partial"
        if self.batch is not None:
            self._finish()
        return self.result

    # ---- passes ------------------------------------------------------------------------------------

    def _items(self, source: _Sniffed) -> Iterator[tuple[Any, list[RowError]]]:
        """Each source row as (prepared, []) or (None, errors), with duplicates and reading errors caught."""
        plan = self.plan
        key_of, line_of, validate = plan.key, plan.line, plan.validate
        duplicate = f"duplicate {plan.key_label} in this file (first on line "
        seen: dict[str, int] = {}
        key_field = plan.key_field
        reading_errors = source.errors
        drained = 0
        count = 0
        structural = plan.structural_fields
        self.sniffing, sniffed = True, []  # the first rows' problems, while no row has been read
        for item in source.records:
            count += 1
            if count % 1000 == 0:
                self._beat()
            if self.sniffing:
                if not isinstance(item, RowRejected):
                    self.sniffing = False
                else:
                    sniffed.extend(item.errors)
                    self._sniff(sniffed, reading_errors, structural, count >= SNIFF_RECORDS)
            if len(reading_errors) > drained:
                for error in reading_errors[drained:]:
                    yield None, [error]
                drained = len(reading_errors)
            if isinstance(item, RowRejected):
                yield None, item.errors
                continue
            key = key_of(item)
            first = seen.get(key)
            if first is not None:
                yield None, [RowError(line_of(item), key_field, key, f"{duplicate}{first})")]
                continue
            seen[key] = line_of(item)
            checked = validate(item)
            if isinstance(checked, list):
                yield None, checked
            else:
                yield checked, []
        if self.sniffing:
            self._sniff(sniffed, reading_errors, structural, True)
        for error in reading_errors[drained:]:
            yield None, [error]

    def _sniff(self, sniffed: list[RowError], reading: list[RowError], structural: frozenset[str],
               decide: bool) -> None:
        """Refuse a file none of whose first SNIFF_RECORDS rows could be read at all (every problem a
        structural one: wrong width, not decodable, not a segment); runs where the parsing runs, before the
        first batch is handed on (`_batches` holds batches back until this is decided)."""
        problems = sniffed + reading
        if any(e.field not in structural for e in problems):
            self.sniffing = False  # real rows with bad values: an ordinary import with rejected rows
        elif decide:
            self.sniffing = False
            if problems:
                raise not_this_kind(self.plan, sorted(problems, key=lambda e: e.line))

    def _validate_only(self, source: _Sniffed) -> list[RowError]:
        errors: list[RowError] = []
        for prepared, row_errors in self._items(source):
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
        actions.batch_heartbeat(self.rt, batch=self.batch)
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
        result.reasons.update(e.reason.split(":")[0] for e in errors)
        if keep is None:
            result.errors.extend(errors)
        elif len(result.errors) < keep:
            result.errors.extend(errors[:keep - len(result.errors)])

    def _keep_report(self) -> None:
        """The full report stays only when the database holds fewer errors than it."""
        if self.report is not None and self.result.errors_total <= self.stored_errors:
            self.report.discard()

    def _batches(self, source: _Sniffed) -> Iterator[_Batch]:
        """Batches of rows encoded for the writer (plain tuples), with their errors, preview rows and progress."""
        pending: list[Encoded] = []
        pending_errors: list[RowError] = []
        preview: list[dict[str, Any]] = []
        preview_left = self.opts.preview_rows
        rejected = 0
        encode, preview_of, size = self.plan.encode, self.plan.preview, self.opts.batch_size
        for prepared, row_errors in self._items(source):
            if prepared is None:
                pending_errors.extend(row_errors)
                rejected += 1
            else:
                pending.append(encode(prepared))
                if preview_left:
                    preview.append(preview_of(prepared))
                    preview_left -= 1
            if len(pending) + rejected >= size and not self.sniffing:
                yield _Batch(pending, pending_errors, rejected, preview, source.bytes())
                pending, pending_errors, preview, rejected = [], [], [], 0
        if pending or rejected:
            yield _Batch(pending, pending_errors, rejected, preview, source.bytes())

    def _parse_in_worker(self, source: _Sniffed) -> Iterator[_Batch]:
        """What the parsing process runs (a fork of this one): read, parse, validate and encode; no database."""
        self.beats = False
        return self._batches(source)

    def _import(self, source: _Sniffed) -> None:
        # A large file is parsed in a forked process that hands encoded batches to this one, so parsing
        # batch N+1 overlaps writing batch N (see worker.py). Threads do not help: the work is Python that
        # holds the GIL (measured: a read-ahead thread was no faster).
        bulk_load = getattr(self.plan.store, "bulk_load", None)
        if self.batch is not None and bulk_load is not None:
            with bulk_load(self.info.lines):
                self._load(source)
        else:
            self._load(source)

    def _load(self, source: _Sniffed) -> None:
        if use_worker(self.info.size):
            with ParseWorker(lambda: self._parse_in_worker(source)) as worker:
                for batch in worker.batches(wait=self._beat):
                    self._write_batch(batch)
            self._report_progress(self.info.size)
        else:
            for batch in self._batches(source):
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
        """Write one batch: its records, its errors and the run's totals, with one audit event."""
        result, store = self.result, self.plan.store
        existing = store.existing(e[0] for e in pending)
        matches = store.digest_matches
        new: list[Encoded] = []
        changed: list[tuple[int, Encoded]] = []
        backfill: list[tuple[int, str]] = []
        for e in pending:  # (key, content hash, line, …): see spec.Encoded
            hit = existing.get(e[0])
            if hit is None:
                new.append(e)
            elif not matches(hit[1], e[1]):
                changed.append((hit[0], e))
            elif hit[1] != e[1]:
                backfill.append((hit[0], e[1]))  # unchanged, stored with an older form of the hash
        unchanged = len(pending) - len(new) - len(changed)
        counts = {"read": len(pending) + rejected, "inserted": len(new), "updated": len(changed),
                  "unchanged": unchanged, "rejected": rejected}
        if self.batch is None:  # dry run: count what would happen, write nothing
            self._add(counts, errors)
            return
        batch_id = self.batch.pk

        def write() -> None:
            store.write(new, changed, batch_id)
            store.backfill(backfill)

        totals = {
            "rows_total": result.rows_read + counts["read"],
            "rows_imported": result.imported + len(new) + len(changed),
            "rows_unchanged": result.unchanged + unchanged,
            "rows_rejected": result.rejected + rejected,
            "errors_total": result.errors_total + len(errors),
        }
        first_line = min([e[2] for e in pending] + [e.line for e in errors], default=0)
        actions.batch_commit(self.rt, actor=self.opts.actor, batch=self.batch, write=write,
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
        actions.batch_finish(
            self.rt, actor=self.opts.actor, batch=self.batch, status=status,
            summary={"read": result.rows_read, "imported": result.imported, "unchanged": result.unchanged,
                     "rejected": result.rejected, "seconds": round(result.seconds, 2)})

    def _finish_rejected(self, errors: list[RowError]) -> None:
        self.result.status = "rejected"
        self.result.errors = []
        self._keep_errors(errors)
        if self.batch is None:
            return
        actions.batch_reject(self.rt, actor=self.opts.actor, batch=self.batch, errors=self._to_store(errors),
                             rows_total=self.result.rows_read, rows_rejected=self.result.rejected,
                             errors_total=len(errors))


@dataclass
class _Sniffed:
    """A source whose first records may already have been read (they come first again)."""

    source: Any
    records: Iterator[Any]

    @classmethod
    def plain(cls, source: Any) -> _Sniffed:
        return cls(source, iter(source))

    @property
    def errors(self) -> list[RowError]:
        return self.source.errors

    def bytes(self) -> int:
        return int(self.source.bytes())


@dataclass
class _Batch:
    pending: list[Encoded]
    errors: list[RowError]
    rejected: int
    preview: list[dict[str, Any]]
    bytes_read: int


def run_import(rt: RecordType | str, opts: ImportOptions) -> ImportResult:
    """Import one file as record type `rt` (an instance or a registered name); raises ImportFailure (nothing
    written) for problems with the whole run."""
    from safecity.core.importing import spec

    record_type = spec.get(rt) if isinstance(rt, str) else rt
    return Importer(record_type, opts).run()
