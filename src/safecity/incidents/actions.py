"""Writes to incident records: by hand (`incident_create`, `incident_update`) and by import, whose run is framed
by the importer framework's batch actions (`core.importing.actions`; `importers.store` is the raw-SQL fast path
they run inside their transaction — see docs/architecture.md, "The one sanctioned exception")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
<<<<<<< HEAD
from typing import TYPE_CHECKING, Any, Protocol
=======
from typing import Any
>>>>>>> kit-importer

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.actions import audited
from safecity.core.actors import Actor, is_system
from safecity.core.geo import locate
from safecity.core.history import snapshot
from safecity.core.models import Agency
from safecity.core.permissions import ensure_can, ensure_module
from safecity.core.roles import Module, Sensitivity
from safecity.incidents.codes import current_codes
from safecity.incidents.facts import IncidentFacts, VictimValues, derive
from safecity.incidents.models import Incident, Offense, Victim

if TYPE_CHECKING:
    from safecity.incidents.importers.derive import Validator

# Re-exported for apps that build incident rows themselves (the demo city): the one place facts are derived, and
# the importer's row validation (`import_row_validator` + `import_row_problems`) that such rows must pass too.
__all__ = [
<<<<<<< HEAD
    "IMPORT_ACTIONS", "IncidentFacts", "OffenseIn", "VictimIn", "VictimValues", "derive", "ensure_can_import",
    "import_row_problems", "import_row_validator",
    "import_batch_commit", "import_batch_fail", "import_batch_finish", "import_batch_heartbeat",
    "import_batch_reject", "import_batch_start", "incident_create", "incident_update",
=======
    "IMPORT_ACTIONS", "IncidentFacts", "OffenseIn", "VictimIn", "VictimValues", "derive", "incident_create",
    "incident_update",
>>>>>>> kit-importer
]


@dataclass(frozen=True)
class OffenseIn:
    code: str
    attempted: bool = False
    weapon_codes: list[str] = field(default_factory=list)


def import_row_validator(agency: Agency, codes: dict[str, Any], *, now: dt.datetime) -> Validator:
    """The importer's row validation for `agency` (dates, codes, the point inside the agency's beats), with `now`
    as the moment after which nothing may have occurred. For code that builds incident rows itself."""
    from safecity.incidents.importers.derive import Validator  # the importer imports this module

    return Validator(agency, codes, settings.TIME_ZONE, now=now)


def import_row_problems(validator: Validator, *, number: str, occurred_from: dt.datetime,
                        reported_at: dt.datetime | None, offenses: Sequence[tuple[str, Sequence[str]]],
                        victims: Sequence[tuple[str, int | None, Sequence[str]]], latitude: float | None,
                        longitude: float | None, block_address: str = "", location_type: str = "") -> list[str]:
    """Why an import would reject this incident ("field 'value': reason" each); empty when it would take it.
    `offenses` are (code, weapon codes); `victims` are (victim type, age, offense codes)."""
    from safecity.incidents.importers.records import IncidentRec, OffenseRec, VictimRec

    rec = IncidentRec(
        line=0, incident_number=number, occurred_from=occurred_from, reported_at=reported_at,
        block_address=block_address, latitude=latitude, longitude=longitude, location_type=location_type,
        offenses=[OffenseRec(code=c, weapon_codes=list(ws), location_type=location_type) for c, ws in offenses],
        victims=[VictimRec(seq=n, victim_type=vt, age=age, offense_codes=list(vc))
                 for n, (vt, age, vc) in enumerate(victims, 1)])
    found = validator.check(rec)
    return [f"{e.field} {e.value!r}: {e.reason}" for e in found] if isinstance(found, list) else []


@dataclass(frozen=True)
class VictimIn:
    victim_type: str = "I"
    age: int | None = None
    sex: str = ""
    injury_codes: list[str] = field(default_factory=list)
    offense_codes: list[str] = field(default_factory=list)


def incident_create(
    *, actor: Actor, agency: Agency, incident_number: str, occurred_from: dt.datetime,
    offenses: list[OffenseIn], victims: list[VictimIn] | None = None, occurred_to: dt.datetime | None = None,
    block_address: str = "", latitude: float | None = None, longitude: float | None = None,
    location_type: str = "", sensitivity: Sensitivity = Sensitivity.NONE, source: str = "manual",
) -> Incident:
    victims = victims or []
    with audited(actor=actor, action="incident.create") as frame:
        if not is_system(actor):
            ensure_module(actor, Module.INCIDENTS, "add", agency.pk)
        codes = current_codes()
        errors: dict[str, str] = {}
        if not incident_number.strip():
            errors["incident_number"] = "Required."
        if not offenses:
            errors["offenses"] = "An incident needs at least one offense."
        unknown = [o.code for o in offenses if o.code not in codes]
        if unknown:
            errors["offenses"] = f"Unknown NIBRS offense code(s): {', '.join(unknown)}."
        if timezone.is_naive(occurred_from):
            errors["occurred_from"] = "Give a time zone."
        elif occurred_from > timezone.now() + dt.timedelta(hours=1):
            errors["occurred_from"] = "Cannot be in the future."
        if occurred_to and occurred_to < occurred_from:
            errors["occurred_to"] = "Must not be before occurred_from."
        if Incident.objects.filter(agency=agency, incident_number=incident_number.strip()).exists():
            errors["incident_number"] = "This agency already has an incident with that number."
        if errors:
            raise ValidationError(errors)
        district = beat = None
        if latitude is not None and longitude is not None:
            district, beat = locate(agency, longitude, latitude)
        found = derive(offenses=[(o.code, o.weapon_codes) for o in offenses],
                       victims=[VictimValues(v.victim_type, v.age, tuple(v.offense_codes)) for v in victims],
                       table=codes)
        incident = Incident.objects.create(
            agency=agency, incident_number=incident_number.strip(), occurred_from=occurred_from,
            occurred_to=occurred_to, occurred_date=timezone.localtime(occurred_from).date(),
            reported_at=timezone.now(), block_address=block_address, latitude=latitude, longitude=longitude,
            district=district, beat=beat, location_type=location_type,
            # The caller may add labels (criminal intelligence, sealed); the derived ones are never dropped.
            sensitivity=int(sensitivity) | found.sensitivity,
            is_firearm=found.is_firearm, is_violent=found.is_violent, is_shooting=found.is_shooting,
            is_fatal=found.is_fatal, victim_count=found.victim_count, offense_count=found.offense_count,
            primary_offense=found.primary_offense, source=source,
        )
        for seq, (o, firearm) in enumerate(zip(offenses, found.offense_firearm, strict=True), start=1):
            Offense.objects.create(agency=agency, incident=incident, seq=seq, code=codes[o.code],
                                   occurred_date=incident.occurred_date, attempted=o.attempted,
                                   weapon_codes=o.weapon_codes, is_firearm=firearm)
        for seq, (v, fatal, shot) in enumerate(zip(victims, found.victim_fatal, found.victim_shot, strict=True),
                                               start=1):
            Victim.objects.create(agency=agency, incident=incident, seq=seq, victim_type=v.victim_type, age=v.age,
                                  sex=v.sex, injury_codes=v.injury_codes, offense_codes=v.offense_codes,
                                  is_fatal=fatal, is_shot=shot)
        frame.created(incident)
    return incident


def incident_update(*, actor: Actor, incident: Incident, **changes: Any) -> Incident:
    editable = {"block_address", "location_type", "cleared_exceptionally", "cleared_at", "occurred_to", "sensitivity"}
    unknown = set(changes) - editable
    if unknown:
        raise ValidationError({k: "This field cannot be changed here." for k in sorted(unknown)})
    with audited(actor=actor, action="incident.update", obj=incident) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", incident)
        before = snapshot(incident)
        for key, value in changes.items():
            setattr(incident, key, int(value) if key == "sensitivity" else value)
        incident.save()
        frame.updated(incident, before)
    return incident


# ---- imports -----------------------------------------------------------------------------------------

# An import adds incidents, overwrites re-imported ones and deletes and re-inserts their offenses, victims,
# offenders, arrestees and property (importers.store.IncidentStore.write), so it needs all three rights in the
# role table: officers (incidents: view/add/change) enter reports one by one but cannot bulk-replace records.
IMPORT_ACTIONS = ("add", "change", "delete")


<<<<<<< HEAD
class LocatedError(Protocol):
    """A rejected row's error (`importers.records.RowError`)."""

    line: int
    field: str
    value: str
    reason: str


def _check_import_rights(actor: Actor, agency: Agency) -> None:
    if is_system(actor):
        return
    for action in IMPORT_ACTIONS:
        ensure_module(actor, Module.INCIDENTS, action, agency.pk)


def ensure_can_import(*, actor: Actor, agency: Agency) -> None:
    """Refuse a run (a dry run too) before anything is read; the refusal is audited as a denied `import.start`
    naming the agency. `import_batch_start` and `import_batch_commit` check again inside their transaction, so
    neither can be called on its own by someone without the rights (the user's roles are read once per
    request, so a role revoked during a run is not seen before the run ends)."""
    try:
        _check_import_rights(actor, agency)
    except NotPermitted as exc:
        audit.record(action="import.start", actor=actor, outcome="denied", agency_ori=agency.ori,
                     object_type="incidents.importbatch", extra={"reason": str(exc)})
        raise


def _interrupted_run(agency: Agency, file_sha256: str) -> ImportBatch | None:
    """The newest killed run of this same file for this agency, marked interrupted; None if there is none."""
    candidates = ImportBatch.objects.filter(agency=agency, file_sha256=file_sha256, dry_run=False,
                                            status__in=("running", "interrupted"))
    recent: list[ImportBatch] = list(candidates.order_by("-started_at", "-pk")[:20])
    for batch in recent:
        if batch.is_interrupted:
            if batch.status != "interrupted":
                ImportBatch.objects.filter(pk=batch.pk, status="running").update(status="interrupted")
                batch.status = "interrupted"
            return batch
    return None


def import_batch_start(*, actor: Actor, agency: Agency, fmt: str, file_name: str, file_sha256: str,
                       strict: bool = False) -> ImportBatch:
    """Open a run: its `ImportBatch` (linked to the killed run of the same file it resumes, if any)."""
    with audited(actor=actor, action="import.start") as frame:
        _check_import_rights(actor, agency)
        interrupted = _interrupted_run(agency, file_sha256)
        batch = ImportBatch.objects.create(
            agency=agency, fmt=fmt, file_name=file_name[:255], file_sha256=file_sha256,
            started_by=actor if isinstance(actor, User) else None, dry_run=False, status="running",
            heartbeat=timezone.now(), rerun_of=interrupted)
        frame.obj = batch
        frame.extra = {"format": fmt, "file": batch.file_name, "sha256": file_sha256, "strict": strict,
                       "rerun_of": interrupted.pk if interrupted else None}
    return batch


def _error_rows(batch: ImportBatch, errors: Sequence[LocatedError]) -> list[ImportRowError]:
    return [ImportRowError(batch=batch, line=e.line, field=e.field[:64], value=e.value[:200], reason=e.reason[:300])
            for e in errors]


def _snapshots(ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), CHUNK):
        for incident in Incident.objects.filter(pk__in=ids[i:i + CHUNK]):
            found[incident.pk] = snapshot(incident)
    return found


def _read_back(ids: Sequence[int]) -> list[Incident]:
    rows: list[Incident] = []
    for i in range(0, len(ids), CHUNK):
        rows.extend(Incident.objects.filter(pk__in=ids[i:i + CHUNK]).select_related("agency"))
    return rows


def import_batch_commit(*, actor: Actor, batch: ImportBatch, write: Callable[[], None], changed_ids: Sequence[int],
                        errors: Sequence[LocatedError], totals: dict[str, int], counts: dict[str, Any]) -> int:
    """Commit one batch of a run in one transaction: `write` (the store's bulk insert/update of the batch's
    incidents), its stored errors, the run's running totals, one `import.batch` event with `counts`, and one
    before/after history row per incident in `changed_ids` that the write changed. Returns that number.

    Only changed incidents get history: new ones carry their batch (`import_batch`), whose events say who
    imported what, and a million creation rows would add nothing to that.
    """
    with audited(actor=actor, action="import.batch", obj=batch) as frame:
        _check_import_rights(actor, batch.agency)
        befores = _snapshots(changed_ids) if changed_ids else {}
        write()
        frame.touch(batch.agency_id)  # the store's bulk SQL is invisible to the frame: new rows, parts replaced
        ImportRowError.objects.bulk_create(_error_rows(batch, errors))
        ImportBatch.objects.filter(pk=batch.pk).update(**totals, heartbeat=timezone.now())
        recorded = frame.updated_many(_read_back(changed_ids), befores) if changed_ids else 0
        frame.extra = {**counts, "history": recorded}
    return recorded


def import_batch_finish(*, actor: Actor, batch: ImportBatch, status: str, summary: dict[str, Any]) -> ImportBatch:
    """Close a run that imported: `status` is done, partial or failed (every row rejected)."""
    with audited(actor=actor, action="import.finish", obj=batch) as frame:
        ImportBatch.objects.filter(pk=batch.pk).update(status=status, finished_at=timezone.now())
        frame.extra = {"status": status, **summary}
    batch.refresh_from_db()
    return batch


def import_batch_reject(*, actor: Actor, batch: ImportBatch, errors: Sequence[LocatedError], rows_total: int,
                        rows_rejected: int, errors_total: int) -> ImportBatch:
    """Close a strict run that found bad rows: nothing imported, the stored errors say why."""
    with audited(actor=actor, action="import.finish", obj=batch) as frame:
        ImportRowError.objects.bulk_create(_error_rows(batch, errors))
        frame.touch(batch.agency_id)  # the stored errors are listed (and counted) like the agency's records
        now = timezone.now()
        ImportBatch.objects.filter(pk=batch.pk).update(
            status="rejected", finished_at=now, rows_total=rows_total, rows_rejected=rows_rejected,
            errors_total=errors_total, heartbeat=now)
        frame.extra = {"status": "rejected", "strict": True, "read": rows_total, "rejected": rows_rejected}
    batch.refresh_from_db()
    return batch


def import_batch_fail(*, actor: Actor, batch: ImportBatch, reason: str) -> None:
    """Close a run stopped by an error or a signal; the batches it committed stay (a re-run finds them unchanged)."""
    with audited(actor=actor, action="import.finish", obj=batch) as frame:
        ImportBatch.objects.filter(pk=batch.pk).update(status="failed", finished_at=timezone.now())
        frame.extra = {"status": "failed", "reason": reason[:300]}


def import_batch_heartbeat(*, batch: ImportBatch) -> None:
    """Say a run is alive (every IMPORT_HEARTBEAT_SECONDS). Not audited on purpose: it changes no record, only
    the liveness stamp that tells a running import from a killed one, and an event every 30 s would bury the
    run's real events in the chain."""
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat=timezone.now())
=======
# The run's writes (start, commit a batch, finish, reject, fail, heartbeat) are the importer framework's
# batch actions (`core.importing.actions`), called with the incident record type (`importers.pipeline.INCIDENTS`).
>>>>>>> kit-importer


def offense_code_table_load() -> None:
    """(Re)load the shipped NIBRS offence-code table; idempotent.

    Reference data from the repository, loaded by migration `0002` the same way, so not an audited action:
    no person or agency record changes. Other apps (the demo builder on a flushed database) call this rather
    than reaching into `incidents.codes`.
    """
    from safecity.incidents.codes import load_code_table

    load_code_table()
