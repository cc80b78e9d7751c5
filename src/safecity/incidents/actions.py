"""Writes to incident records: by hand (`incident_create`, `incident_update`) and by import, whose run is framed
by the importer framework's batch actions (`core.importing.actions`; `importers.store` is the raw-SQL fast path
they run inside their transaction — see docs/architecture.md, "The one sanctioned exception")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
    "IMPORT_ACTIONS", "IncidentFacts", "OffenseIn", "VictimIn", "VictimValues", "derive", "import_row_problems",
    "import_row_validator", "incident_create", "incident_update",
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
