"""The writes of an import run, for every record type: start, commit a batch, finish, reject, fail, heartbeat.

Each (but the heartbeat) is one `audited()` transaction that checks the record type's rights for the batch's
agency first. `batch_commit` runs the record type's store write inside the batch's transaction: that bulk
write (raw SQL / COPY for incidents, `bulk_create` for `ModelStore` types) is the one sanctioned exception
to "every row through an action" (docs/architecture.md), and it never runs outside this frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone

from safecity.core import audit
from safecity.core.actions import audited
from safecity.core.actors import Actor, is_system
from safecity.core.history import snapshot
from safecity.core.importing.errors import LocatedError
from safecity.core.importing.models import ImportBatchBase
from safecity.core.importing.spec import RecordType
from safecity.core.models import Agency, User
from safecity.core.permissions import NotPermitted, ensure_module

CHUNK = 900  # ids per IN (...) list, under SQLite's bound-parameter limit


def _object_type(rt: RecordType) -> str:
    return rt.batch_model._meta.label_lower


def check_rights(rt: RecordType, actor: Actor, agency: Agency) -> None:
    if is_system(actor):
        return
    for action in rt.rights:
        ensure_module(actor, rt.module, action, agency.pk)


def ensure_can_import(rt: RecordType, *, actor: Actor, agency: Agency) -> None:
    """Refuse a run (a dry run too) before anything is read; the refusal is audited as a denied `import.start`
    naming the agency. `batch_start` and `batch_commit` check again inside their transaction, so neither can
    be called on its own by someone without the rights."""
    try:
        check_rights(rt, actor, agency)
    except NotPermitted as exc:
        audit.record(action="import.start", actor=actor, outcome="denied", agency_ori=agency.ori,
                     object_type=_object_type(rt), extra={"reason": str(exc)})
        raise


def _interrupted_run(rt: RecordType, agency: Agency, file_sha256: str) -> ImportBatchBase | None:
    """The newest killed run of this same file for this agency, marked interrupted; None if there is none."""
    model = rt.batch_model
    candidates = model.objects.filter(agency=agency, file_sha256=file_sha256, dry_run=False,
                                      status__in=("running", "interrupted"))
    for batch in candidates.order_by("-started_at", "-pk")[:20]:
        if batch.is_interrupted:
            if batch.status != "interrupted":
                model.objects.filter(pk=batch.pk, status="running").update(status="interrupted")
                batch.status = "interrupted"
            return batch
    return None


def batch_start(rt: RecordType, *, actor: Actor, agency: Agency, fmt: str, file_name: str, file_sha256: str,
                strict: bool = False) -> Any:
    """Open a run: its batch (linked to the killed run of the same file it resumes, if any)."""
    with audited(actor=actor, action="import.start") as frame:
        check_rights(rt, actor, agency)
        interrupted = _interrupted_run(rt, agency, file_sha256)
        model: Any = rt.batch_model
        batch = model.objects.create(
            agency=agency, fmt=fmt, file_name=file_name[:255], file_sha256=file_sha256,
            started_by=actor if isinstance(actor, User) else None, dry_run=False, status="running",
            heartbeat=timezone.now(), rerun_of=interrupted)
        frame.obj = batch
        frame.extra = {"record_type": rt.name, "format": fmt, "file": batch.file_name, "sha256": file_sha256,
                       "strict": strict, "rerun_of": interrupted.pk if interrupted else None}
    return batch


def _error_rows(rt: RecordType, batch: ImportBatchBase, errors: Sequence[LocatedError]) -> list[Any]:
    model = rt.error_model
    return [model(batch=batch, line=e.line, field=e.field[:64], value=e.value[:200],  # type: ignore[misc]
                  reason=e.reason[:300]) for e in errors]


def _snapshots(rt: RecordType, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    assert rt.history_model is not None
    found: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), CHUNK):
        for obj in rt.history_model._default_manager.filter(pk__in=ids[i:i + CHUNK]):
            found[obj.pk] = snapshot(obj)
    return found


def _read_back(rt: RecordType, ids: Sequence[int]) -> list[Any]:
    model = rt.history_model
    assert model is not None
    related = [f for f in ("agency",) if any(x.name == f for x in model._meta.get_fields())]
    rows: list[Any] = []
    for i in range(0, len(ids), CHUNK):
        rows.extend(model._default_manager.filter(pk__in=ids[i:i + CHUNK]).select_related(*related))
    return rows


def batch_commit(rt: RecordType, *, actor: Actor, batch: ImportBatchBase, write: Callable[[], None],
                 changed_ids: Sequence[int], errors: Sequence[LocatedError], totals: dict[str, int],
                 counts: dict[str, Any]) -> int:
    """Commit one batch of a run in one transaction: `write` (the store's bulk insert/update), its stored
    errors, the run's running totals, one `import.batch` event with `counts`, and one before/after history
    row per record in `changed_ids` that the write changed (when the type keeps history). Returns that number.

    Only changed records get history: new ones carry their batch, whose events say who imported what.
    """
    keep_history = rt.history_model is not None and bool(changed_ids)
    with audited(actor=actor, action="import.batch", obj=batch) as frame:
        check_rights(rt, actor, batch.agency)
        befores = _snapshots(rt, changed_ids) if keep_history else {}
        write()
        frame.touch(batch.agency_id)  # the store's bulk SQL is invisible to the frame: new rows, parts replaced
        rt.error_model._default_manager.bulk_create(_error_rows(rt, batch, errors))
        rt.batch_model.objects.filter(pk=batch.pk).update(**totals, heartbeat=timezone.now())
        recorded = frame.updated_many(_read_back(rt, changed_ids), befores) if keep_history else 0
        frame.extra = {**counts, "history": recorded}
    return recorded


def batch_finish(rt: RecordType, *, actor: Actor, batch: ImportBatchBase, status: str,
                 summary: dict[str, Any]) -> ImportBatchBase:
    """Close a run that imported: `status` is done, partial or failed (every row rejected)."""
    with audited(actor=actor, action="import.finish", obj=batch) as frame:
        rt.batch_model.objects.filter(pk=batch.pk).update(status=status, finished_at=timezone.now())
        frame.extra = {"status": status, **summary}
    batch.refresh_from_db()
    return batch


def batch_reject(rt: RecordType, *, actor: Actor, batch: ImportBatchBase, errors: Sequence[LocatedError],
                 rows_total: int, rows_rejected: int, errors_total: int) -> ImportBatchBase:
    """Close a strict run that found bad rows: nothing imported, the stored errors say why."""
    with audited(actor=actor, action="import.finish", obj=batch) as frame:
        rt.error_model._default_manager.bulk_create(_error_rows(rt, batch, errors))
        frame.touch(batch.agency_id)  # the stored errors are listed (and counted) like the agency's records
        now = timezone.now()
        rt.batch_model.objects.filter(pk=batch.pk).update(
            status="rejected", finished_at=now, rows_total=rows_total, rows_rejected=rows_rejected,
            errors_total=errors_total, heartbeat=now)
        frame.extra = {"status": "rejected", "strict": True, "read": rows_total, "rejected": rows_rejected}
    batch.refresh_from_db()
    return batch


def batch_fail(rt: RecordType, *, actor: Actor, batch: ImportBatchBase, reason: str) -> None:
    """Close a run stopped by an error or a signal; the batches it committed stay (a re-run finds them unchanged)."""
    with audited(actor=actor, action="import.finish", obj=batch) as frame:
        rt.batch_model.objects.filter(pk=batch.pk).update(status="failed", finished_at=timezone.now())
        frame.extra = {"status": "failed", "reason": reason[:300]}


def batch_heartbeat(rt: RecordType, *, batch: ImportBatchBase) -> None:
    """Say a run is alive (every IMPORT_HEARTBEAT_SECONDS). Not audited on purpose: it changes no record, only
    the liveness stamp that tells a running import from a killed one, and an event every 30 s would bury the
    run's real events in the chain."""
    rt.batch_model.objects.filter(pk=batch.pk).update(heartbeat=timezone.now())
