"""The demo's training part: through the actions, idempotent, and with the gaps the report should show."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from safecity.demo import policing_training
from safecity.policing import selectors
from safecity.policing.models import Attendance
from safecity.policing.tests.factories import make_officer, make_unit

pytestmark = pytest.mark.django_db


def test_demo_training_has_gaps_and_lapses_and_reruns_add_nothing(agency_a: Any, alice_admin: Any) -> None:
    unit = make_unit(agency_a)
    today = timezone.localdate()
    officers = [make_officer(agency_a, unit=unit, hire_date=dt.date(2015, 1, 1)) for _ in range(60)]
    end = today - dt.timedelta(days=1)
    start = end.replace(year=end.year - 3)
    out = io.StringIO()
    policing_training.build(agency=agency_a, officers=officers, seed=7, start=start, end=end, out=out)
    added = Attendance.objects.count()
    assert added > 60 * 10 and not Attendance.objects.filter(completed_on__gt=today).exists()
    report = selectors.compliance_report(user=alice_admin, agency=agency_a)
    assert report.total is not None
    out_of = report.total.out_of_compliance
    assert 0.1 * 60 <= out_of <= 0.45 * 60  # behind + no firearms (about 20%), plus failed-course stragglers
    assert report.lapsing_within_60_days >= 2  # the "lapsing" profile (about 10%)
    policing_training.build(agency=agency_a, officers=officers, seed=7, start=start, end=end, out=out)
    assert Attendance.objects.count() == added and "0 completions added" in out.getvalue()
