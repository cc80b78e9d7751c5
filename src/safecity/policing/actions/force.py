"""Use-of-force writes: one audited action writes a whole incident (its subjects and officers with it).

`fbi_reportable` is derived here, never typed in: the FBI National Use-of-Force Data Collection takes an
incident when force led to a death, to a *serious bodily injury* — "bodily injury which involves a substantial
risk of death, unconsciousness, extreme physical pain, protracted and obvious disfigurement, or protracted loss
or impairment of the function of a bodily member, organ, or mental faculty" (18 U.S.C. 2246(4)) — or when an
officer discharged a firearm at or in the direction of a person.
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
from safecity.core.models import Agency
from safecity.core.permissions import ensure_can, ensure_module
from safecity.core.roles import Module
from safecity.incidents.selectors import offense_codes_current
from safecity.policing import vocab
from safecity.policing.models import (
    EventKind,
    Injury,
    Officer,
    OfficerEvent,
    UseOfForceIncident,
    UseOfForceOfficer,
    UseOfForceSubject,
)

__all__ = ["force_incident_create", "force_incident_update", "force_incidents_bulk_create", "is_fbi_reportable"]

INJURY_RANK = {Injury.NONE: 0, Injury.MINOR: 1, Injury.SERIOUS: 2, Injury.DEATH: 3}
SUBJECT_FIELDS = ("sex", "race", "ethnicity", "age", "height_in", "weight_lb", "impaired", "impairment_type",
                  "perceived_threat", "armed", "resisted", "resistance", "force_types", "injury")
OFFICER_FIELDS = ("officer", "on_duty", "injured", "force_types", "firearm_discharged")
INCIDENT_FIELDS = ("case_number", "occurred_at", "location", "lat", "lng", "location_type", "district",
                   "reason_for_contact", "officer_approached", "ambush", "supervisor_on_scene",
                   "supervisor_consulted", "most_serious_offense")


def is_fbi_reportable(subject_injuries: Iterable[str], firearm_discharged: Iterable[bool]) -> bool:
    """Death, serious bodily injury (18 U.S.C. 2246(4)), or a firearm discharged at or toward a person."""
    return any(i in (Injury.DEATH, Injury.SERIOUS) for i in subject_injuries) or any(firearm_discharged)


def _choice(value: Any, choices: type[Any], where: str, errors: dict[str, str], *, blank: bool = True) -> None:
    if value in ("", None) and blank:
        return
    if value not in choices.values:
        errors[where] = f"Unknown value {value!r}; use one of {', '.join(choices.values)}."


def _check_types(types: Any, where: str, errors: dict[str, str]) -> None:
    if not isinstance(types, list | tuple):
        errors[where] = "A list of force types."
        return
    bad = [t for t in types if t not in vocab.ForceType.values]
    if bad:
        errors[where] = f"Unknown force type(s) {', '.join(map(repr, bad))}; use {', '.join(vocab.ForceType.values)}."


def _validate(agency: Agency, data: Mapping[str, Any], subjects: Sequence[Mapping[str, Any]],
              officers: Sequence[Mapping[str, Any]], *, current: UseOfForceIncident | None,
              taken: set[str] | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    case = str(data.get("case_number") or "").strip()
    if not case:
        errors["case_number"] = "Required."
    elif (case in taken) if taken is not None else UseOfForceIncident.objects.filter(
            agency=agency, case_number=case).exclude(pk=current.pk if current else None).exists():
        errors["case_number"] = "This agency already has a use-of-force incident with that case number."
    occurred = data.get("occurred_at")
    if not isinstance(occurred, dt.datetime):
        errors["occurred_at"] = "Required: the date and time of the incident."
    elif occurred > timezone.now():
        errors["occurred_at"] = "Cannot be in the future."
    lat, lng = data.get("lat"), data.get("lng")
    if (lat is None) != (lng is None):
        errors["lat"] = "Give both latitude and longitude, or neither."
    elif lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["lat"] = "Latitude must be within ±90 and longitude within ±180."
    district = data.get("district")
    if district is not None and district.agency_id != agency.pk:
        errors["district"] = "The district belongs to another agency."
    _choice(data.get("reason_for_contact"), vocab.ContactReason, "reason_for_contact", errors)
    _choice(data.get("location_type"), vocab.LocationType, "location_type", errors)
    offense = str(data.get("most_serious_offense") or "").strip().upper()
    if offense and offense not in offense_codes_current():
        errors["most_serious_offense"] = f"{offense!r} is not a NIBRS offense code in the code table."
    if not subjects:
        errors["subjects"] = "At least one subject."
    if not officers:
        errors["officers"] = "At least one officer who applied force."
    for n, subject in enumerate(subjects, 1):
        where = f"subjects[{n}]"
        unknown = set(subject) - set(SUBJECT_FIELDS)
        if unknown:
            errors[where] = f"Unknown field(s): {', '.join(sorted(unknown))}."
        _choice(subject.get("sex"), vocab.Sex, f"{where}.sex", errors)
        _choice(subject.get("race"), vocab.SubjectRace, f"{where}.race", errors)
        _choice(subject.get("ethnicity"), vocab.Ethnicity, f"{where}.ethnicity", errors)
        _choice(subject.get("armed"), vocab.Armed, f"{where}.armed", errors)
        _choice(subject.get("resistance"), vocab.Resistance, f"{where}.resistance", errors)
        _choice(subject.get("injury", Injury.NONE), Injury, f"{where}.injury", errors, blank=False)
        _check_types(subject.get("force_types", []), f"{where}.force_types", errors)
        age = subject.get("age")
        if age is not None and not 0 <= age <= 120:
            errors[f"{where}.age"] = "Between 0 and 120."
    seen: set[int] = set()
    for n, row in enumerate(officers, 1):
        where = f"officers[{n}]"
        officer = row.get("officer")
        if not isinstance(officer, Officer):
            errors[f"{where}.officer"] = "Required: the officer (by employee id or badge)."
            continue
        if officer.agency_id != agency.pk:
            errors[f"{where}.officer"] = "The officer belongs to another agency."
        if officer.pk in seen:
            errors[f"{where}.officer"] = "The same officer is listed twice."
        seen.add(officer.pk)
        _check_types(row.get("force_types", []), f"{where}.force_types", errors)
    return errors


def _derive(incident: UseOfForceIncident, subjects: Sequence[Mapping[str, Any]],
            officers: Sequence[Mapping[str, Any]]) -> None:
    injuries = [s.get("injury", Injury.NONE) for s in subjects]
    incident.fbi_reportable = is_fbi_reportable(injuries, (bool(o.get("firearm_discharged")) for o in officers))
    incident.worst_injury = max(injuries, key=lambda i: INJURY_RANK[Injury(i)]) if injuries else Injury.NONE
    types = sorted({t for row in [*subjects, *officers] for t in row.get("force_types", [])})
    incident.force_types_text = f",{','.join(types)}," if types else ""
    incident.officers_applying_force = len(officers)


def _write_parts(frame: Any, incident: UseOfForceIncident, subjects: Sequence[Mapping[str, Any]],
                 officers: Sequence[Mapping[str, Any]]) -> None:
    for n, subject in enumerate(subjects, 1):
        row = UseOfForceSubject.objects.create(
            agency=incident.agency, force_incident=incident, sequence=n,
            **{k: subject[k] for k in SUBJECT_FIELDS if k in subject and subject[k] is not None})
        frame.created(row)
    for data in officers:
        row2 = UseOfForceOfficer.objects.create(
            agency=incident.agency, force_incident=incident, **{k: data[k] for k in OFFICER_FIELDS if k in data})
        frame.created(row2)
        # The dispatch link the camera-activation report reads: this officer was at this event.
        event = OfficerEvent.objects.create(agency=incident.agency, officer=data["officer"], kind=EventKind.FORCE,
                                            force_incident=incident, on_duty=data.get("on_duty", True))
        frame.created(event)


def _clean_incident(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(INCIDENT_FIELDS)
    if unknown:
        raise ValidationError({k: "This field is not part of a use-of-force incident." for k in sorted(unknown)})
    out = dict(data)
    out["case_number"] = str(out.get("case_number") or "").strip()
    out["most_serious_offense"] = str(out.get("most_serious_offense") or "").strip().upper()
    for key in ("location", "location_type", "reason_for_contact"):
        out[key] = out.get(key) or ""
    return out


def force_incident_create(*, actor: Actor, agency: Agency, subjects: Sequence[Mapping[str, Any]],
                          officers: Sequence[Mapping[str, Any]], **incident: Any) -> UseOfForceIncident:
    """Add a use-of-force incident with its subjects and officers, in one audited action."""
    data = _clean_incident(incident)
    with audited(actor=actor, action="force.create") as frame:
        if not is_system(actor):
            ensure_module(actor, Module.POLICING, "add", agency.pk)
        errors = _validate(agency, data, subjects, officers, current=None)
        if errors:
            raise ValidationError(errors)
        record = UseOfForceIncident(agency=agency, **data)
        _derive(record, subjects, officers)
        record.save()
        frame.created(record)
        _write_parts(frame, record, subjects, officers)
    return record


def force_incident_update(*, actor: Actor, force_incident: UseOfForceIncident,
                          subjects: Sequence[Mapping[str, Any]] | None = None,
                          officers: Sequence[Mapping[str, Any]] | None = None, **changes: Any) -> UseOfForceIncident:
    """Change an incident; given `subjects` / `officers` replace the lists whole (the history keeps the old)."""
    record = force_incident
    with audited(actor=actor, action="force.update", obj=record) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", record)
        current = {k: getattr(record, k) for k in INCIDENT_FIELDS}
        data = _clean_incident({**current, **changes})
        old_subjects = list(record.subjects.all())
        old_officers = list(record.officers.select_related("officer"))
        new_subjects = subjects if subjects is not None else [
            {k: getattr(s, k) for k in SUBJECT_FIELDS} for s in old_subjects]
        new_officers = officers if officers is not None else [
            {k: getattr(o, k) for k in OFFICER_FIELDS} for o in old_officers]
        errors = _validate(record.agency, data, new_subjects, new_officers, current=record)
        if errors:
            raise ValidationError(errors)
        before = snapshot(record)
        for key, value in data.items():
            setattr(record, key, value)
        _derive(record, new_subjects, new_officers)
        record.save()
        frame.updated(record, before)
        if subjects is not None or officers is not None:
            for old in [*old_subjects, *old_officers, *record.officer_events.all()]:
                frame.deleted(old, snapshot(old))
                old.delete()
            _write_parts(frame, record, new_subjects, new_officers)
    return record


def force_incidents_bulk_create(*, actor: Actor, agency: Agency, incidents: Sequence[Mapping[str, Any]]) -> int:
    """Many incidents (each a mapping of incident fields plus `subjects` and `officers`) in one audited action,
    checked exactly as `force_incident_create` checks one; a refused item refuses the batch, naming it. For the
    demo and imports: one transaction and bulk inserts instead of one action per incident."""
    with audited(actor=actor, action="force.bulk_create") as frame:
        if not is_system(actor):
            ensure_module(actor, Module.POLICING, "add", agency.pk)
        taken = set(UseOfForceIncident.objects.filter(agency=agency).values_list("case_number", flat=True))
        records, parts = [], []
        for n, item in enumerate(incidents, 1):
            subjects, officers = list(item.get("subjects") or []), list(item.get("officers") or [])
            data = _clean_incident({k: v for k, v in item.items() if k not in ("subjects", "officers")})
            errors = _validate(agency, data, subjects, officers, current=None, taken=taken)
            if errors:
                raise ValidationError({f"incident {n} ({data['case_number']}).{k}": v for k, v in errors.items()})
            taken.add(data["case_number"])
            record = UseOfForceIncident(agency=agency, **data)
            _derive(record, subjects, officers)
            records.append(record)
            parts.append((subjects, officers))
        UseOfForceIncident.objects.bulk_create(records, batch_size=1000)
        subject_rows, officer_rows, events = [], [], []
        for record, (subjects, officers) in zip(records, parts, strict=True):
            subject_rows += [UseOfForceSubject(agency=agency, force_incident=record, sequence=i, **{
                k: s[k] for k in SUBJECT_FIELDS if k in s and s[k] is not None}) for i, s in enumerate(subjects, 1)]
            officer_rows += [UseOfForceOfficer(agency=agency, force_incident=record, **{
                k: o[k] for k in OFFICER_FIELDS if k in o}) for o in officers]
            events += [OfficerEvent(agency=agency, officer=o["officer"], kind=EventKind.FORCE, force_incident=record,
                                    on_duty=o.get("on_duty", True)) for o in officers]
        UseOfForceSubject.objects.bulk_create(subject_rows, batch_size=2000)
        UseOfForceOfficer.objects.bulk_create(officer_rows, batch_size=2000)
        OfficerEvent.objects.bulk_create(events, batch_size=2000)
        frame.touch(agency.pk)
        frame.extra.update({"agency": agency.ori, "added": len(records)})
    return len(records)
