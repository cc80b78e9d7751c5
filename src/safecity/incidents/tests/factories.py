"""Test factories for incidents with their offenses and victims (derived fields set as an import would)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from safecity.core import actions
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, Beat, District
from safecity.incidents.codes import current_codes, load_code_table
from safecity.incidents.models import Incident, Offense, Victim
from safecity.incidents.models.incident import involves_firearm

HIERARCHY = ("09A", "11A", "11B", "11C", "120", "13A", "220", "23A", "23B", "23C", "23D", "23E", "23F", "23G",
             "23H", "240", "200", "13B", "290", "35A")
VIOLENT = {"09A", "11A", "11B", "11C", "120", "13A"}
PERSON = {"09A", "11A", "11B", "11C", "13A", "13B"}
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
    """offenses = [(code, weapon codes)]; victims = [(offense codes, fatal, shot)]."""
    codes = current_codes()
    if not codes:
        load_code_table()
        codes = current_codes()
    victims = victims if victims is not None else [([offenses[0][0]], False, False)]
    when = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))
    codes_in = [c for c, _ in offenses]
    firearm = any(involves_firearm(w) for _, w in offenses)
    inc = Incident.objects.create(
        agency=agency, incident_number=f"T{next(_numbers):06d}", occurred_from=when, occurred_date=day,
        district=district or (beat.district if beat else None), beat=beat, latitude=lat, longitude=lon,
        is_firearm=firearm, is_violent=any(c in VIOLENT for c in codes_in),
        is_shooting=any(shot for _, _, shot in victims) or (firearm and any(c in PERSON for c in codes_in)),
        is_fatal=any(fatal for _, fatal, _ in victims), victim_count=len(victims), offense_count=len(offenses),
        primary_offense=min(codes_in, key=lambda c: HIERARCHY.index(c) if c in HIERARCHY else 99),
        source="test", sensitivity=sensitivity)
    for n, (code, weapons) in enumerate(offenses, start=1):
        Offense.objects.create(agency=agency, incident=inc, seq=n, code=codes[code], occurred_date=day,
                               weapon_codes=weapons, is_firearm=involves_firearm(weapons))
    for n, (vcodes, fatal, shot) in enumerate(victims, start=1):
        Victim.objects.create(agency=agency, incident=inc, seq=n, offense_codes=vcodes, is_fatal=fatal, is_shot=shot)
    return inc
