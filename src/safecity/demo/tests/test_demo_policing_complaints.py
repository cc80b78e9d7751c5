"""The demo's complaints: drawn per officer from a Poisson rate proportional to the latent risk, findings in the
stated synthetic shares, open complaints at every stage with some overdue, idempotent, nothing after the
window's end."""

from __future__ import annotations

import random
import time
from collections import Counter
from typing import Any

import pytest

from safecity.demo.build import _geography
from safecity.demo.policing import build_roster, history_window, officer_risk
from safecity.demo.policing_complaints import build
from safecity.policing.models import Allegation, Complaint, ComplaintComment, ComplaintEvent

pytestmark = pytest.mark.django_db


def test_demo_complaints_follow_risk_and_walk_the_workflow(agency_a: Any) -> None:
    from safecity.core import actions
    from safecity.core.actors import SYSTEM

    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2026, population=600_000, source="test")
    _geography(agency_a, random.Random(1))
    officers = build_roster(agency=agency_a, seed=3, per_district=48)
    start, end = history_window()
    began = time.perf_counter()
    build(agency=agency_a, officers=officers, seed=3, start=start, end=end)
    took = time.perf_counter() - began
    complaints = Complaint.objects.filter(agency=agency_a)
    n = complaints.count()
    print(f"demo complaints: {n} for {len(officers)} officers in {took:.1f} s")
    assert took < 20
    # expected count: sum of the Poisson means; the draw lands within a few standard deviations of it
    mean = sum(0.25 * officer_risk(o, 3) * max(0.0, ((end - max(start, o.hire_date or start)).days + 1) / 365.25)
               for o in officers)
    assert abs(n - mean) < 4 * mean ** 0.5
    build(agency=agency_a, officers=officers, seed=3, start=start, end=end)  # idempotent
    assert Complaint.objects.filter(agency=agency_a).count() == n
    # risk matters: the riskier half of the roster is named in more complaints than the other half
    per_officer = Counter(Allegation.objects.filter(agency=agency_a).values_list("officer_id", "complaint_id")
                          .distinct().values_list("officer_id", flat=True))
    ranked = sorted(officers, key=lambda o: officer_risk(o, 3))
    low, high = ranked[:len(ranked) // 2], ranked[len(ranked) // 2:]
    assert sum(per_officer[o.pk] for o in high) > 1.5 * sum(per_officer[o.pk] for o in low)
    statuses = Counter(complaints.values_list("status", flat=True))
    assert statuses["closed"] > n / 2 and all(statuses[s] > 0 for s in ("assigned", "investigating", "review"))
    overdue = complaints.filter(due_on__lt=end).exclude(status="closed").count()
    print(f"stages {dict(statuses)}, overdue on {end}: {overdue}, expected count {mean:.1f}")
    assert overdue > 0
    assert complaints.filter(source="anonymous").exists()
    assert not complaints.filter(source="anonymous", complainant__isnull=False).exists()
    decided = Allegation.objects.filter(agency=agency_a).exclude(finding="pending")
    shares = Counter(decided.values_list("finding", flat=True))
    print(f"findings {dict(shares)}")
    assert 0.06 < shares["sustained"] / decided.count() < 0.2
    assert ComplaintComment.objects.filter(agency=agency_a).exists()
    assert ComplaintEvent.objects.filter(agency=agency_a, kind="extension").exclude(reason="").count() == 3
    assert not complaints.filter(received_on__gt=end).exists()
    assert not ComplaintEvent.objects.filter(agency=agency_a, kind="transition", on__gt=end).exists()
