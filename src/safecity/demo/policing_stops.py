"""Riverton's stops: two years of traffic and pedestrian stops with a planted darkness effect in one district.

What is generated (all documented so a person can check the equity page against it):

* about `STOPS_PER_YEAR` stops a year over the last `YEARS` years of the history window, spread over the
  districts in proportion to their beats, at a point inside a beat of the district; 85% vehicular;
* clock times across the whole day, 60% in the evening commute 16:00–21:00 (`_minute`), on dates across
  the year, never after the build date (the window ends yesterday);
* the stopped person's race from district shares (`_race_shares`: the Black share runs from about 12% to 45%
  across districts);
* **the planted effect**: in the district `planted_district(agency)` (the second district by code), among
  vehicular stops made after civil dusk the odds that a Black-or-White driver is Black are multiplied by
  exp(`DARK_EFFECT`) = exp(−0.4); in every other district darkness changes nothing. The veil-of-darkness
  test should find β ≈ −0.4 in that district and an interval around 0 elsewhere;
* searches: a per-race base probability (`SEARCH_BASE`) times the officer's `officer_risk(officer, seed)`, so
  each officer's count of stops with a search is a Poisson-binomial draw with mean ∝ the risk (the
  early-intervention evaluation relies on this); contraband found in a search with `HIT_RATE` by race (a
  mildly lower hit rate for Black and Hispanic people searched, as the Open Policing data show);
* outcomes: arrests mostly after contraband, otherwise citations and warnings.

Inserted with `policing.actions.stop_bulk_create` (one audit event); running the build again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import IO, Any

from safecity.core.actors import DEMO
from safecity.core.models import Agency, Beat
from safecity.policing.actions import stop_bulk_create
from safecity.policing.models import Officer, Stop, Unit

YEARS = 2
STOPS_PER_YEAR = 30_000
DARK_EFFECT = -0.4  # log odds (Black vs White among vehicular stops after dusk) in the planted district
VEHICULAR_SHARE = 0.85
SEARCH_BASE = {"white": 0.030, "black": 0.055, "hispanic": 0.050, "asian/pacific islander": 0.025,
               "other": 0.030}
HIT_RATE = {"white": 0.33, "black": 0.27, "hispanic": 0.26, "asian/pacific islander": 0.31, "other": 0.30}
POINTS_PER_BEAT = 40


def planted_district(agency: Agency) -> str:
    """The code of the district whose after-dark stops carry the planted effect."""
    # A set, not .distinct(): the beats' default ordering would add the beat code to the SELECT DISTINCT and keep
    # one row per beat, making the "second" code the first district's again.
    codes = sorted(set(Beat.objects.filter(agency=agency).values_list("district__code", flat=True)))
    return codes[1] if len(codes) > 1 else codes[0]


def _race_shares(index: int, count: int) -> list[tuple[str, float]]:
    black = 0.12 + 0.33 * index / max(count - 1, 1)
    hispanic = 0.14 + 0.04 * (index % 3)
    api, other = 0.06, 0.02
    return [("black", black), ("hispanic", hispanic), ("asian/pacific islander", api), ("other", other),
            ("white", 1 - black - hispanic - api - other)]


def _minute(rng: random.Random) -> int:
    # Traffic enforcement peaks at the evening commute: 60% of stops 16:00–21:00, the rest across the day
    # (which also gives the veil-of-darkness test enough stops in its inter-twilight window).
    if rng.random() < 0.6:
        return rng.randrange(16 * 60, 21 * 60)
    return rng.randrange(0, 1440)


def _points(beat: Beat, rng: random.Random) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for _ in range(POINTS_PER_BEAT * 20):
        lon = rng.uniform(beat.min_lon, beat.max_lon)
        lat = rng.uniform(beat.min_lat, beat.max_lat)
        if beat.contains(lon, lat):
            out.append((round(lat, 6), round(lon, 6)))
            if len(out) == POINTS_PER_BEAT:
                break
    return out


def build(*, agency: Agency, officers: list[Officer], seed: int, start: dt.date, end: dt.date,
          out: IO[str] | None = None) -> None:
    from django.conf import settings

    from safecity.analytics.veil import sun_times
    from safecity.demo.policing import officer_risk

    if Stop.objects.filter(agency=agency, stop_id__startswith="RS-").exists():
        return  # built before: the demo is idempotent
    rng = random.Random(f"{seed}:stops")
    beats = list(Beat.objects.filter(agency=agency).select_related("district").order_by("code"))
    if not beats or not officers:
        return
    codes = sorted({b.district.code for b in beats})
    planted = planted_district(agency)
    shares = {code: _race_shares(i, len(codes)) for i, code in enumerate(codes)}
    points = {b.pk: _points(b, rng) for b in beats}
    beats = [b for b in beats if points[b.pk]]
    first = max(start, end - dt.timedelta(days=365 * YEARS - 1))
    days = (end - first).days + 1
    lats = [p[0] for b in beats for p in points[b.pk]]
    lngs = [p[1] for b in beats for p in points[b.pk]]
    mid_lat, mid_lng = sorted(lats)[len(lats) // 2], sorted(lngs)[len(lngs) // 2]
    sun = sun_times([first + dt.timedelta(days=i) for i in range(days)], mid_lat, mid_lng, settings.TIME_ZONE)
    unit_district = dict(Unit.objects.filter(agency=agency).values_list("pk", "district_id"))
    by_unit_district: dict[int | None, list[Officer]] = {}
    for officer in officers:
        by_unit_district.setdefault(unit_district.get(officer.unit_id), []).append(officer)
    risk = {o.pk: officer_risk(o, seed) for o in officers}
    mean_risk = sum(risk.values()) / len(risk)
    rows: list[dict[str, Any]] = []
    total = STOPS_PER_YEAR * days // 365
    for n in range(total):
        beat = rng.choice(beats)
        code = beat.district.code
        lat, lng = rng.choice(points[beat.pk])
        day = first + dt.timedelta(days=rng.randrange(days))
        minute = _minute(rng)
        vehicular = rng.random() < VEHICULAR_SHARE
        race = rng.choices([r for r, _ in shares[code]], weights=[w for _, w in shares[code]])[0]
        if code == planted and vehicular and race in ("black", "white") and minute > sun[day].dusk_minute:
            # Among Black-or-White drivers, shift the log odds of Black by DARK_EFFECT after dusk.
            weights = dict(shares[code])
            odds = weights["black"] / weights["white"] * math.exp(DARK_EFFECT)
            race = "black" if rng.random() < odds / (1 + odds) else "white"
        pool = by_unit_district.get(beat.district_id) or officers
        officer = rng.choice(pool)
        searched = rng.random() < min(1.0, SEARCH_BASE[race] * risk[officer.pk] / mean_risk)
        found = searched and rng.random() < HIT_RATE[race]
        arrest = (found and rng.random() < 0.55) or rng.random() < 0.02
        cited = not arrest and rng.random() < 0.6
        rows.append({
            "stop_id": f"RS-{n + 1:07d}", "date": day, "time": dt.time(minute // 60, minute % 60),
            "lat": lat, "lng": lng, "district_id": beat.district_id, "beat_id": beat.pk,
            "location": f"Beat {beat.code}", "subject_race": race,
            "subject_sex": "male" if rng.random() < 0.64 else "female", "subject_age": rng.randint(16, 80),
            "type": "vehicular" if vehicular else "pedestrian", "officer_id": officer.pk,
            "reason_for_stop": "moving violation" if vehicular else "suspicious behaviour",
            "arrest_made": arrest, "citation_issued": cited, "warning_issued": not arrest and not cited,
            "search_conducted": searched, "search_basis": rng.choice(["consent", "probable cause", "plain view"])
            if searched else "", "contraband_found": found if searched else False,
        })
    added = stop_bulk_create(actor=DEMO, agency=agency, rows=rows)
    if out is not None:
        out.write(f"Stops: {added} over {days} days; darkness effect {DARK_EFFECT} planted in district {planted}.\n")
