"""Issue 8 in real Chromium: periods without data read "no data" (never 0), upticks say why in words, and the
pages stay axe-clean at desktop and phone widths."""

from __future__ import annotations

from typing import Any

import pytest

from safecity.conftest import PASSWORD, make_persona
from safecity.core.roles import Role
from safecity.incidents.tests.test_stats_coverage import AS_OF, june  # noqa: F401  (the dataset fixture)
from safecity.tests.test_browser import _axe, _sign_in, browser  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cells(page: Any, column: int) -> list[str]:
    return [t.strip() for t in page.eval_on_selector_all(
        f"main table tbody tr td:nth-of-type({column})", "els => els.map(e => e.innerText)")]


def test_no_fake_zeros_on_trends_firearm_compstat_and_upticks(live_server: Any, browser: Any, june: Any,  # noqa: F811
                                                               agency_a: Any) -> None:
    make_persona("ann_b", agency_a, Role.ANALYST)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    base = live_server.url
    _sign_in(page, base, "ann_b", PASSWORD)

    page.goto(f"{base}/incidents/stats/trends/?as_of={AS_OF}&category=robbery")
    rows = page.eval_on_selector_all("main table tbody tr", "els => els.map(e => e.innerText)")
    assert len(rows) == 36
    assert all("no data" in r for r in rows[:-1]), rows[:3]  # July 2021 – May 2024: no data, not 0
    assert "June 2024 (partial)" in rows[-1] and "52" in rows[-1]
    assert "0" not in _cells(page, 1)[:-1]
    assert "Data on file" in page.inner_text("#data-coverage") and "2024-06-03 to 2024-06-28" in page.inner_text(
        "#data-coverage")
    assert _axe(page) == []

    page.goto(f"{base}/incidents/stats/firearm/?as_of={AS_OF}")
    text = page.inner_text("main")
    assert "not enough data (0 of 3 years)" in text and "no data" in text
    assert _axe(page) == []

    page.goto(f"{base}/incidents/stats/?as_of={AS_OF}")
    text = page.inner_text("main")
    assert "Last complete week" in text and "not compared" in text and "no data" in text
    assert "Too few to test" in page.inner_text("#min-expected-rule")
    assert _axe(page) == []

    page.goto(f"{base}/incidents/stats/upticks/?as_of={AS_OF}")
    text = page.inner_text("main")
    assert "0 flagged rises" in text and "Not tested: the last 28 days have partial data." in text
    assert _axe(page) == []

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the rule and the coverage note still read
    page.goto(f"{base}/incidents/stats/trends/?as_of={AS_OF}&category=robbery")
    assert page.is_visible("#data-coverage") and _axe(page) == []
    context.close()
