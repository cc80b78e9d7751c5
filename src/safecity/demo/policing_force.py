"""Riverton's uses of force over the history window, written in one bulk action (`force_incidents_bulk_create`).

Each officer's count is drawn from a Poisson distribution with mean `FORCE_PER_OFFICER_YEAR × years ×
officer_risk(officer)` (patrol officers ×1.5, detectives and command ranks ×0.3), so the early-intervention
evaluation can find the officers with a higher latent risk. Injuries: about half none, 40% minor, 8% serious
bodily injury, 0.7% death; about 2% of incidents include a firearm discharged at a person. Idempotent: an agency
that has use-of-force incidents is left as it is.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import IO, Any

from django.utils import timezone

from safecity.core.actors import DEMO
from safecity.core.models import Agency
from safecity.demo.policing import officer_risk
from safecity.policing.actions import force_incidents_bulk_create
from safecity.policing.models import Officer, UseOfForceIncident

FORCE_PER_OFFICER_YEAR = 0.35
INJURIES = [("none", 0.513), ("minor", 0.40), ("serious", 0.08), ("death", 0.007)]
REASONS = [("call_for_service", 0.45), ("traffic_stop", 0.15), ("suspicious_activity", 0.15),
           ("warrant_service", 0.08), ("investigation", 0.07), ("emergency", 0.06), ("routine_patrol", 0.04)]
RACES = [("black", 0.38), ("white", 0.40), ("asian", 0.04), ("american_indian", 0.01), ("unknown", 0.17)]
FORCE = ["hands", "takedown", "pain_compliance", "ecw", "chemical", "baton", "canine", "less_lethal"]
FORCE_W = [0.35, 0.25, 0.12, 0.12, 0.07, 0.04, 0.03, 0.02]
LOCATIONS = ["street", "residence", "business", "parking", "park", "other"]
OFFENSES = ["13A", "13B", "13C", "35A", "23H", "120", "290", "90C", ""]


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _pick(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]


def build(*, agency: Agency, officers: list[Officer], seed: int, start: dt.date, end: dt.date,
          out: IO[str] | None = None, **_: Any) -> None:
    if UseOfForceIncident.objects.filter(agency=agency).exists():
        return
    rng = random.Random(f"{seed}:force")
    years = (end - start).days / 365.25
    tz = timezone.get_current_timezone()
    by_unit: dict[int | None, list[Officer]] = {}
    for o in officers:
        by_unit.setdefault(o.unit_id, []).append(o)
    made = 0
    batch: list[dict[str, Any]] = []
    for officer in officers:
        weight = 1.5 if officer.unit is not None and officer.unit.district_id else 0.3 \
            if officer.rank in ("detective", "lieutenant", "captain", "commander") else 1.0
        for _event in range(_poisson(rng, FORCE_PER_OFFICER_YEAR * years * weight * officer_risk(officer, seed))):
            day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
            if officer.hire_date and day < officer.hire_date:
                continue
            when = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=tz)
            firearm = rng.random() < 0.02
            injury = "serious" if firearm and rng.random() < 0.4 else _pick(rng, INJURIES)
            team = [officer]
            partners = [p for p in by_unit.get(officer.unit_id, []) if p != officer]
            if partners and rng.random() < 0.35:
                team.append(rng.choice(partners))
            types = rng.choices(FORCE, FORCE_W, k=rng.choice([1, 1, 2]))
            subjects = [{"sex": "male" if rng.random() < 0.82 else "female", "race": _pick(rng, RACES),
                         "ethnicity": "hispanic" if rng.random() < 0.15 else "not_hispanic",
                         "age": rng.randint(15, 65), "injury": injury, "force_types": sorted(set(types)),
                         "armed": "armed" if firearm else rng.choice(["unarmed", "unarmed", "believed", "unknown"]),
                         "resistance": rng.choice(["active", "active", "passive", "fled", "assault"]),
                         "resisted": True, "impaired": rng.random() < 0.35, "perceived_threat": rng.random() < 0.6}]
            team_rows: list[dict[str, Any]] = [
                {"officer": o, "force_types": sorted(set(types)) if n == 0 else [rng.choice(FORCE[:3])],
                 "firearm_discharged": firearm and n == 0, "injured": rng.random() < 0.1}
                for n, o in enumerate(team)]
            if firearm:
                team_rows[0]["force_types"] = sorted({*team_rows[0]["force_types"], "firearm"})
            made += 1
            batch.append(dict(
                case_number=f"UOF-{day.year}-{made:05d}", occurred_at=when,
                district=officer.unit.district if officer.unit is not None else None,
                reason_for_contact=_pick(rng, REASONS), location_type=rng.choice(LOCATIONS),
                location=f"{rng.randint(1, 99)}00 Block {rng.choice(['Main', 'Oak', 'River', 'Elm', 'Lake'])} St",
                most_serious_offense=rng.choice(OFFENSES), officer_approached=rng.random() < 0.7,
                ambush=rng.random() < 0.01, supervisor_on_scene=rng.random() < 0.4,
                supervisor_consulted=rng.random() < 0.6, subjects=subjects, officers=team_rows))
    force_incidents_bulk_create(actor=DEMO, agency=agency, incidents=batch)
    if out is not None:
        out.write(f"Policing: {made} uses of force.\n")
