"""Factories for community problem solving tests, built through the actions as a user would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safecity.core import actions as core_actions
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, Beat, District
from safecity.incidents.tests.factories import square
from safecity.policing import actions
from safecity.policing.models import Meeting, ProblemProject, SurveyWave


def make_beats(agency: Agency, codes: tuple[str, ...] = ("101", "102", "103", "104")) -> dict[str, Beat]:
    """District "1" with one beat per code, side by side (0.01° squares)."""
    district = make_district(agency, "1")
    return {code: core_actions.beat_save(actor=SYSTEM, district=district, code=code, name=f"Beat {code}",
                                         geometry=square(-89.7 + 0.01 * i, 39.7, 0.01), population=10_000)
            for i, code in enumerate(codes)}


def make_district(agency: Agency, code: str) -> District:
    existing = District.objects.filter(agency=agency, code=code).first()
    if existing is not None:
        return existing
    return core_actions.district_save(actor=SYSTEM, agency=agency, code=code, name=f"District {code}",
                                      geometry=square(-89.7 + 0.1 * int(code), 39.7, 0.1), population=40_000)


def make_project(agency: Agency, beat: Beat | None = None, title: str = "Robberies at the bus depot",
                 **kwargs: Any) -> ProblemProject:
    return actions.project_create(actor=SYSTEM, agency=agency, title=title, beat=beat,
                                  problem_statement=kwargs.pop("problem_statement", "Robberies of riders rose."),
                                  opened=kwargs.pop("opened", dt.date(2024, 1, 10)), **kwargs)


def make_meeting(agency: Agency, *, date: dt.date = dt.date(2024, 3, 5), venue: str = "Library hall",
                 attendance: int = 40, **kwargs: Any) -> Meeting:
    return actions.meeting_create(actor=SYSTEM, agency=agency, date=date, venue=venue, attendance=attendance,
                                  **kwargs)


def make_wave(agency: Agency, code: str = "2024-spring", start: dt.date = dt.date(2024, 3, 1),
              **kwargs: Any) -> SurveyWave:
    return actions.wave_create(actor=SYSTEM, agency=agency, code=code, name=kwargs.pop("name", f"Survey {code}"),
                               start=start, end=kwargs.pop("end", start + dt.timedelta(days=30)),
                               method=kwargs.pop("method", "phone"), sample_size=kwargs.pop("sample_size", 1200),
                               margin_of_error=kwargs.pop("margin_of_error", 2.8), **kwargs)
