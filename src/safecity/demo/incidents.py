"""Synthetic NIBRS-shaped incidents for the demo city (about 2.5 years ending today).

What the generator builds, per agency (numbers at ``scale=1`` for Riverton, 612,480 people):

* **Offense mix** — annual counts in ``OFFENSE_MIX`` (≈ 38,000 Group A incidents a year, a violent-crime
  rate near 700 per 100,000), with a summer peak (``1 + a·cos(2π(day − 196)/365.25)``) and an evening
  hour profile for crimes against persons.
* **Space** — every beat gets crime in proportion to its population times a beat risk factor; a share of
  each category is concentrated around a handful of hot spots (Gaussian, σ ≈ 180–300 m) placed inside
  the agency's beat polygons. District and beat are derived from the polygons (point in polygon).
* **Shootings** — a self-exciting (Hawkes) process: background shootings arrive as a seasonal Poisson
  process; each shooting triggers Poisson(0.35) follow-on shootings a few days later (exponential delay,
  mean 4 days) within ~100 m (Gaussian, σ = 80 m) — retaliation/near-repeat, so the Knox test finds a
  real space–time interaction at short distances and times. 16% are fatal (primary offense 09A, a
  fatal shot victim); the rest are aggravated assaults with 1–3 shot victims.
* **Planted uptick** (documented so analysts can find it): in the first beat of the first district
  (code ``101``; ``S101`` for prefixed agencies) robberies rise over the last 8 weeks, an extra
  intensity ramping linearly from 0 to 4× the beat's normal robbery rate on the as-of day.
* **Import rules** — every generated incident passes the importer's own row validation
  (``incidents.actions.import_row_problems``, i.e. the importer's ``Validator``: codes in the table, dates not
  in the future, the point inside the agency's beats) or the build stops naming it. Nothing is generated
  after the build time: on the last day, times of day are squeezed into the hours already past, and reports
  are never later than the build.
* **Consistency** — offenses and victims are created with each incident; victims carry the offense codes
  they are connected to; every derived field (is_firearm, is_violent, is_shooting, is_fatal, the victims'
  is_fatal/is_shot, counts, primary offense, the juvenile and victim-identifying labels) comes from
  ``incidents.facts.derive`` — the rules an import and an incident entered by hand use — so an armed
  robbery counts as a shooting and a 16- or 17-year-old victim makes the incident juvenile, as on import.

Reproducible from ``seed`` and idempotent: incident numbers are ``DEMO-YYYYMMDD-NNNN`` (ordered by time
within the day) and numbers already on file are skipped. Public ids (the ones in URLs) are *not* derived from
the seed or the number: they are random version-4 UUIDs, so nobody can compute them from this source; a test
that needs the same ids twice passes a seeded generator as ``ids``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import IO, Any
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safecity.core import audit, dataversion
from safecity.core.actors import DEMO
from safecity.core.models import Agency, Beat
from safecity.incidents.actions import (
    VictimValues,
    derive,
    import_row_problems,
    import_row_validator,
    offense_code_table_load,
)
from safecity.incidents.models import Incident, Offense, Victim
from safecity.incidents.selectors import offense_codes_current

YEARS = 2.5
UPTICK_WEEKS = 8
UPTICK_PEAK = 4.0  # extra robbery intensity on the as-of day, as a multiple of the beat's normal rate
HAWKES_BRANCHING = 0.35
HAWKES_DELAY_DAYS = 4.0
HAWKES_SIGMA_M = 80.0
SHOOTING_BACKGROUND = 330  # background (immigrant) shootings a year at scale 1
FATAL_SHARE = 0.16

# code: (annual count at scale 1, seasonal amplitude, share at hot spots, location types, weapons)
OFFENSE_MIX: dict[str, tuple[float, float, float, tuple[str, ...], tuple[str, ...]]] = {
    "09A": (20, 0.15, 0.30, ("20", "13"), ("20", "30", "40")),
    "11A": (250, 0.10, 0.05, ("20", "13"), ("40",)),
    "11B": (40, 0.10, 0.05, ("20",), ("40",)),
    "11C": (30, 0.10, 0.05, ("20",), ("40",)),
    "120": (1300, 0.12, 0.30, ("13", "05", "07", "18"), ("12", "12", "40", "20", "99")),
    "13A": (2600, 0.20, 0.25, ("20", "13", "14"), ("20", "30", "40", "35")),
    "13B": (5000, 0.15, 0.15, ("20", "13"), ("40",)),
    "220": (2900, 0.08, 0.10, ("20", "05"), ()),
    "23C": (3000, 0.05, 0.35, ("05", "07"), ()),
    "23D": (1500, 0.05, 0.20, ("05", "20"), ()),
    "23F": (3500, 0.10, 0.20, ("18", "13"), ()),
    "23G": (600, 0.10, 0.15, ("18", "13"), ()),
    "23H": (4000, 0.08, 0.15, ("13", "20", "05"), ()),
    "240": (2700, 0.10, 0.15, ("13", "18", "20"), ()),
    "200": (150, 0.10, 0.10, ("20", "05"), ()),
    "290": (4200, 0.10, 0.15, ("20", "13", "05"), ()),
    "35A": (1700, 0.05, 0.40, ("13", "20"), ()),
    "26A": (1200, 0.00, 0.00, ("20",), ()),
}
PERSON = {"09A", "11A", "11B", "11C", "13A", "13B"}
STREETS = ["Maple", "River", "Oak", "Lincoln", "Harbor", "Cedar", "Market", "Mill", "Bluff", "Grant", "Prairie",
           "Willow", "Union", "Front", "Elm", "Ash", "Sycamore", "Depot", "Church", "Summit"]
HOUR_PERSON = np.array([5, 4, 4, 3, 2, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4, 5, 5, 6, 6, 7, 7, 7, 6], dtype=float)
HOUR_PROPERTY = np.array([2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 3, 3, 2], dtype=float)


@dataclass
class Event:
    code: str
    day: int
    x: float
    y: float
    beat: int = -1
    kind: str = "B"  # B background, S shooting, U planted uptick
    extra: dict[str, Any] = field(default_factory=dict)


class City:
    """The agency's beats as shapely polygons in local metres (equirectangular about the centre)."""

    def __init__(self, agency: Agency) -> None:
        self.beats = list(Beat.objects.filter(agency=agency).select_related("district").order_by("code"))
        if not self.beats:
            raise ValueError(f"{agency.ori} has no beats: build the geography first.")
        bounds = [b.shape().bounds for b in self.beats]
        self.lon0 = (min(b[0] for b in bounds) + max(b[2] for b in bounds)) / 2
        self.lat0 = (min(b[1] for b in bounds) + max(b[3] for b in bounds)) / 2
        self.kx = 111_320.0 * math.cos(math.radians(self.lat0))
        self.ky = 110_540.0
        self.polys = [shapely.transform(b.shape(), self._to_m) for b in self.beats]
        for p in self.polys:
            shapely.prepare(p)
        pops = np.array([b.population or 1 for b in self.beats], dtype=float)
        self.pop_weight = pops / pops.sum()

    def _to_m(self, coords: np.ndarray) -> np.ndarray:
        out = np.empty_like(coords)
        out[:, 0] = (coords[:, 0] - self.lon0) * self.kx
        out[:, 1] = (coords[:, 1] - self.lat0) * self.ky
        return out

    def lonlat(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.lon0 + x / self.kx, self.lat0 + y / self.ky

    def sample_in_beat(self, rng: np.random.Generator, beat: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        poly = self.polys[beat]
        x0, y0, x1, y1 = poly.bounds
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        got = 0
        while got < n:
            k = max(16, int((n - got) * 1.6))
            cx, cy = rng.uniform(x0, x1, k), rng.uniform(y0, y1, k)
            inside = shapely.contains_xy(poly, cx, cy)
            xs.append(cx[inside])
            ys.append(cy[inside])
            got += int(inside.sum())
        return np.concatenate(xs)[:n], np.concatenate(ys)[:n]

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        out = np.full(len(x), -1, dtype=np.int64)
        for i, poly in enumerate(self.polys):
            todo = out < 0
            if not todo.any():
                break
            hit = shapely.contains_xy(poly, x[todo], y[todo])
            idx = np.flatnonzero(todo)[hit]
            out[idx] = i
        return out


def _season(days: np.ndarray, start: dt.date, amplitude: float) -> np.ndarray:
    doy = np.array([(start + dt.timedelta(days=int(d))).timetuple().tm_yday for d in days], dtype=float)
    return 1.0 + amplitude * np.cos(2 * math.pi * (doy - 196) / 365.25)


def _uptick_beat(city: City) -> int:
    """The planted-uptick beat: first beat (by code) of the first district, i.e. 101 / S101."""
    return min(range(len(city.beats)), key=lambda i: (city.beats[i].district.code, city.beats[i].code))


def _simulate(city: City, rng: np.random.Generator, start: dt.date, n_days: int, scale: float,
              plant_uptick: bool) -> list[Event]:
    days = np.arange(n_days)
    beat_risk = rng.lognormal(0.0, 0.35, len(city.beats))
    weight = city.pop_weight * beat_risk
    weight /= weight.sum()
    # Hot spots: five points inside population-weighted beats, plus one in the uptick beat (a robbery corridor).
    up_beat = _uptick_beat(city)
    hot_beats = list(rng.choice(len(city.beats), size=5, replace=False, p=weight)) + [up_beat]
    hot = [city.sample_in_beat(rng, int(b), 1) for b in hot_beats]
    hot_xy = np.array([[h[0][0], h[1][0]] for h in hot])
    hot_sigma = rng.uniform(180, 300, len(hot_beats))
    events: list[Event] = []

    def place(n: int, hot_share: float, hot_weights: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        is_hot = rng.random(n) < hot_share
        x = np.empty(n)
        y = np.empty(n)
        beat = np.full(n, -1, dtype=np.int64)
        k = int(is_hot.sum())
        if k:
            hw = hot_weights if hot_weights is not None else np.ones(len(hot_beats)) / len(hot_beats)
            centre = rng.choice(len(hot_beats), size=k, p=hw)
            x[is_hot] = hot_xy[centre, 0] + rng.normal(0, hot_sigma[centre])
            y[is_hot] = hot_xy[centre, 1] + rng.normal(0, hot_sigma[centre])
        bg = np.flatnonzero(~is_hot)
        chosen = rng.choice(len(city.beats), size=len(bg), p=weight)
        for b in np.unique(chosen):
            sel = bg[chosen == b]
            bx, by = city.sample_in_beat(rng, int(b), len(sel))
            x[sel], y[sel], beat[sel] = bx, by, b
        if k:
            hot_idx = np.flatnonzero(is_hot)
            located = city.locate(x[hot_idx], y[hot_idx])
            outside = located < 0
            x[hot_idx[outside]] = hot_xy[0, 0]  # rare: a hot-spot draw fell outside the city
            y[hot_idx[outside]] = hot_xy[0, 1]
            located[outside] = city.locate(hot_xy[:1, 0], hot_xy[:1, 1])[0]
            beat[hot_idx] = located
        return x, y, beat

    for code, (annual, amp, hot_share, _, _) in OFFENSE_MIX.items():
        lam = annual * scale / 365.25 * _season(days, start, amp)
        per_day = rng.poisson(lam)
        day_of = np.repeat(days, per_day)
        hw = None
        if code == "120":  # robberies concentrate on the commercial corridor in the uptick beat
            hw = np.array([0.1] * 5 + [0.5])
        x, y, beat = place(len(day_of), hot_share, hw)
        events.extend(Event(code, int(d), float(a), float(b), int(c))
                      for d, a, b, c in zip(day_of, x, y, beat, strict=True))

    # Planted uptick: extra robberies in the uptick beat over the last UPTICK_WEEKS weeks.
    if plant_uptick:
        robbery_share = np.mean([e.beat == up_beat for e in events if e.code == "120"]) if events else 0.0
        base_daily = OFFENSE_MIX["120"][0] * scale / 365.25 * robbery_share
        ramp_days = UPTICK_WEEKS * 7
        for d in range(max(0, n_days - ramp_days), n_days):
            frac = (d - (n_days - ramp_days) + 1) / ramp_days
            k = int(rng.poisson(base_daily * UPTICK_PEAK * frac))
            if k:
                bx, by = city.sample_in_beat(rng, up_beat, k)
                events.extend(Event("120", d, float(a), float(b), up_beat, kind="U")
                              for a, b in zip(bx, by, strict=True))

    # Shootings: a Hawkes process (background + self-excited offspring).
    lam = SHOOTING_BACKGROUND * scale / 365.25 * _season(days, start, 0.25)
    t = np.repeat(days, rng.poisson(lam)).astype(float)
    t = t + rng.random(len(t))
    sx, sy, _ = place(len(t), 0.6, np.array([0.3, 0.25, 0.2, 0.1, 0.05, 0.1]))
    generation = list(zip(t.tolist(), sx.tolist(), sy.tolist(), strict=True))
    shootings: list[tuple[float, float, float]] = []
    while generation:
        shootings.extend(generation)
        children = []
        for ct, cx, cy in generation:
            for _ in range(int(rng.poisson(HAWKES_BRANCHING))):
                nt = ct + rng.exponential(HAWKES_DELAY_DAYS) + 0.05
                if nt < n_days:
                    children.append((nt, cx + rng.normal(0, HAWKES_SIGMA_M), cy + rng.normal(0, HAWKES_SIGMA_M)))
        generation = children
    if shootings:
        arr = np.array(shootings)
        beat = city.locate(arr[:, 1], arr[:, 2])
        for (ft, sx_, sy_), b in zip(shootings, beat.tolist(), strict=True):
            if b < 0:
                continue  # a follow-on shooting across the city line: another agency's case
            fatal = rng.random() < FATAL_SHARE
            events.append(Event("09A" if fatal else "13A", int(ft), float(sx_), float(sy_), b, kind="S",
                                extra={"hour": (ft % 1) * 24}))
    return events


def public_id(ids: random.Random | None = None) -> uuid.UUID:
    """A version-4 UUID: from the operating system's randomness, or from `ids` when a test seeds one."""
    if ids is None:
        return uuid.uuid4()
    return uuid.UUID(int=ids.getrandbits(128), version=4)


DemoVictim = tuple[str, int | None, str, list[str]]  # (victim type, age, sex, offense codes)


def incident_rows(*, agency: Agency, number: str, when: dt.datetime, offenses: list[tuple[str, list[str]]],
                  victims: list[DemoVictim], codes: dict[str, Any], latitude: float | None = None,
                  longitude: float | None = None, beat: Beat | None = None, public_id: uuid.UUID | None = None,
                  reported_at: dt.datetime | None = None, block_address: str = "",
                  location_type: str = "") -> tuple[Incident, list[Offense], list[Victim]]:
    """One incident with its offenses and victims as unsaved rows, every derived field from `derive` (the
    same rules an import or an incident entered by hand uses); `save_rows` writes them in bulk."""
    found = derive(offenses=offenses, table=codes,
                   victims=[VictimValues(vt, age, tuple(vc)) for vt, age, _, vc in victims])
    day = timezone.localtime(when).date()
    inc = Incident(
        agency=agency, incident_number=number, public_id=public_id or uuid.uuid4(), occurred_from=when,
        occurred_date=day, reported_at=reported_at, block_address=block_address, latitude=latitude,
        longitude=longitude, district=beat.district if beat else None, beat=beat, location_type=location_type,
        is_firearm=found.is_firearm, is_violent=found.is_violent, is_shooting=found.is_shooting,
        is_fatal=found.is_fatal, victim_count=found.victim_count, offense_count=found.offense_count,
        primary_offense=found.primary_offense, source="demo", sensitivity=found.sensitivity,
    )
    offense_rows = [
        Offense(agency=agency, seq=n, code=codes[c], occurred_date=day, weapon_codes=ws, is_firearm=firearm,
                location_type=location_type, attempted=False)
        for n, ((c, ws), firearm) in enumerate(zip(offenses, found.offense_firearm, strict=True), start=1)]
    victim_rows = [
        Victim(agency=agency, seq=n, victim_type=vt, offense_codes=vc, is_fatal=fatal, is_shot=shot, age=age,
               sex=sex, injury_codes=(["G"] if shot else []))
        for n, ((vt, age, sex, vc), fatal, shot) in enumerate(
            zip(victims, found.victim_fatal, found.victim_shot, strict=True), start=1)]
    return inc, offense_rows, victim_rows


def save_rows(rows: list[tuple[Incident, list[Offense], list[Victim]]]) -> tuple[int, int, int]:
    """Bulk-insert rows from `incident_rows`; returns (incidents, offenses, victims) written."""
    created = Incident.objects.bulk_create([inc for inc, _, _ in rows], batch_size=2000)
    off_rows: list[Offense] = []
    vic_rows: list[Victim] = []
    for inc, (_, offs, vics) in zip(created, rows, strict=True):
        for o in offs:
            o.incident = inc
        for v in vics:
            v.incident = inc
        off_rows.extend(offs)
        vic_rows.extend(vics)
    Offense.objects.bulk_create(off_rows, batch_size=2000)
    Victim.objects.bulk_create(vic_rows, batch_size=2000)
    return len(created), len(off_rows), len(vic_rows)


class DemoInvalid(ValueError):
    """The generator made an incident that an import would reject: a bug in the generator, never skipped."""


def _check_as_import(validator: Any, number: str, when: dt.datetime, reported: dt.datetime,
                     offenses: list[tuple[str, list[str]]], victims: list[DemoVictim], lat: float, lon: float,
                     block: str, location_type: str) -> None:
    """Run the importer's row validation on a generated incident (the same `Validator` an import uses)."""
    problems = import_row_problems(
        validator, number=number, occurred_from=when, reported_at=reported, offenses=offenses,
        victims=[(vt, age, vc) for vt, age, _, vc in victims], latitude=lat, longitude=lon, block_address=block,
        location_type=location_type)
    if problems:
        raise DemoInvalid(f"demo incident {number} would be rejected by the importer: {'; '.join(problems)}")


def _not_after(when: dt.datetime, built: dt.datetime) -> dt.datetime:
    """A time on the build day that lies after the build moment, squeezed into the part of the day already past
    (keeps the day's count and the order of its incidents; earlier days are untouched)."""
    if when <= built:
        return when
    midnight = when.replace(hour=0, minute=0, second=0, microsecond=0)
    past = (built - midnight).total_seconds()
    return midnight + dt.timedelta(seconds=int(past * (when - midnight).total_seconds() / 86400))


def _rows_for(events: list[Event], city: City, agency: Agency, start: dt.date, codes: dict[str, Any],
              rng: np.random.Generator, existing: set[str], validator: Any, built: dt.datetime,
              ids: random.Random | None = None) -> tuple[list[Incident], list[list[Offense]], list[list[Victim]]]:
    tz = ZoneInfo(settings.TIME_ZONE)
    events.sort(key=lambda e: (e.day, e.extra.get("hour", 0.0), e.code, e.x))
    lon, lat = city.lonlat(np.array([e.x for e in events]), np.array([e.y for e in events]))
    incidents: list[Incident] = []
    offenses: list[list[Offense]] = []
    victims: list[list[Victim]] = []
    per_day: dict[int, int] = {}
    for i, e in enumerate(events):
        seq = per_day[e.day] = per_day.get(e.day, 0) + 1
        day = start + dt.timedelta(days=e.day)
        number = f"DEMO-{day:%Y%m%d}-{seq:04d}"
        spec = OFFENSE_MIX[e.code]
        hour_profile = HOUR_PERSON if e.code in PERSON or e.code == "120" else HOUR_PROPERTY
        hour = e.extra.get("hour")
        if hour is None:
            hour = float(rng.choice(24, p=hour_profile / hour_profile.sum())) + float(rng.random())
        if number in existing:
            continue
        when = _not_after(dt.datetime.combine(day, dt.time(int(hour) % 24, int((hour % 1) * 60)), tzinfo=tz), built)
        shot = e.kind == "S"
        # Offenses in the incident: (code, weapons); victims: (offense codes, victim type).
        offs: list[tuple[str, list[str]]]
        vics: list[tuple[list[str], str]]
        if shot:
            weapon = str(rng.choice(["12", "12", "12", "12", "11", "13", "14"]))
            if e.code == "09A":
                offs = [("09A", [weapon])]
                vics = [(["09A"], "I")]
                if rng.random() < 0.25:
                    offs.append(("13A", [weapon]))
                    vics.append((["13A"], "I"))
            else:
                n_v = int(rng.choice([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3]))
                offs = [("13A", [weapon])]
                vics = [(["13A"], "I") for _ in range(n_v)]
        else:
            weapons = [str(rng.choice(spec[4]))] if spec[4] else []
            offs = [(e.code, weapons)]
            if e.code == "120":
                vtype = "I" if rng.random() < 0.8 else "B"
                if vtype == "I" and rng.random() < 0.08:
                    offs.append(("13A", weapons))
                    vics = [(["120", "13A"], "I")]
                else:
                    vics = [(["120"], vtype)]
            elif e.code == "220" and rng.random() < 0.15:
                offs.append(("23H", []))
                vics = [(["220", "23H"], "I")]
            elif e.code == "35A":
                vics = [(["35A"], "S")]
            elif e.code in PERSON:
                n_v = 2 if e.code in ("13A", "13B") and rng.random() < 0.1 else 1
                vics = [([e.code], "I") for _ in range(n_v)]
            else:
                vics = [([e.code], "I" if rng.random() < 0.7 else "B")]
        beat = city.beats[e.beat]
        reported = min(when + dt.timedelta(minutes=int(rng.integers(5, 600))), built)
        block = f"{int(rng.integers(1, 60))}XX {STREETS[int(rng.integers(len(STREETS)))]} St"
        location_type = str(rng.choice(spec[3]))
        people = [(vt, int(rng.integers(16, 70)) if vt == "I" else None,
                   str(rng.choice(["M", "F"])) if vt == "I" else "", vc) for vc, vt in vics]
        # Unrounded: the point the importer tests is the very point sampled inside the beat (rounding to 6
        # decimals could push one lying within 0.1 m of the city line outside it).
        latitude, longitude = float(lat[i]), float(lon[i])
        _check_as_import(validator, number, when, reported, offs, people, latitude, longitude, block,
                         location_type)
        inc, offense_rows, victim_rows = incident_rows(
            agency=agency, number=number, when=when, offenses=offs, victims=people, codes=codes,
            latitude=latitude, longitude=longitude, beat=beat,
            public_id=public_id(ids), reported_at=reported, block_address=block, location_type=location_type)
        incidents.append(inc)
        offenses.append(offense_rows)
        victims.append(victim_rows)
    return incidents, offenses, victims


def analyze_incident_tables() -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load. Without them (autovacuum off, or not yet
    run) it guesses one row per agency and sorts the whole agency for the incident list's first page: ~1 s
    instead of ~1 ms on the demo city."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE incidents_incident, incidents_offense, incidents_victim")


def generate_incidents(*, agency: Agency, seed: int, out: IO[str] | None = None, scale: float = 1.0,
                       end: dt.date | None = None, plant_uptick: bool = True,
                       ids: random.Random | None = None) -> int:
    """Generate the demo incidents for ``agency``; returns how many new incidents were written.

    ``seed`` fixes the data (what happened where and when); public ids stay random unless ``ids`` is given.
    Nothing is generated after the build time; ``end`` (the last day, today by default) may not be later.
    """
    started = time.perf_counter()
    if not 0 < scale <= 10:
        raise ValueError("scale must be in (0, 10]")
    built = timezone.now()
    today = timezone.localdate(built)
    if end is not None and end > today:
        raise ValueError(f"end: {end} is after today ({today}); the demo makes no incidents in the future, "
                         "which an import would reject")
    end = end or today
    n_days = int(round(YEARS * 365.25))
    start = end - dt.timedelta(days=n_days - 1)
    codes = offense_codes_current()
    if not codes:
        offense_code_table_load()
        codes = offense_codes_current()
    city = City(agency)
    rng = np.random.default_rng([seed, int(agency.ori.encode().hex(), 16) % (2**32)])
    events = _simulate(city, rng, start, n_days, scale, plant_uptick)
    existing = set(Incident.objects.filter(agency=agency, incident_number__startswith="DEMO-")
                   .values_list("incident_number", flat=True))
    validator = import_row_validator(agency, codes, now=built)
    incidents, offenses, victims = _rows_for(events, city, agency, start, codes, rng, existing, validator, built,
                                             ids)
    up_beat = city.beats[_uptick_beat(city)]
    with transaction.atomic():
        created, n_offenses, n_victims = save_rows(list(zip(incidents, offenses, victims, strict=True)))
        dataversion.bump([agency.pk])  # bulk rows, written outside an action: cached results must see them
        audit.record(action="demo.incidents", actor=DEMO, obj=agency, agency_ori=agency.ori, extra={
            "seed": seed, "scale": scale, "start": str(start), "end": str(end), "created": created,
            "skipped_existing": len(events) - created, "offenses": n_offenses, "victims": n_victims,
            "planted_uptick": (f"robbery rising over the last {UPTICK_WEEKS} weeks in {up_beat.name}"
                               if plant_uptick else "none"),
        })
    analyze_incident_tables()
    if out is not None:
        out.write(f"{agency.ori}: {created:,} incidents ({n_offenses:,} offenses, {n_victims:,} victims) "
                  f"{start} – {end} in {time.perf_counter() - started:.1f} s"
                  + (f"; planted uptick: robbery in {up_beat.name}" if plant_uptick else "") + "\n")
    return created
