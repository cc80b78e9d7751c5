"""Writes to incident records: by hand (`incident_create`, `incident_update`) and by import, whose run is framed
by the importer framework's batch actions (`core.importing.actions`; `importers.store` is the raw-SQL fast path
they run inside their transaction — see docs/architecture.md, "The one sanctioned exception")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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

# Re-exported for apps that build incident rows themselves (the demo city): the one place facts are derived.
__all__ = [
    "IMPORT_ACTIONS", "IncidentFacts", "OffenseIn", "VictimIn", "VictimValues", "derive", "incident_create",
    "incident_update",
]


@dataclass(frozen=True)
class OffenseIn:
    code: str
    attempted: bool = False
    weapon_codes: list[str] = field(default_factory=list)


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


# The run's writes (start, commit a batch, finish, reject, fail, heartbeat) are the importer framework's
# batch actions (`core.importing.actions`), called with the incident record type (`importers.pipeline.INCIDENTS`).


def offense_code_table_load() -> None:
    """(Re)load the shipped NIBRS offence-code table; idempotent.

    Reference data from the repository, loaded by migration `0002` the same way, so not an audited action:
    no person or agency record changes. Other apps (the demo builder on a flushed database) call this rather
    than reaching into `incidents.codes`.
    """
    from safecity.incidents.codes import load_code_table

    load_code_table()
