"""Test factories for incidents with their offenses and victims (derived fields from `incidents.facts`)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from safecity.core import actions, dataversion
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, Beat, District
from safecity.incidents.codes import current_codes, load_code_table
from safecity.incidents.facts import VictimValues, derive
from safecity.incidents.models import Incident, Offense, Victim

_numbers = itertools.count(1)


def square(lon: float, lat: float, size: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


def geography(agency: Agency, lon: float = -89.7, lat: float = 39.7) -> tuple[District, Beat]:
    """One district '1' containing one beat '101' (a 0.02° square)."""
    district = actions.district_save(actor=SYSTEM, agency=agency, code="1", name="Central District",
                                     geometry=square(lon, lat, 0.02), population=50_000)
    beat = actions.beat_save(actor=SYSTEM, district=district, code="101", name="Beat 101",
                             geometry=square(lon, lat, 0.02), population=50_000)
    return district, beat


def make_incident(
    agency: Agency, day: dt.date, offenses: list[tuple[str, list[str]]],
    victims: list[tuple[list[str], bool, bool]] | None = None, *, district: District | None = None,
    beat: Beat | None = None, lon: float | None = None, lat: float | None = None, sensitivity: int = 0,
    hour: int = 12,
) -> Incident:
    """offenses = [(code, weapon codes)]; victims = [(offense codes, fatal, shot)].

    Every derived field comes from `incidents.facts.derive`; a victim's `fatal` and `shot` say what the test
    expects and must agree with the rules (a test cannot build an incident an import never would). Without
    `victims`, one individual victim of the first offense is added. `sensitivity` adds labels to the derived ones.
    """
    codes = current_codes()
    if not codes:
        load_code_table()
        codes = current_codes()
    expected = victims if victims is not None else []
    victim_codes = [vc for vc, _, _ in expected] if victims is not None else [[offenses[0][0]]]
    found = derive(offenses=offenses, table=codes, victims=[VictimValues("I", None, tuple(vc)) for vc in victim_codes])
    for n, (_, fatal, shot) in enumerate(expected):
        if (fatal, shot) != (found.victim_fatal[n], found.victim_shot[n]):
            raise ValueError(f"victim {n + 1}: fatal={fatal}, shot={shot} but the rules derive "
                             f"fatal={found.victim_fatal[n]}, shot={found.victim_shot[n]} for {offenses}")
    when = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))
    inc = Incident.objects.create(
        agency=agency, incident_number=f"T{next(_numbers):06d}", occurred_from=when, occurred_date=day,
        district=district or (beat.district if beat else None), beat=beat, latitude=lat, longitude=lon,
        is_firearm=found.is_firearm, is_violent=found.is_violent, is_shooting=found.is_shooting,
        is_fatal=found.is_fatal, victim_count=found.victim_count, offense_count=found.offense_count,
        primary_offense=found.primary_offense, source="test", sensitivity=sensitivity | found.sensitivity)
    for n, ((code, weapons), firearm) in enumerate(zip(offenses, found.offense_firearm, strict=True), start=1):
        Offense.objects.create(agency=agency, incident=inc, seq=n, code=codes[code], occurred_date=day,
                               weapon_codes=weapons, is_firearm=firearm)
    for n, (vcodes, fatal, shot) in enumerate(zip(victim_codes, found.victim_fatal, found.victim_shot, strict=True),
                                              start=1):
        Victim.objects.create(agency=agency, incident=inc, seq=n, offense_codes=vcodes, is_fatal=fatal, is_shot=shot)
    dataversion.bump([agency.pk])  # as every real write path does, so cached analyses see the new incident
    return inc


def kill_store_after_writes(monkeypatch: Any, writes: int) -> None:
    """Make the import store raise KeyboardInterrupt right after its `writes`-th batch write, before that batch
    commits — a run killed midway. `monkeypatch.undo()` (or the fixture's teardown) puts the real write back."""
    from safecity.incidents.importers.store import IncidentStore

    real_write = IncidentStore.write
    calls = {"n": 0}

    def dying_write(self: IncidentStore, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        real_write(self, *args, **kwargs)
        if calls["n"] == writes:
            raise KeyboardInterrupt

    monkeypatch.setattr(IncidentStore, "write", dying_write)
