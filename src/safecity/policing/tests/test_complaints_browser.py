"""A fast browser pass over the complaint pages (real Chromium, axe WCAG 2.1 AA, no sideways scrolling at
1366 and 390 px): list, detail with every form, intake, findings form, and the public status page with an
answer. The full crawl is `src/safecity/tests/test_browser.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from safecity.conftest import PASSWORD, make_persona
from safecity.core.roles import Role
from safecity.policing.tests.factories import make_officer
from safecity.policing.tests.factories_complaints import advance, make_complaint
from safecity.tests.test_browser import _axe, _overflow, _sign_in, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_complaint_pages_pass_axe_and_fit(live_server: Any, browser: Any, agency_a: Any) -> None:  # noqa: F811
    accused, investigator = make_officer(agency_a, last_name="Accused"), make_officer(agency_a, last_name="Inv")
    complaint = make_complaint(agency_a, [accused], categories=("excessive_force", "bias"))
    advance(complaint, "investigating", investigator=investigator, on=dt.date(2026, 1, 9))
    make_persona("chiefb", agency_a, Role.COMMAND)
    base = live_server.url
    failures: list[str] = []
    page = browser.new_page()
    page.goto(f"{base}/m/policing/complaints/status/")
    failures += [f"status: {v['id']} {v['help']}" for v in _axe(page)]
    page.fill("#id_reference", complaint.reference)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "Under investigation" in page.inner_text("main")
    failures += [f"status reply: {v['id']} {v['help']}" for v in _axe(page)] + _overflow(page, "/status/")
    page.close()
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, base, "chiefb", PASSWORD)
    allegation = complaint.allegations.first()
    assert allegation is not None
    for path in ("/m/policing/complaints/", f"/m/policing/complaints/{complaint.public_id}/",
                 "/m/policing/complaints/new/",
                 f"/m/policing/complaints/{complaint.public_id}/allegations/{allegation.public_id}/finding/"):
        page.goto(base + path)
        assert page.title() and "Server error" not in page.inner_text("body")
        failures += [f"{path}: {v['id']} — {v['help']} ({v['nodes'][0]['target']})" for v in _axe(page)]
        failures += _overflow(page, path)
    context.close()
    assert not failures, "\n".join(failures)
