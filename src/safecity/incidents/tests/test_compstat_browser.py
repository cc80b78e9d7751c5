"""Issue 8, items 5 and 6 in a real Chromium: CompStat and upticks fit the screen at 1366 and 1920 px and show
their numbers on a phone (390 px) without sideways scrolling; the mayor lands on the city-wide roll-up;
the period tabs are plain links; axe finds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from safecity.tests.test_browser import _axe, _sign_in, browser  # noqa: F401  (the module's Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AS_OF = "2026-06-17"


@pytest.fixture
def riverton(transactional_db: Any) -> None:
    from safecity.core.models import Agency
    from safecity.demo.build import POLICE_ORI, build_demo
    from safecity.incidents.tests.factories import make_incident

    build_demo(seed=7, incidents=False)
    police, sheriff = Agency.objects.get(ori=POLICE_ORI), Agency.objects.get(ori="ZZ0020000")
    beat, s_beat = police.beats.order_by("code").first(), sheriff.beats.order_by("code").first()
    for i in range(14):
        make_incident(police, dt.date(2026, 6, 1) + dt.timedelta(days=i), [("120", [])], beat=beat)
    for i in range(3):
        make_incident(police, dt.date(2025, 6, 2 + i), [("120", [])], beat=beat)
    for i in range(4):
        make_incident(sheriff, dt.date(2026, 6, 3 + i), [("220", [])], beat=s_beat)
    # Both agencies have data on file from January 2025 to the as-of day (a group B offense, in no category).
    for agency, b in ((police, beat), (sheriff, s_beat)):
        for on in (dt.date(2025, 1, 2), dt.date.fromisoformat(AS_OF)):
            make_incident(agency, on, [("90Z", [])], beat=b)


def _overflow(page: Any, width: int) -> list[str]:
    """Elements of the main content whose right edge lies past the window (what needs sideways scrolling)."""
    return list(page.evaluate("""(w) => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.getBoundingClientRect().right > w + 1)
        .slice(0, 5).map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40))""", width))


def _hidden(page: Any, css: str) -> list[str]:
    """Cells matching ``css`` that a person cannot see without scrolling sideways: past the window's edge, or
    clipped by a scrolling box (the point at the cell's centre belongs to something else). The page is
    scrolled vertically to each cell first; horizontal scrolling is what is being tested, so never that."""
    return list(page.evaluate("""(css) => {
        const out = [];
        for (const el of document.querySelectorAll(css)) {
            const style = getComputedStyle(el);
            if (style.display === 'none' || style.visibility === 'hidden') continue;
            let r = el.getBoundingClientRect();
            window.scrollTo(0, window.scrollY + r.top - window.innerHeight / 2);
            r = el.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + Math.min(r.height / 2, 8);
            const hit = (x >= 0 && x <= window.innerWidth) ? document.elementFromPoint(x, y) : null;
            if (r.width === 0 || hit === null || !(hit === el || el.contains(hit)))
                out.push((el.textContent || '').trim().slice(0, 30) || el.getAttribute('data-label'));
        }
        return out;
    }""", css))


def test_compstat_fits_and_mayor_gets_the_rollup(live_server: Any, browser: Any, riverton: None) -> None:  # noqa: F811
    from safecity.demo.build import demo_password

    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _sign_in(page, base, "mayor", demo_password("mayor"))  # once: a second sign-in would ask for a code
    for width in (1366, 1920, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/incidents/stats/?as_of={AS_OF}")
        assert page.input_value("#id_agency") == "ALL"
        assert "All agencies you can see" in page.inner_text("main")
        assert _overflow(page, width) == [], width
        cells = "main table thead th" if width > 600 else "main table tbody tr:first-child > *"
        assert _hidden(page, cells) == [], width
        # Every figure of the robbery row is on screen: the 28-day count, its Z and its rate.
        row = page.locator("table.sc-compstat tbody tr", has_text="Robbery (120)").first
        for label in ("2026", "2025", "Z", "Rate per 100,000, 2026"):
            box = row.locator(f'td[data-label="{label}"]').bounding_box()
            assert box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width, (
                width, label, box)
        assert row.locator('td[data-label="2026"]').inner_text().split()[0] == "14"  # then the link's words
        assert "Robbery (120): 14 offenses in the last 28 days, up" in page.inner_text("main")
        if width == 1366:
            # The header stays on screen while the table scrolls under it.
            page.evaluate("document.querySelectorAll('table.sc-compstat')[0].tBodies[0].rows[8]"
                          ".scrollIntoView({block: 'start'})")
            head = page.locator("table.sc-compstat thead").first.bounding_box()
            assert head is not None and -2 <= head["y"] <= 2, head
            assert _axe(page) == []
            # The period tabs are links (no script needed); the current one says so.
            page.click("a.usa-button:has-text('Year to date')")
            assert "period=ytd" in page.url
            assert page.locator("[aria-current=true]").inner_text().strip() == "Year to date"
            assert "Year to date: 1 Jan 2026 to 17 Jun 2026" in page.inner_text("main")
            assert _axe(page) == []
    context.close()


def test_upticks_fit(live_server: Any, browser: Any, riverton: None) -> None:  # noqa: F811
    from safecity.demo.build import demo_password

    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _sign_in(page, base, "analyst", demo_password("analyst"))
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/incidents/stats/upticks/?as_of={AS_OF}&limit=10")
        assert _overflow(page, width) == [], width
        cells = "main table thead th" if width > 600 else "main table tbody tr:first-child > *"
        assert _hidden(page, cells) == [], width
        first = page.locator("table.sc-compstat tbody tr").first
        for label in ("Real rise?", "p", "q (FDR)"):
            box = first.locator(f'td[data-label="{label}"]').bounding_box()
            assert box is not None and box["width"] > 0 and box["x"] + box["width"] <= width, (width, label)
        assert _axe(page) == []
    context.close()
