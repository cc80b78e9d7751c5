"""The training and roster pages in Chromium: axe (WCAG 2.1 AA) finds nothing, and each fits a phone and a
desktop window. The nav crawl of `tests/test_browser.py` covers them with the demo; this one is quick."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from safecity.conftest import PASSWORD, make_persona
from safecity.core import actions as core_actions
from safecity.core.actors import SYSTEM
from safecity.core.roles import Role
from safecity.policing import actions
from safecity.policing.tests.factories import make_officer, make_unit
from safecity.policing.tests.factories_training import complete, make_course
from safecity.tests.test_browser import _axe, _overflow, _sign_in, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_training_and_roster_pages_pass_axe_and_fit(live_server: Any, browser: Any) -> None:  # noqa: F811
    agency = core_actions.agency_create(actor=SYSTEM, ori="ZZ0000001", name="Alpha Police Department",
                                        agency_type="police", jurisdiction="Alpha", state="ZZ")
    unit = make_unit(agency)
    officer = make_officer(agency, unit=unit, hire_date=dt.date(2015, 1, 1))
    short = make_officer(agency, unit=make_unit(agency, code="TRF", name="Traffic"))
    course = make_course(agency, "FA-QUAL", "firearms", "4", title="Firearms qualification")
    actions.session_create(actor=SYSTEM, course=course, date=dt.date(2026, 1, 5), instructor="Sgt. Range",
                           location="Range")
    record = complete(officer, course, dt.date(2026, 1, 5), hours="24")
    complete(short, course, dt.date(2026, 1, 5))
    make_persona("chief_b", agency, Role.COMMAND)
    page = browser.new_page()
    base = live_server.url
    _sign_in(page, base, "chief_b", PASSWORD)
    paths = ["/m/policing/training/", "/m/policing/training/?out_only=true&sort=-short",
             "/m/policing/training/courses/", f"/m/policing/training/courses/{course.public_id}/",
             "/m/policing/training/courses/new/", "/m/policing/training/attendance/",
             f"/m/policing/training/attendance/{record.public_id}/", "/m/policing/training/attendance/new/",
             "/m/policing/training/import/", "/m/policing/units/", f"/m/policing/units/{unit.public_id}/",
             "/m/policing/officers/", f"/m/policing/officers/{officer.public_id}/",
             f"/m/policing/officers/{officer.public_id}/reassign/", f"/m/policing/officers/{officer.public_id}/edit/",
             "/m/policing/officers/import/"]
    problems: list[str] = []
    for path in paths:
        reply = page.goto(base + path)
        assert reply is not None and reply.status == 200, path
        problems += [f"{path}: {v['id']}: {v['help']}" for v in _axe(page)]
        problems += _overflow(page, path)
    page.close()
    assert not problems, "\n".join(problems)
