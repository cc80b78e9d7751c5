"""The demo's community part: SARA projects with assessments, meetings with overdue follow-ups, survey waves;
built through the actions, idempotent, nothing dated after the build."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from safecity.core.actors import SYSTEM
from safecity.demo.build import _geography
from safecity.demo.incidents import generate_incidents
from safecity.demo.policing_community import build
from safecity.policing import selectors
from safecity.policing.models import FollowUp, Meeting, ProblemProject, SurveyResult, SurveyWave

pytestmark = pytest.mark.django_db


def test_community_part_builds_once_with_real_assessments(agency_a: Any) -> None:
    from safecity.core import actions

    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2026, population=600_000, source="test")
    _geography(agency_a, random.Random(1))
    end = timezone.localdate() - dt.timedelta(days=1)
    generate_incidents(agency=agency_a, seed=5, scale=0.1, end=end)
    build(agency=agency_a, officers=[], seed=5, start=end.replace(year=end.year - 3), end=end)
    counts = (ProblemProject.objects.count(), Meeting.objects.count(), FollowUp.objects.count(),
              SurveyWave.objects.count(), SurveyResult.objects.count())
    build(agency=agency_a, officers=[], seed=5, start=end.replace(year=end.year - 3), end=end)
    assert counts == (ProblemProject.objects.count(), Meeting.objects.count(), FollowUp.objects.count(),
                      SurveyWave.objects.count(), SurveyResult.objects.count())  # idempotent
    districts = agency_a.districts.count()
    assert counts[0] == 3 and counts[1] == 6 * districts and counts[3] == 3 and counts[4] == 3 * districts * 5
    assert sorted(ProblemProject.objects.values_list("status", "count_source")) == [
        ("analysis", "manual"), ("closed", "incidents"), ("response", "incidents")]
    uptick = ProblemProject.objects.get(status="response")
    assert uptick.target_beats == [uptick.beat.code] and uptick.buffer_beats and uptick.control_beats
    admin = _admin(agency_a)
    result = selectors.project_assessment(user=admin, project=uptick)
    assert result.wdd is not None and result.source == "incidents"
    target = result.areas[0]
    assert target.after is not None and target.before is not None and target.after > target.before  # the uptick
    assert FollowUp.objects.filter(status="open", due__lt=end).exists()  # some overdue
    assert FollowUp.objects.filter(status="done").exists()
    assert max(Meeting.objects.values_list("date", flat=True)) <= end
    assert max(SurveyWave.objects.values_list("end", flat=True)) <= end
    series = selectors.survey_series(user=admin, item="trust")
    assert len(series) == districts and all(len(s.points) == 3 for s in series)


def _admin(agency: Any) -> Any:
    from safecity.conftest import make_persona

    return make_persona("demo_admin", agency, "admin")
