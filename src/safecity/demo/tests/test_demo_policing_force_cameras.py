"""The demo's uses of force and body-worn cameras: built through the actions, idempotent, with serious
injuries and firearm discharges, imperfect camera activation that is worse in one unit, and purge-due footage."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

import pytest

from safecity.core import actions as core_actions
from safecity.core.actors import SYSTEM
from safecity.demo import policing_cameras, policing_force
from safecity.demo.build import _geography
from safecity.demo.policing import build_roster, history_window
from safecity.incidents.codes import current_codes, load_code_table
from safecity.incidents.tests.factories import make_incident
from safecity.policing import selectors
from safecity.policing.models import Camera, OfficerEvent, Recording, UseOfForceIncident
from safecity.policing.tests.factories_force import make_stop

pytestmark = pytest.mark.django_db


def test_force_and_camera_parts(agency_a: Any, alice_admin: Any) -> None:
    if not current_codes():
        load_code_table()
    core_actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2026, population=600_000, source="t")
    rng = random.Random(1)
    _geography(agency_a, rng)
    officers = build_roster(agency=agency_a, seed=3, per_district=48)
    start, end = history_window()
    districts = list(agency_a.districts.all()) if hasattr(agency_a, "districts") else []
    for n in range(300):
        day = start + dt.timedelta(days=rng.randrange((end - start).days))
        make_incident(agency_a, day, [("13B", [])], district=districts[n % len(districts)] if districts else None,
                      hour=rng.randrange(24))
    patrol = [o for o in officers if o.unit is not None and o.unit.district_id is not None]
    for n in range(50):  # as the stops part would leave them, when it runs first
        make_stop(agency_a, patrol[n], day=start + dt.timedelta(days=20 + n), time=dt.time(n % 24, 15))
    began = time.perf_counter()
    policing_force.build(agency=agency_a, officers=officers, seed=3, start=start, end=end)
    force_seconds = time.perf_counter() - began
    began = time.perf_counter()
    policing_cameras.build(agency=agency_a, officers=officers, seed=3, start=start, end=end)
    camera_seconds = time.perf_counter() - began
    print(f"\nforce part {force_seconds:.1f} s, camera part {camera_seconds:.1f} s")

    force = UseOfForceIncident.objects.filter(agency=agency_a)
    n_force = force.count()
    assert n_force > 100
    assert force.filter(worst_injury="serious").exists() and force.filter(fbi_reportable=True).exists()
    assert force.filter(force_types_text__contains=",firearm,").exists()
    assert not force.filter(occurred_at__date__gt=end).exists()
    n_rec, n_cam = Recording.objects.count(), Camera.objects.count()
    policing_force.build(agency=agency_a, officers=officers, seed=3, start=start, end=end)
    policing_cameras.build(agency=agency_a, officers=officers, seed=3, start=start, end=end)
    assert (force.count(), Recording.objects.count(), Camera.objects.count()) == (n_force, n_rec, n_cam)

    report = selectors.activation_report(user=alice_admin)
    assert 0.6 < report.overall.value < 0.97
    rates = sorted((r.rate.value, r.key) for r in report.by_unit if r.rate.trials >= 30)
    print("activation by unit:", [(k, round(v, 3)) for v, k in rates], "overall", round(report.overall.value, 3))
    worst, rest = rates[0], rates[1:]
    assert worst[0] < min(v for v, _ in rest) - 0.1  # one unit clearly worse
    assert selectors.purge_due(user=alice_admin).exists()
    assert Recording.objects.filter(legal_hold=True).count() == 3
    assert OfficerEvent.objects.filter(kind="stop").count() == 50
    stop_rate = next(r.rate for r in report.by_kind if r.key == "stop")
    assert stop_rate.trials > 30 and 0.4 < stop_rate.value < 1
