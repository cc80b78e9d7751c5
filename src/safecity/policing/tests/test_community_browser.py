"""The community pages in real Chromium: axe (WCAG 2.1 AA) clean and no sideways scrolling at 1366 and 390 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from safecity.conftest import PASSWORD, make_persona
from safecity.core.actors import SYSTEM
from safecity.core.roles import Role
from safecity.policing import actions
from safecity.policing.tests.factories_community import make_beats, make_meeting, make_project, make_wave
from safecity.tests.test_browser import _axe, _overflow, _sign_in, browser  # noqa: F401  (browser: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_community_pages_pass_axe_and_fit(live_server: Any, browser: Any, agency_a: Any) -> None:  # noqa: F811
    beats = make_beats(agency_a)
    project = make_project(agency_a, beats["101"])
    actions.project_set_assessment(
        actor=SYSTEM, project=project, count_source="manual", before_from=dt.date(2023, 1, 1),
        before_to=dt.date(2023, 6, 30), after_from=dt.date(2024, 1, 1), after_to=dt.date(2024, 6, 29),
        target_beats=["101"], buffer_beats=["102"], control_beats=["103"], target_before=207, target_after=110,
        control_before=308, control_after=318, buffer_before=178, buffer_after=157)
    actions.activity_add(actor=SYSTEM, project=project, date=dt.date(2024, 1, 15), description="Lighting",
                         partners="Public works")
    meeting = make_meeting(agency_a, beat=beats["101"])
    concern = actions.concern_add(actor=SYSTEM, meeting=meeting, category="traffic", description="Speeding")
    actions.followup_add(actor=SYSTEM, meeting=meeting, action="Speed survey", owner="Traffic unit",
                         due=dt.date(2024, 4, 1), concern=concern)
    district = beats["101"].district
    for i, code in enumerate(("2023-spring", "2024-spring")):
        wave = make_wave(agency_a, code, start=dt.date(2023 + i, 3, 1))
        for item, agree in (("trust", 110 + 10 * i), ("respect", 130)):
            actions.survey_result_set(actor=SYSTEM, wave=wave, district=district, item=item, n=200, agree=agree)
    make_persona("community_admin", agency_a, Role.ADMIN)
    page = browser.new_page()
    base = live_server.url
    _sign_in(page, base, "community_admin", PASSWORD)
    paths = ["/m/policing/community/projects/", f"/m/policing/community/projects/{project.public_id}/",
             f"/m/policing/community/projects/{project.public_id}/assessment/", "/m/policing/community/projects/new/",
             "/m/policing/community/meetings/", f"/m/policing/community/meetings/{meeting.public_id}/",
             "/m/policing/community/meetings/follow-ups/overdue/", "/m/policing/community/surveys/",
             "/m/policing/community/surveys/waves/", f"/m/policing/community/surveys/waves/{wave.public_id}/",
             "/m/policing/community/surveys/import/"]
    failures: list[str] = []
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        failures += [f"{path}: {v['id']} {v['help']}" for v in _axe(page)]
        failures += _overflow(page, path)
    page.close()
    assert not failures, "\n".join(failures)
