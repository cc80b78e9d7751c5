"""The demo's stops: the planted darkness effect is found by the veil-of-darkness test in its district and not
in another; searches per officer follow the latent risk; nothing is dated after today; re-running adds nothing."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest
from django.utils import timezone

from safecity.core.actors import SYSTEM
from safecity.demo.build import _geography
from safecity.demo.policing import build_roster, history_window, officer_risk
from safecity.demo.policing_stops import DARK_EFFECT, build, planted_district
from safecity.policing import selectors
from safecity.policing.models import Stop

pytestmark = pytest.mark.django_db


def test_planted_darkness_effect_is_recovered_only_where_planted(agency_a: Any, persona: Any) -> None:
    from safecity.core import actions

    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2026, population=600_000, source="test")
    _geography(agency_a, random.Random(1))
    officers = build_roster(agency=agency_a, seed=3, per_district=16)
    start, end = history_window()
    started = time.perf_counter()
    build(agency=agency_a, officers=officers, seed=3, start=start, end=end)
    print(f"stops built in {time.perf_counter() - started:.1f} s")
    count = Stop.objects.filter(agency=agency_a).count()
    assert count > 40_000
    build(agency=agency_a, officers=officers, seed=3, start=start, end=end)
    assert Stop.objects.filter(agency=agency_a).count() == count  # idempotent
    assert not Stop.objects.filter(agency=agency_a, date__gt=timezone.localdate()).exists()

    started = time.perf_counter()
    equity = selectors.stop_equity(user=persona("analyst"))
    print(f"equity in {time.perf_counter() - started:.1f} s")
    veil = {v.scope: v for v in equity.veil}
    planted = planted_district(agency_a)
    assert planted == "2"  # the second district by code, as docs/policing.md tells a reader to look
    hit = veil[planted].result
    assert hit is not None, veil[planted].note
    print(planted, hit["beta_dark"], hit["se"], hit["n"])
    assert hit["ci_low"] <= DARK_EFFECT <= hit["ci_high"]
    assert hit["ci_high"] < 0  # the effect is detected, not only "not excluded"
    others = [code for code in veil if code not in ("city", "city_fe", planted) and veil[code].result]
    assert others
    for code in others:
        r = veil[code].result
        assert r is not None and r["ci_low"] <= 0 <= r["ci_high"] or abs(r["beta_dark"]) < 0.2, (code, r)
    # Searches per officer grow with the latent risk (Poisson rates ∝ officer_risk).
    searched: dict[int, int] = {}
    for officer_id in Stop.objects.filter(agency=agency_a, search_conducted=True).values_list("officer_id",
                                                                                               flat=True):
        searched[officer_id] = searched.get(officer_id, 0) + 1
    ranked = sorted(officers, key=lambda o: officer_risk(o, 3))
    low = sum(searched.get(o.pk, 0) for o in ranked[: len(ranked) // 4])
    high = sum(searched.get(o.pk, 0) for o in ranked[-len(ranked) // 4:])
    assert high > 2 * low
