"""Validation against reference data, and the derived fields every incident carries.

The rules themselves (primary offense, firearm, shooting, fatal, labels) are in `safecity.incidents.facts`, the
one module every way of creating an incident calls; this module applies them to parsed records at import speed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from safecity.incidents import facts
from safecity.incidents.bias import bias_motivation_names
from safecity.incidents.importers.records import IncidentRec, RowError


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
    offense_firearm: tuple[bool, ...]
    victim_fatal: tuple[bool, ...]  # per victim, in record order
    victim_shot: tuple[bool, ...]


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
                 areas: Areas | None = None, now: dt.datetime | None = None) -> None:
        self.codes = codes
        self.bias_names = bias_motivation_names()
        self._bias_checked: dict[tuple[str, ...], str] = {}
        self.zone = ZoneInfo(zone)
        self.areas = areas if areas is not None else Areas(agency)
        self.number_field = number_field
        # A day of slack for clocks and time zones; the demo passes `now` = its build time (and adds no slack
        # of its own: it never generates an incident after that time).
        self.horizon = (now or dt.datetime.now(dt.UTC)) + dt.timedelta(days=1)
        self._facts: dict[facts.OffenseKey, facts.OffenseFacts] = {}

    def bias_problem(self, bias: tuple[str, ...]) -> str:
        # A file repeats a handful of combinations; each is checked once.
        found = self._bias_checked.get(bias)
        if found is None:
            found = self._bias_checked[bias] = facts.bias_problem(bias, self.bias_names)
        return found

    def primary(self, codes: list[str]) -> str:
        return facts.primary_offense(codes, self.codes)

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
            bias = offense.bias_codes
            if not bias:
                offense.bias_codes = [facts.BIAS_NONE]
            elif bias != [facts.BIAS_NONE]:
                problem = self.bias_problem(tuple(bias))
                if problem:
                    errors.append(RowError(line, "bias_motivation", " ".join(bias), problem))
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

    def derive(self, rec: IncidentRec, district_id: int | None, beat_id: int | None) -> Prepared:
        # What follows from the offenses alone is worked out once per distinct combination of codes and
        # weapons (a file repeats a few hundred across a million rows); the rest is per record, with the same
        # `facts` rules the other ways of creating an incident use (`facts.derive` composes them).
        key = tuple([(o.code, tuple(o.weapon_codes)) for o in rec.offenses])
        of = self._facts.get(key)
        if of is None:
            of = self._facts[key] = facts.offense_facts(key, self.codes)
        fatal, sensitivity, victim_fatal, victim_shot = facts.people_facts(of, rec.victims, rec.offenders,
                                                                          rec.arrestees)
        return Prepared(
            rec=rec, digest=rec.content_hash(),
            occurred_date=rec.occurred_from.astimezone(self.zone).date(),
            district_id=district_id, beat_id=beat_id, is_firearm=of.is_firearm,
            is_violent=of.is_violent, is_shooting=of.is_shooting, is_fatal=fatal,
            primary_offense=of.primary_offense, sensitivity=sensitivity,
            offense_firearm=of.offense_firearm,  # shared between rows with the same offenses; only ever read
            victim_fatal=victim_fatal, victim_shot=victim_shot,
        )
