"""Validation against reference data and the derived fields every incident carries.

Primary offense order (documented in docs/importing.md): the Summary Reporting hierarchy for Part I
offenses first (murder, rape, robbery, aggravated assault, burglary, larceny, motor-vehicle theft, arson),
then every other offense by crime-against category (person, property, society, not a crime), Group A
before Group B, then code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from safecity.core.roles import Sensitivity
from safecity.incidents.importers.records import IncidentRec, RowError
from safecity.incidents.models.incident import FIREARM_WEAPON_CODES

HIERARCHY = ("09A", "11A", "11B", "11C", "120", "13A", "220", "23A", "23B", "23C", "23D", "23E", "23F", "23G",
             "23H", "240", "200")
AGAINST_ORDER = {"person": 0, "property": 1, "society": 2, "none": 3}
VICTIM_IDENTIFYING_CODES = frozenset({"11A", "11B", "11C", "11D", "36A", "36B", "64A", "64B"})
HOMICIDE = "09A"
_Facts = tuple[list[bool], bool, bool, bool, bool, str, bool]


@dataclass(slots=True)
class Prepared:
    """A validated record with everything the database row needs."""

    rec: IncidentRec
    digest: str
    occurred_date: dt.date
    district_id: int | None
    beat_id: int | None
    is_firearm: bool
    is_violent: bool
    is_shooting: bool
    is_fatal: bool
    primary_offense: str
    sensitivity: int
    offense_firearm: list[bool]


class Areas:
    """District/beat lookup; an agency with geography rejects points outside it."""

    def __init__(self, agency: Any) -> None:
        from shapely.prepared import prep

        from safecity.core.geo import AreaIndex
        from safecity.core.models import District

        self.beats = AreaIndex(agency)
        self.districts = [(d, prep(d.shape())) for d in District.objects.filter(agency=agency)]
        self.has_geography = bool(self.beats.beats or self.districts)
        self._cache: dict[tuple[float, float], tuple[int | None, int | None] | None] = {}

    def locate(self, lon: float, lat: float) -> tuple[int | None, int | None] | None:
        # Open data publishes block-level coordinates, so the same point recurs thousands of times in a
        # file; each distinct point is tested against the polygons once (bounded so memory stays flat).
        key = (lon, lat)
        try:
            return self._cache[key]
        except KeyError:
            pass
        found = self._locate(lon, lat)
        if len(self._cache) >= 200_000:
            self._cache.clear()
        self._cache[key] = found
        return found

    def _locate(self, lon: float, lat: float) -> tuple[int | None, int | None] | None:
        district, beat = self.beats.locate(lon, lat)
        if beat is not None:
            return (district.pk if district else None), beat.pk
        if self.districts:
            from shapely.geometry import Point

            point = Point(lon, lat)
            for d, shape in self.districts:
                if d.min_lon <= lon <= d.max_lon and d.min_lat <= lat <= d.max_lat and shape.covers(point):
                    return d.pk, None
        return None


class Validator:
    def __init__(self, agency: Any, codes: dict[str, Any], zone: str, number_field: str = "incident_number",
                 areas: Areas | None = None) -> None:
        self.codes = codes
        self.zone = ZoneInfo(zone)
        self.areas = areas if areas is not None else Areas(agency)
        self.number_field = number_field
        self.rank = {code: i for i, code in enumerate(HIERARCHY)}
        self.horizon = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        self._facts: dict[tuple[tuple[str, tuple[str, ...]], ...], _Facts] = {}

    def primary(self, codes: list[str]) -> str:
        def key(code: str) -> tuple[int, int, int, str]:
            row = self.codes[code]
            return (self.rank.get(code, len(HIERARCHY)), AGAINST_ORDER.get(row.crime_against, 9),
                    0 if row.group == "A" else 1, code)

        return min(codes, key=key) if codes else ""

    def check(self, rec: IncidentRec) -> Prepared | list[RowError]:
        errors: list[RowError] = []
        line = rec.line
        if rec.occurred_from > self.horizon:
            errors.append(RowError(line, "occurred_from", rec.occurred_from.isoformat(),
                                   "occurred date is in the future"))
        if rec.occurred_to is not None and rec.occurred_to < rec.occurred_from:
            errors.append(RowError(line, "occurred_to", rec.occurred_to.isoformat(),
                                   "end of the occurrence window is before its start"))
        codes = self.codes
        for offense in rec.offenses:
            if offense.code not in codes:
                errors.append(RowError(line, "offense_code", offense.code,
                                       "offense code is not in the current NIBRS code table"))
        for arrestee in rec.arrestees:
            if arrestee.offense_code and arrestee.offense_code not in codes:
                errors.append(RowError(line, "arrest_offense_code", arrestee.offense_code,
                                       "arrest offense code is not in the current NIBRS code table"))
        district_id = beat_id = None
        if rec.latitude is not None and rec.longitude is not None and self.areas.has_geography:
            found = self.areas.locate(rec.longitude, rec.latitude)
            if found is None:
                errors.append(RowError(line, "coordinates", f"{rec.latitude},{rec.longitude}",
                                       "outside the city: the point is in none of the agency's beats or districts"))
            else:
                district_id, beat_id = found
        if errors:
            return errors
        return self.derive(rec, district_id, beat_id)

    def _offense_facts(self, key: tuple[tuple[str, tuple[str, ...]], ...]) -> _Facts:
        """(per-offense firearm, any firearm, shooting, violent, homicide, primary offense, victim-identifying).

        These depend only on the offense codes and weapons, and a file repeats a few hundred combinations
        across a million rows, so each combination is worked out once per run (`derive` keeps the cache).
        """
        codes = self.codes
        offense_codes = [code for code, _ in key]
        firearm = [any(w.upper() in FIREARM_WEAPON_CODES for w in weapons) for _, weapons in key]
        shooting = any(f and (codes[code].crime_against == "person" or code == "120")
                       for (code, _), f in zip(key, firearm, strict=True))
        return (firearm, any(firearm), shooting, any(codes[c].is_violent for c in offense_codes),
                HOMICIDE in offense_codes, self.primary(offense_codes),
                bool(VICTIM_IDENTIFYING_CODES.intersection(offense_codes)))

    def derive(self, rec: IncidentRec, district_id: int | None, beat_id: int | None) -> Prepared:
        key = tuple([(o.code, tuple(o.weapon_codes)) for o in rec.offenses])
        facts = self._facts.get(key)
        if facts is None:
            facts = self._facts[key] = self._offense_facts(key)
        firearm, any_firearm, shooting, violent, homicide, primary, identifying = facts
        sensitivity = int(Sensitivity.VICTIM_IDENTIFYING) if identifying else 0
        for person in rec.victims:
            if person.age is not None and person.age < 18:
                sensitivity |= Sensitivity.JUVENILE
                break
        else:
            for arrestee in rec.arrestees:
                if arrestee.age is not None and arrestee.age < 18:
                    sensitivity |= Sensitivity.JUVENILE
                    break
        return Prepared(
            rec=rec, digest=rec.content_hash(),
            occurred_date=rec.occurred_from.astimezone(self.zone).date(),
            district_id=district_id, beat_id=beat_id, is_firearm=any_firearm,
            is_violent=violent, is_shooting=shooting, is_fatal=homicide and bool(rec.victims),
            primary_offense=primary, sensitivity=int(sensitivity),
            offense_firearm=firearm,  # shared between rows with the same offenses; only ever read
        )
