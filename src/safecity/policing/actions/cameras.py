"""Body-worn camera writes: devices, assignments, recordings' metadata, dispatch links, legal hold and purge.

Nothing here deletes a recording: `recording_purge` marks it purged (when and by whom) after checking that it
is past its retention period and not on legal hold; the video itself lives in the evidence system, which the
agency purges from this list. Bulk writes (the demo, imports) run inside one audited action each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.actions import audited
from safecity.core.actors import Actor, is_system
from safecity.core.history import snapshot
from safecity.core.models import Agency, User
from safecity.core.permissions import ensure_can, ensure_module
from safecity.core.roles import Module
from safecity.policing.models import (
    Camera,
    CameraAssignment,
    CameraStatus,
    EventKind,
    Officer,
    OfficerEvent,
    Recording,
)
from safecity.policing.retention import retention_until

__all__ = ["camera_assign", "camera_create", "camera_update", "cameras_bulk_create", "officer_event_create",
           "officer_events_bulk_create", "recording_create", "recording_legal_hold", "recording_purge",
           "recordings_bulk_create", "recordings_import"]


def _check(actor: Actor, agency: Agency, right: str = "add") -> None:
    if not is_system(actor):
        ensure_module(actor, Module.POLICING, right, agency.pk)


def camera_create(*, actor: Actor, agency: Agency, serial: str, model: str = "",
                  status: str = CameraStatus.IN_SERVICE) -> Camera:
    with audited(actor=actor, action="camera.create") as frame:
        _check(actor, agency)
        errors: dict[str, str] = {}
        serial = serial.strip()
        if not serial:
            errors["serial"] = "Required."
        elif Camera.objects.filter(agency=agency, serial=serial).exists():
            errors["serial"] = "This agency already has a camera with that serial number."
        if status not in CameraStatus.values:
            errors["status"] = f"Unknown status {status!r}."
        if errors:
            raise ValidationError(errors)
        camera = Camera.objects.create(agency=agency, serial=serial, model=model.strip(), status=status)
        frame.created(camera)
    return camera


def cameras_bulk_create(*, actor: Actor, agency: Agency, rows: Iterable[Mapping[str, Any]]) -> int:
    """Many cameras in one audited action, each optionally issued (`officer`, `started`); a serial the agency
    has already is skipped, so re-running adds nothing. For the demo and inventory loads."""
    rows = list(rows)
    with audited(actor=actor, action="camera.bulk_create") as frame:
        _check(actor, agency)
        have = set(Camera.objects.filter(agency=agency).values_list("serial", flat=True))
        cameras: list[Camera] = []
        issues: list[tuple[Camera, Officer, dt.datetime]] = []
        for n, row in enumerate(rows, 1):
            serial, status = str(row.get("serial") or "").strip(), row.get("status", CameraStatus.IN_SERVICE)
            officer, started = row.get("officer"), row.get("started")
            if not serial or status not in CameraStatus.values:
                raise ValidationError({f"row {n}": "A serial number and a known status are required."})
            if officer is not None and (officer.agency_id != agency.pk or not isinstance(started, dt.datetime)):
                raise ValidationError({f"row {n}.officer": "An officer of this agency and a start time."})
            if serial in have:
                continue
            have.add(serial)
            camera = Camera(agency=agency, serial=serial, model=str(row.get("model") or ""), status=status)
            cameras.append(camera)
            if isinstance(officer, Officer) and isinstance(started, dt.datetime):
                issues.append((camera, officer, started))
        Camera.objects.bulk_create(cameras, batch_size=1000)
        CameraAssignment.objects.bulk_create([CameraAssignment(agency=agency, camera=c, officer=o, started=s)
                                              for c, o, s in issues], batch_size=1000)
        frame.touch(agency.pk)
        frame.extra.update({"agency": agency.ori, "added": len(cameras), "issued": len(issues)})
    return len(cameras)


def camera_update(*, actor: Actor, camera: Camera, **changes: Any) -> Camera:
    unknown = set(changes) - {"model", "status"}
    if unknown:
        raise ValidationError({k: "This field cannot be changed here." for k in sorted(unknown)})
    if "status" in changes and changes["status"] not in CameraStatus.values:
        raise ValidationError({"status": f"Unknown status {changes['status']!r}."})
    with audited(actor=actor, action="camera.update", obj=camera) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", camera)
        before = snapshot(camera)
        for key, value in changes.items():
            setattr(camera, key, value)
        camera.save()
        frame.updated(camera, before)
    return camera


def camera_assign(*, actor: Actor, camera: Camera, officer: Officer | None, started: dt.datetime) -> \
        CameraAssignment | None:
    """Issue the camera to `officer` from `started` (None = return it): the open assignment ends then."""
    with audited(actor=actor, action="camera.assign", obj=camera) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", camera)
        if officer is not None and officer.agency_id != camera.agency_id:
            raise ValidationError({"officer": "The officer belongs to another agency."})
        current = camera.assignments.filter(ended__isnull=True).first()
        if current is not None:
            if started <= current.started:
                raise ValidationError({"started": f"Must be after the current assignment began ({current.started})."})
            before = snapshot(current)
            current.ended = started
            current.save(update_fields=["ended", "last_updated"])
            frame.updated(current, before)
        if officer is None:
            return None
        assignment = CameraAssignment.objects.create(agency=camera.agency, camera=camera, officer=officer,
                                                     started=started)
        frame.created(assignment)
    return assignment


# A body-worn camera does not record for a day on end: a span that long is a date typed wrong.
MAX_RECORDING = dt.timedelta(hours=24)


def _recording_problems(agency: Agency, row: Mapping[str, Any]) -> dict[str, str]:
    from safecity.policing.retention import categories

    errors: dict[str, str] = {}
    if not str(row.get("external_id") or "").strip():
        errors["external_id"] = "Required."
    started, ended = row.get("started"), row.get("ended")
    if not isinstance(started, dt.datetime):
        errors["started"] = "Required: when the recording started."
    if not isinstance(ended, dt.datetime):
        errors["ended"] = "Required: when the recording ended."
    if isinstance(started, dt.datetime) and isinstance(ended, dt.datetime):
        if ended <= started:
            errors["ended"] = "Must be after the start."
        elif ended - started >= MAX_RECORDING:
            errors["ended"] = "A recording of 24 hours or more is not plausible; check the dates and times."
        if started > timezone.now():
            errors["started"] = "Cannot be in the future."
    if row.get("category") not in categories():
        errors["category"] = f"Unknown category {row.get('category')!r}; use one of {', '.join(categories())}."
    officer = row.get("officer")
    if not isinstance(officer, Officer) or officer.agency_id != agency.pk:
        errors["officer"] = "Required: an officer of this agency."
    camera = row.get("camera")
    if camera is not None and camera.agency_id != agency.pk:
        errors["camera"] = "The camera belongs to another agency."
    return errors


RECORDING_FIELDS = ("camera", "officer", "external_id", "started", "ended", "category", "cad_number")


def recording_create(*, actor: Actor, agency: Agency, **row: Any) -> Recording:
    with audited(actor=actor, action="recording.create") as frame:
        _check(actor, agency)
        errors = _recording_problems(agency, row)
        if not errors and Recording.objects.filter(agency=agency, external_id=row["external_id"]).exists():
            errors["external_id"] = "This agency already has a recording with that id."
        if errors:
            raise ValidationError(errors)
        recording = Recording.objects.create(agency=agency, **{k: row.get(k) or ("" if k == "cad_number" else None)
                                                               for k in RECORDING_FIELDS})
        frame.created(recording)
    return recording


def recordings_bulk_create(*, actor: Actor, agency: Agency, rows: Iterable[Mapping[str, Any]]) -> int:
    """Add many recordings in one audited action (the demo, an import); rows whose id exists are skipped."""
    rows = list(rows)
    with audited(actor=actor, action="recording.bulk_create") as frame:
        _check(actor, agency)
        existing = set(Recording.objects.filter(agency=agency).values_list("external_id", flat=True))
        new = []
        for n, row in enumerate(rows, 1):
            errors = _recording_problems(agency, row)
            if errors:
                raise ValidationError({f"row {n}.{k}": v for k, v in errors.items()})
            if row["external_id"] in existing:
                continue
            existing.add(row["external_id"])
            new.append(Recording(agency=agency, **{k: row.get(k) or ("" if k == "cad_number" else None)
                                                   for k in RECORDING_FIELDS}))
        Recording.objects.bulk_create(new, batch_size=2000)
        frame.touch(agency.pk)
        frame.extra.update({"agency": agency.ori, "added": len(new), "skipped": len(rows) - len(new)})
    return len(new)


def recordings_import(*, actor: Actor, agency: Agency, new: Sequence[Mapping[str, Any]],
                      changed: Mapping[int, Mapping[str, Any]], batch_id: int | None = None) -> int:
    """Write one batch of an imported recordings file (`safecity import recordings`): `new` rows are added,
    `changed` ones (primary key → values) updated in place, keeping their legal hold and purge marks. Rows carry
    `external_id`, `officer_id`, `camera_id`, `started`, `ended`, `category`, `cad_number`, already checked by
    the importer; they are checked again here like any recording. The importer framework calls this inside the
    batch's own transaction (`core.importing.actions.batch_commit`), so this event, the batch's and the rows
    commit together; the before/after history of changed rows is the batch's."""
    with audited(actor=actor, action="recording.import") as frame:
        _check(actor, agency)
        if changed:
            _check(actor, agency, "change")
        rows = [*new, *changed.values()]
        officers = Officer.objects.filter(agency=agency).in_bulk({r["officer_id"] for r in rows})
        cameras = Camera.objects.filter(agency=agency).in_bulk({r["camera_id"] for r in rows if r["camera_id"]})
        errors: dict[str, str] = {}
        for row in rows:
            objects = {**row, "officer": officers.get(row["officer_id"]), "camera": cameras.get(row["camera_id"])}
            if row["camera_id"] and objects["camera"] is None:
                errors[f"{row['external_id']}.camera"] = "Not a camera of this agency."
            errors.update({f"{row['external_id']}.{k}": v for k, v in _recording_problems(agency, objects).items()})
        taken = Recording.objects.filter(agency=agency, external_id__in=[r["external_id"] for r in new])
        errors.update({f"{ext}.external_id": "This agency already has a recording with that id."
                       for ext in taken.values_list("external_id", flat=True)})
        if errors:
            raise ValidationError(errors)
        fields = ("camera_id", "officer_id", "started", "ended", "category", "cad_number")
        Recording.objects.bulk_create(
            [Recording(agency=agency, external_id=r["external_id"], import_batch_id=batch_id,
                       **{f: r[f] for f in fields}) for r in new], batch_size=2000)
        updates = [Recording(pk=pk, agency=agency, import_batch_id=batch_id, **{f: r[f] for f in fields})
                   for pk, r in changed.items()]
        Recording.objects.bulk_update(updates, [*fields, "import_batch"], batch_size=2000)
        frame.touch(agency.pk)
        frame.extra.update({"agency": agency.ori, "batch": batch_id, "added": len(new), "updated": len(updates)})
    return len(new) + len(updates)


def _event_problems(agency: Agency, row: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    kind = row.get("kind")
    if kind not in EventKind.values:
        return {"kind": f"Unknown kind {kind!r}; use one of {', '.join(EventKind.values)}."}
    officer = row.get("officer")
    if not isinstance(officer, Officer) or officer.agency_id != agency.pk:
        errors["officer"] = "Required: an officer of this agency."
    target = {EventKind.INCIDENT: "incident", EventKind.STOP: "stop", EventKind.FORCE: "force_incident"}[kind]
    linked = row.get(target)
    if linked is None:
        errors[target] = f"Required for a {kind} event."
    elif linked.agency_id != agency.pk:
        errors[target] = "The record belongs to another agency."
    others = {"incident", "stop", "force_incident"} - {target}
    for name in others:
        if row.get(name) is not None:
            errors[name] = f"A {kind} event links only its {target.replace('_', ' ')}."
    start, end = row.get("on_scene_from"), row.get("on_scene_to")
    if start is not None and end is not None and end < start:
        errors["on_scene_to"] = "Must not be before arrival."
    return errors


EVENT_FIELDS = ("officer", "kind", "incident", "stop", "force_incident", "on_scene_from", "on_scene_to", "on_duty")


def officer_event_create(*, actor: Actor, agency: Agency, **row: Any) -> OfficerEvent:
    """Record that an officer attended an incident, stop or use of force (a CAD dispatch link)."""
    with audited(actor=actor, action="officer_event.create") as frame:
        _check(actor, agency)
        errors = _event_problems(agency, row)
        if errors:
            raise ValidationError(errors)
        event = OfficerEvent.objects.create(agency=agency, **{k: row[k] for k in EVENT_FIELDS if k in row})
        frame.created(event)
    return event


def officer_events_bulk_create(*, actor: Actor, agency: Agency, rows: Iterable[Mapping[str, Any]]) -> int:
    """Many dispatch links in one audited action; a link that exists already (same officer and record) is
    skipped, so re-running adds nothing."""
    rows = list(rows)
    with audited(actor=actor, action="officer_event.bulk_create") as frame:
        _check(actor, agency)
        have = set(OfficerEvent.objects.filter(agency=agency).values_list(
            "officer_id", "kind", "incident_id", "stop_id", "force_incident_id"))
        new = []
        for n, row in enumerate(rows, 1):
            errors = _event_problems(agency, row)
            if errors:
                raise ValidationError({f"row {n}.{k}": v for k, v in errors.items()})
            key = (row["officer"].pk, row["kind"], *(getattr(row.get(k), "pk", None)
                                                     for k in ("incident", "stop", "force_incident")))
            if key in have:
                continue
            have.add(key)
            new.append(OfficerEvent(agency=agency, **{k: row[k] for k in EVENT_FIELDS if k in row}))
        OfficerEvent.objects.bulk_create(new, batch_size=2000)
        frame.touch(agency.pk)
        frame.extra.update({"agency": agency.ori, "added": len(new)})
    return len(new)


def recording_legal_hold(*, actor: Actor, recording: Recording, hold: bool, reason: str = "") -> Recording:
    """Put a recording on legal hold (it is then never purge-due) or lift the hold; the reason is required
    to set one."""
    with audited(actor=actor, action="recording.hold" if hold else "recording.release", obj=recording) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", recording)
        if hold and not reason.strip():
            raise ValidationError({"reason": "Say why the recording is held (case, subpoena, complaint)."})
        if recording.purged_at is not None:
            raise ValidationError({"recording": "The recording was purged; a hold can no longer apply."})
        before = snapshot(recording)
        recording.legal_hold = hold
        recording.legal_hold_reason = reason.strip() if hold else ""
        recording.save(update_fields=["legal_hold", "legal_hold_reason", "last_updated"])
        frame.updated(recording, before)
        frame.extra["reason"] = reason.strip()
    return recording


def recording_purge(*, actor: Actor, recordings: Iterable[Recording], today: dt.date | None = None) -> int:
    """Mark recordings purged (when, by whom); each must be past its retention date and not on legal hold.
    A recording that is not purge-due refuses the whole batch, naming it."""
    day = today or timezone.localdate()
    items = list(recordings)
    with audited(actor=actor, action="recording.purge") as frame:
        errors: dict[str, str] = {}
        for rec in items:
            if not is_system(actor):
                ensure_can(actor, "delete", rec)
            until = retention_until(rec.category, rec.started, rec.ended)
            if rec.purged_at is not None:
                errors[rec.external_id] = "Already purged."
            elif rec.legal_hold:
                errors[rec.external_id] = "On legal hold."
            elif until is None or until >= day:
                errors[rec.external_id] = (f"Kept until {until.isoformat()}." if until else
                                           "Its category has no date-based retention; a person decides.")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        name = actor.get_username() if isinstance(actor, User) else str(actor)
        for rec in items:
            before = snapshot(rec)
            rec.purged_at = now
            rec.purged_by = actor if isinstance(actor, User) else None
            rec.purged_by_name = name
            rec.save(update_fields=["purged_at", "purged_by", "purged_by_name", "last_updated"])
            frame.updated(rec, before)
        frame.extra.update({"purged": len(items), "external_ids": [r.external_id for r in items][:200]})
    return len(items)
