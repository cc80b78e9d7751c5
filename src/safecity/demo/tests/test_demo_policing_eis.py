"""The early-intervention demo part: pursuits in proportion to the latent risk, flags at two as-of dates,
reviews in several stages, nothing added by a second run."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from safecity.demo.build import _geography
from safecity.demo.policing import build_roster, history_window, officer_risk
from safecity.demo.policing_eis import build
from safecity.policing.models import EIFlag, EIFlagStep, FlagStatus, Pursuit
from safecity.policing.tests.factories_eis import make_force

pytestmark = pytest.mark.django_db


def test_demo_part_builds_pursuits_flags_and_reviews_once(agency_a: Any) -> None:
    from safecity.core import actions
    from safecity.core.actors import SYSTEM

    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2026, population=600_000, source="test")
    _geography(agency_a, random.Random(1))
    officers = build_roster(agency=agency_a, seed=3, per_district=16)
    start, end = history_window()
    earlier = end - dt.timedelta(days=365)
    # Uses of force from the other demo parts are not merged yet: three in the 90 days before the earlier as-of
    # date for the five riskiest officers, so the count rule has something to find.
    risky = sorted(officers, key=lambda o: -officer_risk(o, 3))[:5]
    for o in risky:
        for d in (3, 20, 60):
            make_force(agency_a, o, earlier - dt.timedelta(days=d))
    build(agency=agency_a, officers=officers, seed=3, start=start, end=end)
    pursuits = list(Pursuit.objects.filter(agency=agency_a))
    assert pursuits and all(p.started_at.date() <= end for p in pursuits)
    per_officer = {o.pk: 0 for o in officers}
    for p in pursuits:
        per_officer[p.officer_id] += 1
    ranked = sorted(officers, key=lambda o: officer_risk(o, 3))
    low, high = ranked[: len(ranked) // 2], ranked[len(ranked) // 2:]
    assert sum(per_officer[o.pk] for o in high) > sum(per_officer[o.pk] for o in low)
    flagged = set(EIFlag.objects.filter(agency=agency_a, as_of=earlier).values_list("officer_id", flat=True))
    assert {o.pk for o in risky} <= flagged
    stages = set(EIFlag.objects.filter(agency=agency_a).values_list("status", flat=True))
    assert {FlagStatus.REVIEW, FlagStatus.CLOSED, FlagStatus.INTERVENTION} <= stages
    counts = (Pursuit.objects.count(), EIFlag.objects.count(), EIFlagStep.objects.count())
    build(agency=agency_a, officers=officers, seed=3, start=start, end=end)
    assert (Pursuit.objects.count(), EIFlag.objects.count(), EIFlagStep.objects.count()) == counts
