"""Riverton's body-worn cameras: devices for most patrol officers, dispatch links to a sample of incidents,
and recordings for most — not all — events, so the activation report shows something true.

* Cameras: 90% of officers in district patrol units get one, issued before the history window starts.
* Events: every use of force (linked by the force action) and a sample of `INCIDENT_SAMPLE` incidents, each
  attended by an officer of the patrol unit serving the incident's district (on scene 3–15 minutes after the
  incident's start, for 15–60 minutes).
* Recordings: made for an event with probability `RECORD_RATE` (0.92), but `WORST_RATE` (0.65) in the patrol
  unit of the third district, and lower for officers with a higher latent risk; so activation is imperfect and
  worse in one unit. Recordings older than their category's retention period are purge-due (most
  non-evidentiary footage older than 180 days); a few are on legal hold.
* Stops: when the stops part has already run, a sample of `STOP_SAMPLE` stops with an officer and a time is
  linked and recorded the same way (category "traffic"); otherwise none (list this part after stops to get them).

Idempotent: an agency with cameras is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import IO, Any

from django.utils import timezone

from safecity.core.actors import DEMO
from safecity.core.models import Agency
from safecity.demo.policing import officer_risk
from safecity.incidents.selectors import offense_codes_current
from safecity.policing.actions import (
    cameras_bulk_create,
    officer_events_bulk_create,
    recording_legal_hold,
    recordings_bulk_create,
)
from safecity.policing.models import Camera, Officer, OfficerEvent, Recording, Stop

INCIDENT_SAMPLE = 2500
STOP_SAMPLE = 3000
RECORD_RATE = 0.92
WORST_RATE = 0.65


def _incidents(agency: Agency, start: dt.date, end: dt.date, rng: random.Random) -> list[Any]:
    # The demo builder reads the incidents it made itself; a sample is enough to show activation by unit.
    from safecity.incidents.models import Incident

    ids = list(Incident.objects.filter(agency=agency, occurred_date__gte=start, occurred_date__lte=end,
                                       district__isnull=False).values_list("pk", flat=True))
    chosen = set(rng.sample(ids, min(INCIDENT_SAMPLE, len(ids))))
    return list(Incident.objects.filter(pk__in=chosen).only("pk", "agency_id", "district_id", "occurred_from",
                                                             "primary_offense", "incident_number"))


def build(*, agency: Agency, officers: list[Officer], seed: int, start: dt.date, end: dt.date,
          out: IO[str] | None = None, **_: Any) -> None:
    if Camera.objects.filter(agency=agency).exists():
        return
    rng = random.Random(f"{seed}:cameras")
    tz = timezone.get_current_timezone()
    issued = dt.datetime.combine(start - dt.timedelta(days=30), dt.time(8), tzinfo=tz)
    patrol = [o for o in officers if o.unit is not None and o.unit.district_id is not None]
    districts = sorted({o.unit.district_id for o in patrol if o.unit is not None and o.unit.district_id is not None})
    worst_district = districts[2] if len(districts) > 2 else None
    with_camera: set[int] = set()
    devices: list[dict[str, Any]] = []
    for n, officer in enumerate(patrol, 1):
        if rng.random() < 0.9:
            devices.append({"serial": f"X6{n:05d}", "model": rng.choice(["Axon Body 3", "Axon Body 4"]),
                            "officer": officer, "started": issued})
            with_camera.add(officer.pk)
    devices += [{"serial": f"X6S{n:04d}", "model": "Axon Body 4", "status": "spare"}
                for n in range(max(3, len(patrol) // 20))]
    cameras_bulk_create(actor=DEMO, agency=agency, rows=devices)

    by_district: dict[int, list[Officer]] = {}
    for o in patrol:
        if o.unit is not None and o.unit.district_id is not None:
            by_district.setdefault(o.unit.district_id, []).append(o)
    rows = []
    for inc in _incidents(agency, start, end, rng):
        crew = by_district.get(inc.district_id) or patrol
        officer = rng.choice(crew)
        arrive = inc.occurred_from + dt.timedelta(minutes=rng.randint(3, 15))
        rows.append({"officer": officer, "kind": "incident", "incident": inc, "on_scene_from": arrive,
                     "on_scene_to": arrive + dt.timedelta(minutes=rng.randint(15, 60))})
    # Stops, when the stops part has run before this one: a sample of those with an officer and a time.
    stops = list(Stop.objects.filter(agency=agency, officer__isnull=False, time__isnull=False,
                                     date__gte=start, date__lte=end).select_related("officer").order_by("pk")[
        :STOP_SAMPLE * 4])
    for stop in rng.sample(stops, min(STOP_SAMPLE, len(stops))):
        rows.append({"officer": stop.officer, "kind": "stop", "stop": stop})
    officer_events_bulk_create(actor=DEMO, agency=agency, rows=rows)

    codes = offense_codes_current()
    unit_district = {o.pk: (o.unit.district_id if o.unit is not None else None) for o in officers}
    recs = []
    events = OfficerEvent.objects.filter(agency=agency, officer_id__in=with_camera).select_related(
        "officer", "incident", "force_incident", "stop").order_by("pk")
    now = timezone.now()
    for ev in events:
        worst = unit_district.get(ev.officer_id) == worst_district
        rate = (WORST_RATE if worst else RECORD_RATE) - 0.04 * min(officer_risk(ev.officer, seed), 3.0)
        if rng.random() > rate:
            continue
        if ev.kind == "force" and ev.force_incident is not None:
            begin = ev.force_incident.occurred_at - dt.timedelta(minutes=rng.randint(1, 8))
            finish, category = begin + dt.timedelta(minutes=rng.randint(15, 45)), "use_of_force"
            cad = ev.force_incident.case_number
        elif ev.incident is not None and ev.on_scene_from is not None and ev.on_scene_to is not None:
            # sometimes switched on late, but still within the event
            begin = ev.on_scene_from + dt.timedelta(minutes=rng.choice([-1, 0, 0, 2, 6]))
            finish = ev.on_scene_to + dt.timedelta(minutes=rng.randint(0, 5))
            code = codes.get(ev.incident.primary_offense)
            violent = code is not None and code.is_violent
            category = "felony" if violent else rng.choice(["non_evidentiary", "non_evidentiary", "misdemeanor"])
            cad = ev.incident.incident_number
        elif ev.stop is not None and ev.stop.time is not None:
            begin = dt.datetime.combine(ev.stop.date, ev.stop.time, tzinfo=tz) + dt.timedelta(
                minutes=rng.choice([-1, 0, 0, 1, 4]))
            finish, category, cad = begin + dt.timedelta(minutes=rng.randint(5, 25)), "traffic", ev.stop.stop_id
        else:
            continue
        if finish > now:
            continue
        recs.append({"officer": ev.officer, "external_id": f"AX-{ev.pk:07d}", "started": begin, "ended": finish,
                     "category": category, "cad_number": cad, "camera": None})
    recordings_bulk_create(actor=DEMO, agency=agency, rows=recs)
    for rec in Recording.objects.filter(agency=agency, category="non_evidentiary").order_by("started")[:3]:
        recording_legal_hold(actor=DEMO, recording=rec, hold=True, reason="Civil claim notice (demo)")
    if out is not None:
        out.write(f"Policing: {len(with_camera)} cameras issued, {len(rows)} incident dispatch links, "
                  f"{len(recs)} recordings.\n")
