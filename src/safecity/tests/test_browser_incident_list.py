"""The incident list in real Chromium at 1366 px and on a 390 px phone: filter by offence codes (multi-select),
firearm and dates, page through with "page X of Y" (next, the page-number jump by keyboard) keeping the filters,
a bad value named on its field, a CompStat figure followed to its incidents; axe (WCAG 2.1 AA) on every state.
Screenshots go to SAFECITY_SCREENSHOT_DIR (default: a folder in the temporary directory); the ones in
docs/screenshots/ were taken with it pointing there."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from safecity.tests.test_browser import _axe, _sign_in, browser  # noqa: F401  (browser: the shared fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Never the repository by default: a test run must not change tracked files.
SHOTS = Path(os.environ.get("SAFECITY_SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "safecity-shots"))
SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def listed_city(transactional_db: Any) -> Any:
    """The demo's agencies, areas and people, with 60 robberies and assaults (two pages) and 5 burglaries."""
    from safecity.core.models import Agency, Beat
    from safecity.demo.build import POLICE_ORI, build_demo
    from safecity.incidents.tests.factories import make_incident

    build_demo(seed=7, incidents=False)
    police = Agency.objects.get(ori=POLICE_ORI)
    beats = list(Beat.objects.filter(district__agency=police).select_related("district").order_by("code")[:3])
    today = timezone.localdate()
    for i in range(60):
        code, weapons = ("13A", ["12"]) if i % 3 == 0 else ("120", [])
        victims = [(["13A"], False, True)] if code == "13A" else None
        make_incident(police, today - dt.timedelta(days=2 + i % 20), [(code, weapons)], victims, beat=beats[i % 3])
    for i in range(5):
        make_incident(police, today - dt.timedelta(days=3 + i), [("220", [])], beat=beats[0])
    return police


def _caption_count(page: Any) -> int:
    caption = page.inner_text("main table caption")
    found = re.search(r"([0-9,]+) in all", caption)
    assert found, caption
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize(("width", "name"), [(1366, "desktop"), (390, "phone")])
def test_filter_page_and_drill_in_chromium(live_server: Any, browser: Any, listed_city: Any,  # noqa: F811
                                           width: int, name: str) -> None:
    from safecity.demo.build import demo_password

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    base = live_server.url
    _sign_in(page, base, "analyst", demo_password("analyst"))
    page.goto(f"{base}/incidents/")
    assert _caption_count(page) == 65
    # filter: robbery or aggravated assault (multi-select), from 30 days ago
    page.select_option("#id_offense", ["13A", "120"])
    page.fill("#id_date_from", (timezone.localdate() - dt.timedelta(days=30)).isoformat())
    with page.expect_navigation():
        page.click("form.sc-filters button[type=submit]")
    assert "offense=13A" in page.url and "offense=120" in page.url
    assert _caption_count(page) == 60
    assert page.inner_text("#page-status") == "Page 1 of 2"
    table = page.inner_text("main table")
    assert "13A — Aggravated Assault" in table and "120 — Robbery" in table and "Central District (1)" in table
    assert not _axe(page), _axe(page)
    page.screenshot(path=str(SHOTS / f"incident-list-filtered-{name}.png"), full_page=True)
    # next page keeps the filters
    with page.expect_navigation():
        page.click("a[aria-label='Next page']")
    assert "page=2" in page.url and "offense=13A" in page.url and page.inner_text("#page-status") == "Page 2 of 2"
    assert page.locator("main tbody tr").count() == 10
    # the page jump, by keyboard only: focus the number, type, Enter
    page.focus("#page-jump")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "page=1" in page.url and "offense=120" in page.url and page.inner_text("#page-status") == "Page 1 of 2"
    # "More filters" is folded until used; the keyboard opens it
    assert not page.is_visible("#id_status")
    page.focus("details.sc-more-filters summary")
    page.keyboard.press("Enter")
    assert page.is_visible("#id_status")
    # the firearm filter narrows to the 20 shootings; a bad value is named on its field (400)
    page.select_option("#id_firearm", "shooting")
    with page.expect_navigation():
        page.click("form.sc-filters button[type=submit]")
    assert _caption_count(page) == 20
    response = page.goto(f"{base}/incidents/?firearm=maybe&offense=13A,XX")
    assert response is not None and response.status == 400
    assert page.is_visible("#id_firearm-error") and page.is_visible("#id_offense-error")
    assert "XX" in page.inner_text("#id_offense-error")
    assert not _axe(page), _axe(page)
    page.screenshot(path=str(SHOTS / f"incident-list-bad-filter-{name}.png"), full_page=True)
    # CompStat: the 28-day robbery figure links to exactly its incidents
    page.goto(f"{base}/incidents/stats/?mode=incidents")
    assert not _axe(page), _axe(page)
    page.screenshot(path=str(SHOTS / f"compstat-drill-links-{name}.png"), full_page=True)
    link = page.locator("a.usa-link[href*='top=120']").first
    number = int(link.inner_text().split("(")[0].strip())
    with page.expect_navigation():
        link.click()
    assert _caption_count(page) == number > 0
    assert "top charge: 120 — Robbery" in page.inner_text("#filters-in-force")
    assert not _axe(page), _axe(page)
    page.screenshot(path=str(SHOTS / f"incident-list-drilled-{name}.png"), full_page=True)
    context.close()
